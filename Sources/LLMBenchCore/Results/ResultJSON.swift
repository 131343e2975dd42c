/// The JSON form of results: the contract of `--json` and `report --format json` (Docs/output-formats.md),
/// and how the store keeps each result.
extension BenchResult {
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "test": .string(test), "category": .string(category), "provider": .string(provider), "plugin": .string(plugin),
            "model": .string(model), "repeat": JSONValue(repeatIndex), "status": .string(status.rawValue),
            "error": error?.json ?? .null,
            "attempt_log": .array(attemptRecords.map(\.json)), "wait_ms": .number(waitMs), "http": http?.json ?? .null,
            "chunk_gaps_ms": .array(chunkGapsMs.map { .number($0) }),
            "latency_ms": JSONValue(latencyMs), "ttft_ms": JSONValue(ttftMs), "ttfot_ms": JSONValue(ttfotMs),
            "tpot_ms": JSONValue(tpotMs), "decode_tps": JSONValue(decodeTPS),
            "input_tokens": JSONValue(usage?.inputTokens), "output_tokens": JSONValue(usage?.outputTokens),
            "input_tokens_method": JSONValue(usage?.inputMethod.rawValue), "output_tokens_method": JSONValue(usage?.outputMethod.rawValue),
            "cached_input_tokens": JSONValue(usage?.cachedInputTokens), "cache_write_tokens": JSONValue(usage?.cacheWriteTokens),
            "reasoning_tokens": JSONValue(usage?.reasoningTokens), "tokens_estimated": JSONValue(usage?.estimated),
            "cost_usd": JSONValue(costUSD), "quality": JSONValue(quality), "passed": .bool(passed),
            "scores": .array(scores.map(\.json)), "output": .string(output), "reasoning": JSONValue(reasoning),
            "finish_reason": JSONValue(finishReason), "attempts": JSONValue(attempts), "simulated": .bool(simulated),
            "started_at": .number(startedAt), "truncated": .bool(truncated), "cached": .bool(cached), "warmup": .bool(warmup),
        ]
        if usage == nil { object["tokens_estimated"] = .null }
        return .object(object)
    }

    public init?(json: JSONValue) {
        guard case .object(let members) = json else { return nil }
        var slots = [JSONValue?](repeating: nil, count: Self.fieldNames.count)
        for (key, value) in members { if let slot = Self.fieldSlots[key] { slots[slot] = value } }
        self.init(slots: slots)
    }

    /// From the values of `fieldNames`, by slot (a parsed object's, or `decode(utf8:)`'s).
    init?(slots: [JSONValue?]) {
        func json(_ slot: Int) -> JSONValue? { slots[slot] }
        guard let test = json(Field.test)?.stringValue, let provider = json(Field.provider)?.stringValue,
              let status = json(Field.status)?.stringValue.flatMap(ResultStatus.init(rawValue:)) else { return nil }
        var usage: Usage?
        if let input = json(Field.inputTokens)?.intValue, let output = json(Field.outputTokens)?.intValue {
            // Results stored before the methods were recorded have only `tokens_estimated`.
            let older: TokenCountMethod = json(Field.tokensEstimated)?.boolValue == true ? .estimate : .reported
            func method(_ slot: Int) -> TokenCountMethod { json(slot)?.stringValue.flatMap(TokenCountMethod.init(rawValue:)) ?? older }
            usage = Usage(inputTokens: input, outputTokens: output, cachedInputTokens: json(Field.cachedInputTokens)?.intValue,
                          cacheWriteTokens: json(Field.cacheWriteTokens)?.intValue, reasoningTokens: json(Field.reasoningTokens)?.intValue,
                          inputMethod: method(Field.inputTokensMethod), outputMethod: method(Field.outputTokensMethod))
        }
        let error = json(Field.error).flatMap(RequestError.init(json:))
        self.init(
            test: test, category: json(Field.category)?.stringValue ?? "general", provider: provider,
            plugin: json(Field.plugin)?.stringValue ?? "", model: json(Field.model)?.stringValue ?? "",
            repeatIndex: json(Field.repeatIndex)?.intValue ?? 0, status: status, error: error,
            latencyMs: json(Field.latencyMs)?.doubleValue, ttftMs: json(Field.ttftMs)?.doubleValue, ttfotMs: json(Field.ttfotMs)?.doubleValue,
            usage: usage, costUSD: json(Field.costUsd)?.doubleValue, quality: json(Field.quality)?.doubleValue,
            passed: json(Field.passed)?.boolValue ?? false, scores: json(Field.scores)?.arrayValue?.compactMap(ScoreOutcome.init(json:)) ?? [],
            output: json(Field.output)?.stringValue ?? "", reasoning: json(Field.reasoning)?.stringValue,
            truncated: json(Field.truncated)?.boolValue ?? false, finishReason: json(Field.finishReason)?.stringValue, attempts: json(Field.attempts)?.intValue ?? 1,
            attemptLog: Self.storedAttemptLog(json(Field.attemptLog)),
            waitMs: json(Field.waitMs)?.doubleValue ?? 0, http: json(Field.http).flatMap { $0.isNull ? nil : HTTPInfo(json: $0) },
            chunkGapsMs: json(Field.chunkGapsMs)?.arrayValue?.compactMap(\.doubleValue) ?? [],
            simulated: json(Field.simulated)?.boolValue ?? false, startedAt: json(Field.startedAt)?.doubleValue ?? 0,
            cached: json(Field.cached)?.boolValue ?? false, warmup: json(Field.warmup)?.boolValue ?? false)
    }
}

