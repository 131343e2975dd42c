import Foundation

/// Tokens as the provider reported them, or as the engine counted them where it reported none.
/// `inputTokens` includes cached reads and cache writes; `outputTokens` includes reasoning tokens.
/// Each count says how it was made (Docs/metrics.md "Token counts").
public struct Usage: Sendable, Equatable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var cachedInputTokens: Int?
    public var cacheWriteTokens: Int?
    public var reasoningTokens: Int?
    public var inputMethod: TokenCountMethod
    /// Also that of `reasoningTokens`.
    public var outputMethod: TokenCountMethod

    /// A count the provider did not report (`tokens_estimated`, kept for readers of older results).
    public var estimated: Bool { inputMethod != .reported || outputMethod != .reported }

    public init(inputTokens: Int, outputTokens: Int, cachedInputTokens: Int? = nil, cacheWriteTokens: Int? = nil,
                reasoningTokens: Int? = nil, inputMethod: TokenCountMethod = .reported, outputMethod: TokenCountMethod = .reported)
    {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedInputTokens = cachedInputTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.reasoningTokens = reasoningTokens
        self.inputMethod = inputMethod
        self.outputMethod = outputMethod
    }

    /// Counts that are all reported, or all estimated.
    public init(inputTokens: Int, outputTokens: Int, cachedInputTokens: Int? = nil, cacheWriteTokens: Int? = nil,
                reasoningTokens: Int? = nil, estimated: Bool)
    {
        let method: TokenCountMethod = estimated ? .estimate : .reported
        self.init(inputTokens: inputTokens, outputTokens: outputTokens, cachedInputTokens: cachedInputTokens,
                  cacheWriteTokens: cacheWriteTokens, reasoningTokens: reasoningTokens, inputMethod: method, outputMethod: method)
    }

    /// Reads the ABI's usage JSON (Docs/plugin-abi.md): reported, unless the plugin says it estimated.
    public init?(json: JSONValue) {
        guard let input = json["input_tokens"]?.intValue, let output = json["output_tokens"]?.intValue else { return nil }
        self.init(inputTokens: input, outputTokens: output, cachedInputTokens: json["cached_input_tokens"]?.intValue,
                  cacheWriteTokens: json["cache_write_tokens"]?.intValue, reasoningTokens: json["reasoning_tokens"]?.intValue,
                  estimated: json["estimated"]?.boolValue ?? false)
    }
}

/// How a token count was made, from the most exact to the least (Docs/metrics.md "Token counts").
public enum TokenCountMethod: String, Sendable, CaseIterable {
    /// The provider's usage.
    case reported
    /// The answer stopped at `max_tokens` (finish reason `length`), so it is that many.
    case limit
    /// The provider's `tokenizer:` file: for input, the messages' text so and the chat template by rule.
    case tokenizer
    /// One token per content chunk of the stream.
    case chunks
    /// About four bytes a token (and the chat template by rule, for input), or the plugin's estimate.
    case estimate
}

/// The classes of failure (DESIGN.md). The plugin classifies; the engine decides what to retry.
public enum ErrorKind: String, Sendable, CaseIterable {
    case invalidRequest = "invalid_request"
    case auth
    case notFound = "not_found"
    case rateLimited = "rate_limited"
    case timeout
    case server
    case network
    case malformedResponse = "malformed_response"
    case contentFilter = "content_filter"
    case cancelled
    case `internal`
    /// A scorer failed on an answer (the request itself succeeded).
    case scorer

    /// Maps an ABI status code (llmbench_status) to a kind.
    public init(statusCode: Int32) {
        switch statusCode {
        case 1: self = .invalidRequest
        case 2: self = .auth
        case 3: self = .notFound
        case 4: self = .rateLimited
        case 5: self = .timeout
        case 6: self = .server
        case 7: self = .network
        case 8: self = .malformedResponse
        case 9: self = .contentFilter
        case 10: self = .cancelled
        default: self = .internal
        }
    }

    /// The ABI status code of this kind (llmbench_status), the inverse of `init(statusCode:)`.
    public var statusCode: Int32 {
        switch self {
        case .invalidRequest: 1
        case .auth: 2
        case .notFound: 3
        case .rateLimited: 4
        case .timeout: 5
        case .server: 6
        case .network: 7
        case .malformedResponse: 8
        case .contentFilter: 9
        case .cancelled: 10
        case .internal, .scorer: 11
        }
    }
}

