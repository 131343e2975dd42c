import LLMBenchCore

/// The comparative columns of a group summary, shared by the terminal table and Markdown so that both
/// say the same thing in the same words.
enum SummaryColumns {
    static let headers = ["n", "errors", "pass rate", "quality", "latency p50 ms", "latency p95 ms", "TTFT p50 ms",
                          "cost USD", "cost/pass USD", "note"]

    static func cells(_ group: GroupSummary) -> [String] {
        [
            String(group.n), String(group.errors), Figures.percent(group.passRate), Figures.quality(group.qualityMean),
            Figures.ms(group.latencyMs?.p50), Figures.ms(group.latencyMs?.p95), Figures.ms(group.ttftMs?.p50),
            Figures.costTotal(group), Figures.costPerPass(group), ([group.simulated ? "simulated" : nil, group.cached > 0 ? "\(group.cached) cached" : nil]
                + group.corpus.sorted { $0.key < $1.key }.map { "corpus \($0.key) \(String(format: "%.3f", $0.value))" })
                .compactMap { $0 }.joined(separator: ", "),
        ]
    }
}