extension BenchResult {
    /// The fields a result is read from, each with a slot: `fieldSlots[key]` once per member, then
    /// every field by its slot.
    static let fieldNames = [
        "test",
        "category",
        "provider",
        "plugin",
        "model",
        "repeat",
        "status",
        "error",
        "input_tokens",
        "output_tokens",
        "tokens_estimated",
        "input_tokens_method",
        "output_tokens_method",
        "cached_input_tokens",
        "cache_write_tokens",
        "reasoning_tokens",
        "latency_ms",
        "ttft_ms",
        "ttfot_ms",
        "cost_usd",
        "quality",
        "passed",
        "scores",
        "output",
        "reasoning",
        "truncated",
        "finish_reason",
        "attempts",
        "attempt_log",
        "wait_ms",
        "http",
        "chunk_gaps_ms",
        "simulated",
        "started_at",
        "cached",
        "warmup",
    ]
    static let fieldSlots: [String: Int] = Dictionary(uniqueKeysWithValues: fieldNames.enumerated().map { ($1, $0) })
    /// The same, looked up by a key's bytes (`decode(utf8:)`).
    static let fieldKeys = JSONKeyTable(fieldNames)

    /// Each field's slot, in the order of `fieldNames`.
    enum Field {
        static let test = 0
        static let category = 1
        static let provider = 2
        static let plugin = 3
        static let model = 4
        static let repeatIndex = 5
        static let status = 6
        static let error = 7
        static let inputTokens = 8
        static let outputTokens = 9
        static let tokensEstimated = 10
        static let inputTokensMethod = 11
        static let outputTokensMethod = 12
        static let cachedInputTokens = 13
        static let cacheWriteTokens = 14
        static let reasoningTokens = 15
        static let latencyMs = 16
        static let ttftMs = 17
        static let ttfotMs = 18
        static let costUsd = 19
        static let quality = 20
        static let passed = 21
        static let scores = 22
        static let output = 23
        static let reasoning = 24
        static let truncated = 25
        static let finishReason = 26
        static let attempts = 27
        static let attemptLog = 28
        static let waitMs = 29
        static let http = 30
        static let chunkGapsMs = 31
        static let simulated = 32
        static let startedAt = 33
        static let cached = 34
        static let warmup = 35
    }

