import LLMBenchCore

/// How numbers and untrusted text look in human-facing reports. One place, so the terminal table,
/// Markdown and JUnit agree. Formatting is done by hand, not with Foundation, so it never depends on a locale.
enum Figures {
    /// Shown where a value does not exist (no successful request, no passes).
    static let none = "-"
    /// Shown where a cost is unknown because the model has no price. Never "0".
    static let noPrice = "no price"

    /// `value` with exactly `decimals` places, rounded half away from zero: fixed(3, 1) == "3.0",
    /// fixed(-0.04, 1) == "0.0" (no negative zero).
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return none }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.0e18 else { return "\(value)" }
        var digits = String(Int64(scaled))
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + digits }
        let split = digits.index(digits.endIndex, offsetBy: -decimals)
        return sign + digits[..<split] + "." + digits[split...]
    }

    static func ms(_ value: Double?) -> String { value.map { fixed($0, 1) } ?? none }
    static func quality(_ value: Double?) -> String { value.map { fixed($0, 3) } ?? none }
    static func usd(_ value: Double) -> String { fixed(value, 6) }
    static func percent(_ fraction: Double) -> String { fixed(fraction * 100, 1) + "%" }

    /// A group's total cost, or "no price" when any of its results has usage but no price: a partial
    /// total would understate the cost.
    static func costTotal(_ group: GroupSummary) -> String {
        guard let total = group.costTotalUSD, group.unpriced == 0 else { return noPrice }
        return usd(total)
    }

    static func costPerPass(_ group: GroupSummary) -> String {
        guard group.costTotalUSD != nil, group.unpriced == 0 else { return noPrice }
        return group.costPerPassUSD.map(usd) ?? none
    }

    /// One result's cost: "no price" when tokens were used but the model has no price, "-" when
    /// nothing was reported (a failed request).
    static func cost(_ result: BenchResult) -> String {
        if let cost = result.costUSD { return usd(cost) }
        return result.usage == nil ? none : noPrice
    }

    /// The same from a result's figures (not a cached answer's: its figures leave its times out).
    static func cost(_ figures: ResultFigures) -> String {
        if let cost = figures.costUSD { return usd(cost) }
        return figures.hasUsage ? noPrice : none
    }

    /// The measured figures of one result, for JUnit bodies and system-out.
    static func metrics(_ result: BenchResult) -> String {
        metrics(latencyMs: result.latencyMs, ttftMs: result.ttftMs,
                tokens: result.usage.map { ($0.inputTokens, $0.outputTokens, $0.estimated) }, cost: cost(result),
                quality: result.quality, attempts: result.attempts)
    }

    /// The same from a result's figures (not a cached answer's).
    static func metrics(_ figures: ResultFigures) -> String {
        let tokens = figures.inputTokens.flatMap { input in figures.outputTokens.map { (input, $0, figures.tokensEstimated) } }
        return metrics(latencyMs: figures.latencyMs, ttftMs: figures.ttftMs, tokens: tokens, cost: cost(figures),
                       quality: figures.quality, attempts: figures.attempts)
    }

    private static func metrics(latencyMs: Double?, ttftMs: Double?, tokens: (input: Int, output: Int, estimated: Bool)?, cost: String,
                                quality value: Double?, attempts: Int) -> String
    {
        var parts = ["latency_ms=\(ms(latencyMs))", "ttft_ms=\(ms(ttftMs))"]
        if let tokens {
            parts.append("input_tokens=\(tokens.input)")
            parts.append("output_tokens=\(tokens.output)\(tokens.estimated ? " (estimated)" : "")")
        }
        parts.append("cost_usd=\(cost)")
        parts.append("quality=\(quality(value))")
        if attempts > 1 { parts.append("attempts=\(attempts)") }
        return parts.joined(separator: ", ")
    }

    /// Why a result that answered did not pass: each failing scorer with its value against its threshold.
    static func scorerFailures(_ result: BenchResult) -> String {
        let failing = result.scores.filter { !$0.passed }.map { score -> String in
            if let error = score.error { return "\(score.scorer) error: \(error)" }
            guard let value = score.value else { return "\(score.scorer): no value" }
            let threshold = score.threshold.map { " < threshold \(fixed($0, 3))" } ?? ""
            return "\(score.scorer) \(fixed(value, 3))\(threshold)"
        }
        return failing.isEmpty ? "did not pass" : failing.joined(separator: "; ")
    }

    /// At most `limit` characters of `text`, saying how much was cut, so a runaway answer cannot bloat a report.
    static func truncated(_ text: String, limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "... (\(text.count - limit) more characters)"
    }

    /// Text for one line of a terminal: control characters (ANSI escapes included) become spaces,
    /// so untrusted text can neither break the layout nor drive the terminal.
    static func terminalSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}