public struct RequestError: Sendable, Equatable, Error {
    public var kind: ErrorKind
    public var message: String
    public var httpStatus: Int?
    public var retryAfterMs: Int?

    public init(kind: ErrorKind, message: String, httpStatus: Int? = nil, retryAfterMs: Int? = nil) {
        self.kind = kind
        self.message = message
        self.httpStatus = httpStatus
        self.retryAfterMs = retryAfterMs
    }
}

/// What one scorer said about one answer, and whether its threshold was met.
public struct ScoreOutcome: Sendable, Equatable {
    public var scorer: String
    /// In [0, 1]; nil when the scorer failed.
    public var value: Double?
    public var passed: Bool
    public var threshold: Double?
    public var explanation: String?
    public var details: JSONValue
    public var error: String?
    /// What the scorer's calls to the suite's providers took (an embedder, a judge): scoring cost,
    /// apart from the model under test. nil when it made none; `costUSD` nil also when unpriced.
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var costUSD: Double?

    public init(scorer: String, value: Double?, passed: Bool, threshold: Double?, explanation: String? = nil,
                details: JSONValue = .object([:]), error: String? = nil, inputTokens: Int? = nil, outputTokens: Int? = nil,
                costUSD: Double? = nil)
    {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
        self.scorer = scorer
        self.value = value
        self.passed = passed
        self.threshold = threshold
        self.explanation = explanation
        self.details = details
        self.error = error
    }

    public var json: JSONValue {
        .object([
            "scorer": .string(scorer), "value": JSONValue(value), "passed": .bool(passed), "threshold": JSONValue(threshold),
            "explanation": JSONValue(explanation), "details": details, "error": JSONValue(error),
            "input_tokens": JSONValue(inputTokens), "output_tokens": JSONValue(outputTokens), "cost_usd": JSONValue(costUSD),
        ])
    }

    public init?(json: JSONValue) {
        guard let scorer = json["scorer"]?.stringValue else { return nil }
        self.init(scorer: scorer, value: json["value"]?.doubleValue, passed: json["passed"]?.boolValue ?? false,
                  threshold: json["threshold"]?.doubleValue, explanation: json["explanation"]?.stringValue,
                  details: json["details"] ?? .object([:]), error: json["error"]?.stringValue, inputTokens: json["input_tokens"]?.intValue,
                  outputTokens: json["output_tokens"]?.intValue, costUSD: json["cost_usd"]?.doubleValue)
    }
}

/// What the transport saw of one HTTP exchange (absent for providers that do no HTTP).
public struct HTTPInfo: Sendable, Equatable {
    public var status: Int?
    /// 10, 11, 20 or 30.
    public var version: Int?
    public var reusedConnection: Bool?
    public var bytesIn: Int
    public var bytesOut: Int
    /// Body chunks as they arrived from the network.
    public var chunks: Int

    public init(status: Int? = nil, version: Int? = nil, reusedConnection: Bool? = nil, bytesIn: Int = 0, bytesOut: Int = 0, chunks: Int = 0) {
        self.status = status
        self.version = version
        self.reusedConnection = reusedConnection
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.chunks = chunks
    }

    public var json: JSONValue {
        .object(["status": JSONValue(status), "version": JSONValue(version), "reused_connection": JSONValue(reusedConnection),
                 "bytes_in": JSONValue(bytesIn), "bytes_out": JSONValue(bytesOut), "chunks": JSONValue(chunks)])
    }

    public init(json: JSONValue) {
        self.init(status: json["status"]?.intValue, version: json["version"]?.intValue, reusedConnection: json["reused_connection"]?.boolValue,
                  bytesIn: json["bytes_in"]?.intValue ?? 0, bytesOut: json["bytes_out"]?.intValue ?? 0, chunks: json["chunks"]?.intValue ?? 0)
    }
}

/// One try of a request. Every attempt is kept; `waitBeforeMs` is the back-off that preceded it.
public struct AttemptRecord: Sendable, Equatable {
    public var status: ResultStatus
    public var error: RequestError?
    public var latencyMs: Double?
    public var ttftMs: Double?
    public var waitBeforeMs: Double
    public var http: HTTPInfo?

    public init(status: ResultStatus, error: RequestError? = nil, latencyMs: Double? = nil, ttftMs: Double? = nil,
                waitBeforeMs: Double = 0, http: HTTPInfo? = nil)
    {
        self.status = status
        self.error = error
        self.latencyMs = latencyMs
        self.ttftMs = ttftMs
        self.waitBeforeMs = waitBeforeMs
        self.http = http
    }

