import LLMBenchCore

/// One row per result, RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote, CR or LF,
/// inner quotes doubled, an empty field for a missing value. Values are written exactly (output is not
/// truncated or cleaned) because CSV is for analysis; whoever opens it in a spreadsheet should know that
/// a cell starting with `=` is still a model's answer.
enum CSVReport {
    static let columns = ["run_id", "test", "category", "provider", "model", "repeat", "status", "error_kind", "error_message",
                          "latency_ms", "ttft_ms", "input_tokens", "output_tokens", "cost_usd", "quality", "passed", "output"]

    static func write(_ report: StreamingReport, to output: ReportOutput) throws(LLMBenchError) {
        try output.write(line(columns))
        try report.results.forEachResult(matching: .all) { result throws(LLMBenchError) in
            try output.write(line([
                report.run.id, result.test, result.category, result.provider, result.model, String(result.repeatIndex),
                result.status.rawValue, result.error?.kind.rawValue ?? "", result.error?.message ?? "",
                number(result.latencyMs), number(result.ttftMs), number(result.usage.map { Double($0.inputTokens) }),
                number(result.usage.map { Double($0.outputTokens) }), number(result.costUSD), number(result.quality),
                result.passed ? "true" : "false", result.output,
            ]))
        }
    }

    private static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }

    static func field(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            if scalar == "\"" { quoted += "\"" }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }

    /// The same shortest round-trip form as the JSON report (integers without a fraction), so the two agree.
    private static func number(_ value: Double?) -> String {
        guard let value else { return "" }
        var writer = JSONWriter()
        writer.number(value)
        return writer.text == "null" ? "" : writer.text
    }
}
