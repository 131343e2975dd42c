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

    /// A decimal, never an exponent, that spreadsheets and `float()` read alike: 15 significant
    /// digits (what a double holds for sure, so `2.5499999999999997e-06` is `0.00000255`), trailing
    /// zeros dropped, integers without a fraction. Non-finite values are empty.
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        if value == 0 { return "0" }
        // "%.14e": one digit, a point, 14 digits, then the exponent.
        let scientific = String(format: "%.14e", value)
        let parts = scientific.split(separator: "e")
        let negative = parts[0].hasPrefix("-")
        let digits = parts[0].filter(\.isNumber)
        let exponent = Int(parts[1])!
        var text: String
        if exponent >= 0 {
            let whole = exponent + 1
            text = whole >= digits.count
                ? digits + String(repeating: "0", count: whole - digits.count)
                : String(digits.prefix(whole)) + "." + String(digits.dropFirst(whole))
        } else {
            text = "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return (negative ? "-" : "") + text
    }
}