    public var json: JSONValue {
        .object(["status": .string(status.rawValue), "error": error?.json ?? .null, "latency_ms": JSONValue(latencyMs),
                 "ttft_ms": JSONValue(ttftMs), "wait_before_ms": .number(waitBeforeMs), "http": http?.json ?? .null])
    }

    public init?(json: JSONValue) {
        guard let status = json["status"]?.stringValue.flatMap(ResultStatus.init(rawValue:)) else { return nil }
        self.init(status: status, error: json["error"].flatMap(RequestError.init(json:)), latencyMs: json["latency_ms"]?.doubleValue,
                  ttftMs: json["ttft_ms"]?.doubleValue, waitBeforeMs: json["wait_before_ms"]?.doubleValue ?? 0,
                  http: json["http"].flatMap { $0.isNull ? nil : HTTPInfo(json: $0) })
    }
}

extension RequestError {
    public var json: JSONValue {
        .object(["kind": .string(kind.rawValue), "message": .string(message), "http_status": JSONValue(httpStatus),
                 "retry_after_ms": JSONValue(retryAfterMs)])
    }

    public init?(json: JSONValue) {
        guard !json.isNull, let kind = json["kind"]?.stringValue else { return nil }
        self.init(kind: ErrorKind(rawValue: kind) ?? .internal, message: json["message"]?.stringValue ?? "",
                  httpStatus: json["http_status"]?.intValue, retryAfterMs: json["retry_after_ms"]?.intValue)
    }
}

public enum ResultStatus: String, Sendable {
    case ok
    case error
}

/// One test × provider × repeat, with everything measured about it.
public struct BenchResult: Sendable, Equatable {
    public var test: String
    public var category: String
    public var provider: String
    public var plugin: String
    public var model: String
    public var repeatIndex: Int
    public var status: ResultStatus
    public var error: RequestError?
    /// Monotonic wall times in milliseconds (Docs/metrics.md). nil when not measured.
    public var latencyMs: Double?
    public var ttftMs: Double?
    public var ttfotMs: Double?
    public var usage: Usage?
    /// nil: no price for this model (never reported as zero).
    public var costUSD: Double?
    public var quality: Double?
    public var passed: Bool
    public var scores: [ScoreOutcome]
    public var output: String
    public var reasoning: String?
    /// The answer (output and reasoning together) passed the engine's size limit and was cut to it
    /// (Docs/http.md); the request then failed as `malformed_response`.
    public var truncated: Bool
    public var finishReason: String?
    public var attempts: Int
    /// Every attempt, in order. Empty in memory for a request that succeeded at its first attempt
    /// (that attempt is the result itself: see `attemptRecords`), which saves a heap array per result.
    public var attemptLog: [AttemptRecord]
    /// Back-off and rate-limit waits between attempts, in ms: never part of a latency.
    public var waitMs: Double
    /// The final attempt's transport figures; nil for providers that do no HTTP.
    public var http: HTTPInfo?
    /// Gaps between body chunks of the final attempt, in ms, in arrival order.
    public var chunkGapsMs: [Double]
    /// Answers from a simulated provider (Mock): reports mark them.
    public var simulated: Bool
    /// When the request started, as a Unix time in seconds.
    public var startedAt: Double
    /// Answered from the store (`--cache`): it cost nothing in this run and its times were measured
    /// in another, so it is kept out of latency statistics.
    public var cached: Bool
    /// A warm-up request (`warmup: N`): stored, but kept out of every statistic.
    public var warmup: Bool

