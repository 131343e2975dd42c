import ArgumentParser
import LLMBenchCore
import LLMBenchEngine

/// `llmbench compare A B`: run B against run A, provider by provider, on the items both ran.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two stored runs provider by provider, on the items both ran (paired tests).",
        discussion: """
            For each provider in both runs, overall and per category: the pass rates and McNemar's test,
            and the mean differences B - A of quality and latency with 95 % bootstrap intervals and p
            values, computed on the test × repeat items both runs have. A difference with p >= 0.05 is
            marked (ns): not significant. Docs/statistics.md.
            """)

    @Argument(help: "Run A, the baseline (a run id, or 'last').") var runA: String
    @Argument(help: "Run B, compared with A (a run id, or 'last').") var runB: String
    @Option(help: "table or json.") var format: CompareFormat = .table
    @OptionGroup var store: StoreOptions

    enum CompareFormat: String, ExpressibleByArgument { case table, json }

    func run() throws {
        do throws(LLMBenchError) {
            let store = try store.openForReading()
            try store.withSnapshot { () throws(LLMBenchError) in
                var comparison = RunComparison()
                var infos: [RunInfo] = []
                for (side, id) in [(false, runA), (true, runB)] {
                    let resolved = id == "last" ? try store.lastRunID() : id
                    guard let resolved, let info = try store.run(id: resolved) else { throw LLMBenchError(.usage, "no run '\(id)' in the store") }
                    infos.append(info)
                    try store.results(of: resolved).forEachResult(matching: .all) { comparison.add($0, inB: side) }
                }
                let rows = comparison.rows()
                switch format {
                case .json:
                    let document: JSONValue = .object([
                        "format": .string("llmbench.compare/1"), "a": .string(infos[0].id), "b": .string(infos[1].id),
                        "comparisons": .array(rows.map(\.json)),
                    ])
                    print(document.jsonText)
                case .table:
                    print(Self.table(rows, a: infos[0], b: infos[1]), terminator: "")
                }
            }
        } catch {
            throw failInput([error])
        }
    }

    static func table(_ rows: [RunComparison.Row], a: RunInfo, b: RunInfo) -> String {
        guard !rows.isEmpty else { return "No provider ran the same items in \(a.id) and \(b.id): nothing to compare.\n" }
        func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
        func mark(_ significant: Bool) -> String { significant ? "" : " (ns)" }
        func difference(_ d: PairedComparison.Difference?, scale: Double, format: String) -> String {
            guard let d else { return "–" }
            let value = String(format: format, d.meanDifference * scale)
            return "\(value) [\(String(format: format, d.interval.lower * scale)), \(String(format: format, d.interval.upper * scale))] p=\(String(format: "%.3g", d.pValue))\(mark(d.isSignificant()))"
        }
        var table = [["provider", "category", "pairs", "pass A → B", "p", "quality B−A [95 % CI]", "latency B−A ms [95 % CI]"]]
        for row in rows {
            table.append([
                row.provider, row.category ?? "(all)", "\(row.comparison.pairs)",
                "\(percent(row.passRateA)) → \(percent(row.passRateB))",
                String(format: "%.3g", row.comparison.passPValue) + mark(row.comparison.passDifferenceIsSignificant()),
                difference(row.comparison.quality, scale: 1, format: "%+.3f"),
                difference(row.comparison.latencyMs, scale: 1, format: "%+.1f"),
            ])
        }
        return "B = \(b.id) against A = \(a.id), on the items both ran; (ns): not significant at 0.05\n" + TextColumns.render(table, rightAligned: [2])
    }
}
