import Foundation
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
        // The figures of each result, with its answer and error message; a cached answer whole (its
        // figures leave out the times and cost it was stored with, which the CSV lists).
        try report.results.forEachRow(matching: .all, detail: .text) { row throws(LLMBenchError) in
            if let result = row.result {
                return try output.write(line([
                    report.run.id, result.test, result.category, result.provider, result.model, String(result.repeatIndex),
                    result.status.rawValue, result.error?.kind.rawValue ?? "", result.error?.message ?? "",
                    number(result.latencyMs), number(result.ttftMs), number(result.usage.map { Double($0.inputTokens) }),
                    number(result.usage.map { Double($0.outputTokens) }), number(result.costUSD), number(result.quality),
                    result.passed ? "true" : "false", result.output,
                ]))
            }
            let f = row.figures, text = row.text ?? ResultText(output: "", errorMessage: nil)
            try output.write(line([
                report.run.id, f.test, f.category, f.provider, f.model, String(f.repeatIndex),
                f.status.rawValue, f.errorKind ?? "", text.errorMessage ?? "",
                number(f.latencyMs), number(f.ttftMs), number(f.inputTokens.map(Double.init)),
                number(f.outputTokens.map(Double.init)), number(f.costUSD), number(f.quality),
                f.passed ? "true" : "false", text.output,
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
        // Swift's shortest form: when it has at most 15 digits, they are the value's 15-digit rounding
        // (a double's neighbours are closer than half a unit of the 15th digit); else round with printf.
        var decimal = Decimal(value.description)
        if decimal.digits.count > 15 {
            var buffer = [CChar](repeating: 0, count: 40)
            _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.14e", $0) }
            decimal = Decimal(String(cString: buffer))
        }
        return decimal.text
    }

    /// A number's significant digits (no leading or trailing zeros) and the power of ten of the first.
    private struct Decimal {
        var negative = false
        var digits: [UInt8] = []
        var exponent = 0

        /// From "-12.5", "0.082", "1e-05", "2.55000000000000e-06" and the like.
        init(_ text: String) {
            var integerDigits = 0, inFraction = false, exponentText = ""
            var all: [UInt8] = []
            var iterator = text.utf8.makeIterator()
            while let byte = iterator.next() {
                switch byte {
                case UInt8(ascii: "-"): negative = true
                case UInt8(ascii: "."): inFraction = true
                case UInt8(ascii: "e"), UInt8(ascii: "E"):
                    while let rest = iterator.next() { exponentText.unicodeScalars.append(Unicode.Scalar(rest)) }
                default:
                    all.append(byte)
                    if !inFraction { integerDigits += 1 }
                }
            }
            let leading = all.prefix { $0 == UInt8(ascii: "0") }.count
            digits = Array(all.dropFirst(leading))
            while digits.last == UInt8(ascii: "0") { digits.removeLast() }
            exponent = integerDigits - 1 - leading + (Int(exponentText) ?? 0)
        }

        var text: String {
            var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
            if exponent >= 0 {
                let whole = exponent + 1
                out += digits.prefix(whole)
                if digits.count < whole { out += repeatElement(UInt8(ascii: "0"), count: whole - digits.count) }
                if digits.count > whole { out += [UInt8(ascii: ".")] + digits.dropFirst(whole) }
            } else {
                out += [UInt8(ascii: "0"), UInt8(ascii: ".")] + repeatElement(UInt8(ascii: "0"), count: -exponent - 1) + digits
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