    /// A result from its JSON text, as the store keeps it: the same as `init?(json:)` after parsing,
    /// without building the whole object as a dictionary first (reports decode every stored result;
    /// the dictionary was a third of a report's time).
    public static func decode(utf8 bytes: [UInt8]) -> BenchResult? {
        var slots = [JSONValue?](repeating: nil, count: fieldNames.count)
        var parser = JSONParser(bytes: bytes)
        do {
            try parser.forEachMember(keys: fieldKeys) { slot, value in slots[slot] = value }
        } catch {
            return nil
        }
        return BenchResult(slots: slots)
    }

    /// Of a result's JSON text, only its answer and its error's message (what a listing of every
    /// result shows besides the figures), as `decode` would read them; the other members are checked
    /// and passed over, not built. nil where `decode` gives nil.
    public static func decodeText(utf8 bytes: [UInt8]) -> ResultText? {
        var text = ResultText(output: "", errorMessage: nil)
        var required = 0
        var parser = JSONParser(bytes: bytes)
        do {
            try parser.forEachMember(keys: textKeys) { slot, value in
                switch slot {
                case 0: text.output = value.stringValue ?? ""
                case 1: text.errorMessage = RequestError(json: value)?.message
                default:
                    // The members without which `decode` refuses a result.
                    if slot == 2 ? value.stringValue.flatMap(ResultStatus.init(rawValue:)) != nil : value.stringValue != nil {
                        required |= 1 << slot
                    } else {
                        required &= ~(1 << slot)
                    }
                }
            }
        } catch {
            return nil
        }
        return required == 0b11100 ? text : nil
    }

    private static let textKeys = JSONKeyTable(["output", "error", "status", "test", "provider"])

    /// The attempt log as kept in memory: a single successful attempt is the result itself.
    static func storedAttemptLog(_ attemptLog: JSONValue?) -> [AttemptRecord] {
        let log = attemptLog?.arrayValue?.compactMap(AttemptRecord.init(json:)) ?? []
        if log.count == 1, log[0].status == .ok, log[0].waitBeforeMs == 0 { return [] }
        return log
    }
}

extension RunInfo {
    /// From start to finish, to the millisecond; nil while running.
    public var durationSeconds: Double? {
        guard let finishedAt else { return nil }
        return ((finishedAt - startedAt) * 1000).rounded() / 1000
    }

    public var json: JSONValue {
        .object([
            "id": .string(id), "suite": .string(suite), "suite_digest": .string(suiteDigest),
            "started": .string(Timestamps.iso8601(startedAt)), "finished": finishedAt.map { .string(Timestamps.iso8601($0)) } ?? .null,
            "price_snapshot": prices.json, "concurrency": JSONValue(concurrency), "notices": .array(notices.map { .string($0) }),
            "duration_s": JSONValue(durationSeconds), "status": .string(status.rawValue), "status_reason": JSONValue(statusReason),
            "planned": JSONValue(plan?.count),
        ])
    }
}

/// A finished run with its results in memory, ready to render. A large run is reported from the
/// store instead (`RunTally` and `ResultSource`); this is the whole-document form of the same contract.
public struct RunReport: Sendable {
    public var run: RunInfo
    public var results: [BenchResult]
    public var summary: [GroupSummary]

    /// Planned requests with no result: none for a complete run (or one stored without a plan).
    public var notStarted: [RunPlan.Item]

    /// Which model for which category (`DecisionTally`).
    public var decisions: [DecisionTally.Decision]

    public init(run: RunInfo, results: [BenchResult]) {
        let tally = RunTally(run: run, results: results)
        var decisions = DecisionTally(current: run.plan?.current)
        for result in results { decisions.add(result) }
        self.run = run
        self.results = results
        self.summary = tally.summary
        self.notStarted = tally.notStarted
        self.decisions = decisions.decisions()
    }

    /// One line on an incomplete run, for the top of every human-readable report; nil when complete.
    public var incompleteNote: String? { RunTally.incompleteNote(run, done: results.count, notStarted: notStarted.count) }

    public var json: JSONValue {
        .object([
            "decisions": .array(decisions.map(\.json)),
            "format": .string(RunDocument.format),
            "run": RunDocument.run(run, done: results.count, notStarted: notStarted.count),
            "results": .array(results.map(\.json)),
            "summary": .array(summary.map(\.json)),
            "percentiles": .string(RunDocument.percentiles),
        ])
    }
}