    public init(test: String, category: String, provider: String, plugin: String, model: String, repeatIndex: Int,
                status: ResultStatus, error: RequestError? = nil, latencyMs: Double? = nil, ttftMs: Double? = nil,
                ttfotMs: Double? = nil, usage: Usage? = nil, costUSD: Double? = nil, quality: Double? = nil,
                passed: Bool = false, scores: [ScoreOutcome] = [], output: String = "", reasoning: String? = nil,
                truncated: Bool = false, finishReason: String? = nil, attempts: Int = 1, attemptLog: [AttemptRecord] = [], waitMs: Double = 0,
                http: HTTPInfo? = nil, chunkGapsMs: [Double] = [], simulated: Bool = false, startedAt: Double = 0,
                cached: Bool = false, warmup: Bool = false)
    {
        self.cached = cached
        self.warmup = warmup
        self.attemptLog = attemptLog
        self.waitMs = waitMs
        self.http = http
        self.chunkGapsMs = chunkGapsMs
        self.test = test
        self.category = category
        self.provider = provider
        self.plugin = plugin
        self.model = model
        self.repeatIndex = repeatIndex
        self.status = status
        self.error = error
        self.latencyMs = latencyMs
        self.ttftMs = ttftMs
        self.ttfotMs = ttfotMs
        self.usage = usage
        self.costUSD = costUSD
        self.quality = quality
        self.passed = passed
        self.scores = scores
        self.output = output
        self.reasoning = reasoning
        self.truncated = truncated
        self.finishReason = finishReason
        self.attempts = attempts
        self.simulated = simulated
        self.startedAt = startedAt
    }

    /// Every attempt, as reports and the store show them: a first-time success is one attempt made of
    /// the result's own figures.
    public var attemptRecords: [AttemptRecord] {
        guard attemptLog.isEmpty, status == .ok else { return attemptLog }
        return [AttemptRecord(status: .ok, latencyMs: latencyMs, ttftMs: ttftMs, waitBeforeMs: 0, http: http)]
    }

    /// Time per output token after the first, in ms (Docs/metrics.md); nil when undefined.
    public var tpotMs: Double? {
        guard let latencyMs, let ttftMs, let out = usage?.outputTokens, out > 1 else { return nil }
        return (latencyMs - ttftMs) / Double(out - 1)
    }

    /// Its scorers called the suite's providers (a score reports tokens).
    public var madeScoringCalls: Bool { scores.contains { $0.inputTokens != nil || $0.outputTokens != nil } }

    /// What scoring this answer cost (its scorers' calls to the suite's providers); nil when none
    /// was made or one was unpriced.
    public var scoringCostUSD: Double? {
        // One pass, no array: every tally reads this once a result.
        var total = 0.0, calls = 0
        for score in scores where score.inputTokens != nil || score.outputTokens != nil {
            guard let cost = score.costUSD else { return nil }
            total += cost
            calls += 1
        }
        return calls == 0 ? nil : total
    }

    /// Output tokens per second of decoding; nil when undefined.
    public var decodeTPS: Double? {
        guard let latencyMs, let ttftMs, let out = usage?.outputTokens, latencyMs > ttftMs else { return nil }
        return Double(out) / ((latencyMs - ttftMs) / 1000)
    }
}

/// A stored run: what ran, when, on which prices.
public struct RunInfo: Sendable, Equatable {
    /// A tag: letters, digits and `._-/:+@`, 1 to 100 characters (so that it reads the same in a
    /// shell, a URL and a report).
    public static func isValidTag(_ tag: String) -> Bool {
        (1...100).contains(tag.count) && tag.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)))
                || "._-/:+@".unicodeScalars.contains(scalar)
        }
    }

    public var id: String
    public var suite: String
    public var suiteDigest: String
    public var startedAt: Double
    public var finishedAt: Double?
    public var prices: PriceSnapshot
    public var concurrency: Int
    public var notices: [String]
    public var status: RunStatus
    /// Why the run is incomplete, in a sentence; nil for a complete run.
    public var statusReason: String?
    /// What the run set out to do; nil for runs stored before plans were (schema 1).
    public var plan: RunPlan?
    /// The suite file as given when the run started (for `--resume`); nil when unknown.
    public var suitePath: String?
    /// Scorers' figures for whole groups (corpus BLEU), computed when the run ended.
    public var corpus: [CorpusFigure]
    /// Names given to the run (`run --tag`, `llmbench tag`), sorted: a baseline can be named by one.
    public var tags: [String]

    public init(id: String, suite: String, suiteDigest: String, startedAt: Double, finishedAt: Double? = nil,
                prices: PriceSnapshot, concurrency: Int = 1, notices: [String] = [], status: RunStatus = .complete,
                statusReason: String? = nil, plan: RunPlan? = nil, suitePath: String? = nil, corpus: [CorpusFigure] = [],
                tags: [String] = [])
    {
        self.corpus = corpus
        self.tags = tags.sorted()
        self.suitePath = suitePath
        self.id = id
        self.suite = suite
        self.suiteDigest = suiteDigest
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.prices = prices
        self.concurrency = concurrency
        self.notices = notices
        self.status = status
        self.statusReason = statusReason
        self.plan = plan
    }
}