/// The parts of the `llmbench.run/1` document (Docs/output-formats.md) that `RunReport.json` builds
/// whole and the JSON report writes result by result.
public enum RunDocument {
    public static let format = "llmbench.run/1"
    public static let percentiles = "linear interpolation between closest ranks (type 7, numpy default)"

    /// The document's `run`: the run with how many of its requests have a result and how many never started.
    public static func run(_ run: RunInfo, done: Int, notStarted: Int) -> JSONValue {
        guard case .object(var fields) = run.json else { return run.json }
        fields["done"] = JSONValue(done)
        fields["not_started"] = JSONValue(notStarted)
        return .object(fields)
    }
}

public enum Timestamps {
    /// UTC, second precision: 2026-11-29T04:12:00Z.
    public static func iso8601(_ unixSeconds: Double) -> String {
        let (date, time) = civil(unixSeconds)
        return "\(date)T\(time)Z"
    }

    /// UTC date, yyyy-MM-dd.
    public static func date(_ unixSeconds: Double) -> String { civil(unixSeconds).date }

    /// `text` is a yyyy-MM-dd calendar day (as price tables date their entries).
    public static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1, (1...12).contains(month)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    /// UTC without a zone designator, as the JUnit schemas want: 2026-11-29T04:12:00.
    public static func localISO(_ unixSeconds: Double) -> String {
        let (date, time) = civil(unixSeconds)
        return "\(date)T\(time)"
    }

    /// Howard Hinnant's days-from-civil inverse; no Foundation calendar, so it is the same everywhere.
    static func civil(_ unixSeconds: Double) -> (date: String, time: String) {
        let seconds = Int64(unixSeconds.rounded(.down))
        var days = seconds / 86400
        var rem = seconds % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, width - s.count)) + s }
        return ("\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))", "\(pad(rem / 3600, 2)):\(pad(rem % 3600 / 60, 2)):\(pad(rem % 60, 2))")
    }
}

extension BenchResult {
    /// The same text as `json.jsonText`, written field by field in sorted-key order without building
    /// the intermediate dictionary: the store encodes every result, so this is on the hot path.
    /// The version of the text `writeJSON` writes. A store keeps it beside each result, and reports
    /// copy stored text only when it is this one. Any change to what `writeJSON` writes (a member, a
    /// number's form, the order) must raise it; `ResultEncodingTests` fails until it does.
    public static let jsonEncoding = 1

    public func writeJSON(into w: inout JSONWriter) {
        func key(_ name: StaticString, first: Bool = false) { w.key(name, first: first) }
        func number(_ value: Double?) { if let value { w.number(value) } else { w.raw("null") } }
        func integer(_ value: Int?) { if let value { w.number(Double(value)) } else { w.raw("null") } }
        func text(_ value: String?) { if let value { w.string(value) } else { w.raw("null") } }
        w.raw("{")
        key("attempt_log", first: true)
        w.raw("[")
        for (i, attempt) in attemptRecords.enumerated() {
            if i > 0 { w.raw(",") }
            attempt.writeJSON(into: &w)
        }
        w.raw("]")
        key("attempts"); integer(attempts)
        key("cache_write_tokens"); integer(usage?.cacheWriteTokens)
        key("cached"); w.raw(cached ? "true" : "false")
        key("cached_input_tokens"); integer(usage?.cachedInputTokens)
        key("category"); w.string(category)
        key("chunk_gaps_ms")
        w.raw("[")
        for (i, gap) in chunkGapsMs.enumerated() {
            if i > 0 { w.raw(",") }
            w.number(gap)
        }
        w.raw("]")
        key("cost_usd"); number(costUSD)
        key("decode_tps"); number(decodeTPS)
        key("error"); w.write(error?.json ?? .null)
        key("finish_reason"); text(finishReason)
        key("http")
        if let http { http.writeJSON(into: &w) } else { w.raw("null") }
        key("input_tokens"); integer(usage?.inputTokens)
        key("input_tokens_method"); text(usage?.inputMethod.rawValue)
        key("latency_ms"); number(latencyMs)
        key("model"); w.string(model)
        key("output"); w.string(output)
        key("output_tokens"); integer(usage?.outputTokens)
        key("output_tokens_method"); text(usage?.outputMethod.rawValue)
        key("passed"); w.raw(passed ? "true" : "false")
        key("plugin"); w.string(plugin)
        key("provider"); w.string(provider)
        key("quality"); number(quality)
        key("reasoning"); text(reasoning)
        key("reasoning_tokens"); integer(usage?.reasoningTokens)
        key("repeat"); integer(repeatIndex)
        key("scores")
        w.raw("[")
        for (i, score) in scores.enumerated() {
            if i > 0 { w.raw(",") }
            score.writeJSON(into: &w)
        }
        w.raw("]")
        key("simulated"); w.raw(simulated ? "true" : "false")
        key("started_at"); w.number(startedAt)
        key("status"); w.string(status.rawValue)
        key("test"); w.string(test)
        key("tokens_estimated"); if let usage { w.raw(usage.estimated ? "true" : "false") } else { w.raw("null") }
        key("tpot_ms"); number(tpotMs)
        key("truncated"); w.raw(truncated ? "true" : "false")
        key("ttfot_ms"); number(ttfotMs)
        key("ttft_ms"); number(ttftMs)
        key("wait_ms"); w.number(waitMs)
        key("warmup"); w.raw(warmup ? "true" : "false")
        w.raw("}")
    }
}

// Field-by-field writers for the parts of a result, in sorted-key order: the same text as `.json`
// (ResultEncodingTests compares them), without building dictionaries on the hot path.
extension AttemptRecord {
    public func writeJSON(into w: inout JSONWriter) {
        w.raw("{")
        w.key("error", first: true); w.write(error?.json ?? .null)
        w.key("http"); if let http { http.writeJSON(into: &w) } else { w.raw("null") }
        w.key("latency_ms"); if let latencyMs { w.number(latencyMs) } else { w.raw("null") }
        w.key("status"); w.string(status.rawValue)
        w.key("ttft_ms"); if let ttftMs { w.number(ttftMs) } else { w.raw("null") }
        w.key("wait_before_ms"); w.number(waitBeforeMs)
        w.raw("}")
    }
}

extension HTTPInfo {
    public func writeJSON(into w: inout JSONWriter) {
        w.raw("{")
        w.key("bytes_in", first: true); w.number(Double(bytesIn))
        w.key("bytes_out"); w.number(Double(bytesOut))
        w.key("chunks"); w.number(Double(chunks))
        w.key("reused_connection"); if let reusedConnection { w.raw(reusedConnection ? "true" : "false") } else { w.raw("null") }
        w.key("status"); if let status { w.number(Double(status)) } else { w.raw("null") }
        w.key("version"); if let version { w.number(Double(version)) } else { w.raw("null") }
        w.raw("}")
    }
}

extension ScoreOutcome {
    public func writeJSON(into w: inout JSONWriter) {
        w.raw("{")
        w.key("cost_usd", first: true); if let costUSD { w.number(costUSD) } else { w.raw("null") }
        w.key("details"); w.write(details)
        w.key("error"); if let error { w.string(error) } else { w.raw("null") }
        w.key("explanation"); if let explanation { w.string(explanation) } else { w.raw("null") }
        w.key("input_tokens"); if let inputTokens { w.number(Double(inputTokens)) } else { w.raw("null") }
        w.key("output_tokens"); if let outputTokens { w.number(Double(outputTokens)) } else { w.raw("null") }
        w.key("passed"); w.raw(passed ? "true" : "false")
        w.key("scorer"); w.string(scorer)
        w.key("threshold"); if let threshold { w.number(threshold) } else { w.raw("null") }
        w.key("value"); if let value { w.number(value) } else { w.raw("null") }
        w.raw("}")
    }
}
