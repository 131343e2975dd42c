/// A validated suite: who to ask, what to ask, and how to judge the answers.
public struct Suite: Sendable {
    public static let supportedVersion = 1

    public var version: Int
    public var name: String
    public var description: String?
    public var providers: [ProviderConfig]
    public var tests: [TestCase]
    /// The latency objectives a good answer meets as well as passing (goodput); nil: none set.
    public var slo: ServiceLevelObjective?
    /// The provider in use today (`current:`), which a recommendation's saving is measured against.
    public var current: String?
    /// The file the suite came from (for messages), and a digest of its text (to tell versions apart).
    public var sourcePath: String
    public var digest: String

    public init(version: Int = 1, name: String, description: String? = nil, providers: [ProviderConfig],
                tests: [TestCase], sourcePath: String = "<memory>", digest: String = "")
    {
        self.version = version
        self.name = name
        self.description = description
        self.providers = providers
        self.tests = tests
        self.sourcePath = sourcePath
        self.digest = digest
    }
}

/// The latency objectives of a suite (`slo: {ttft_ms, latency_ms}`): a result is *good* when it
/// passed and met each one that is set (Docs/statistics.md "Goodput").
public struct ServiceLevelObjective: Sendable, Equatable {
    public var ttftMs: Double?
    public var latencyMs: Double?

    public init(ttftMs: Double? = nil, latencyMs: Double? = nil) {
        self.ttftMs = ttftMs
        self.latencyMs = latencyMs
    }

    /// Passed, answered, and within each objective set. A result without the figure an objective
    /// needs (no TTFT from a non-streamed answer) misses it.
    public func isGood(passed: Bool, ok: Bool, ttftMs: Double?, latencyMs: Double?) -> Bool {
        guard passed, ok else { return false }
        if let limit = self.ttftMs { guard let ttftMs, ttftMs <= limit else { return false } }
        if let limit = self.latencyMs { guard let latencyMs, latencyMs <= limit else { return false } }
        return true
    }

    public var json: JSONValue { .object(["ttft_ms": JSONValue(ttftMs), "latency_ms": JSONValue(latencyMs)]) }

    public init?(json: JSONValue) {
        guard case .object = json else { return nil }
        self.init(ttftMs: json["ttft_ms"]?.doubleValue, latencyMs: json["latency_ms"]?.doubleValue)
    }
}

/// One provider entry: a plugin, a model, its options and where its key comes from.
public struct ProviderConfig: Sendable, Equatable {
    public var id: String
    public var plugin: String
    public var model: String
    /// The name of the environment variable holding the key; never the key itself.
    public var apiKeyEnv: String?
    public var baseURL: String?
    /// Generation and plugin options, passed to the plugin as JSON.
    public var options: [String: JSONValue]
    /// The engine's, not the plugin's: retries and timeouts.
    public var retry: RetryPolicy
    public var timeouts: TransportTimeouts
    /// Requests of this provider in flight at once (never more than the run's concurrency).
    public var concurrency: Int?
    public var rateLimit: RateLimit
    /// What this provider may spend in one run, in USD.
    public var budgetUSD: Double?
    /// Requests sent before the measured ones, stored but kept out of every statistic.
    public var warmup: Int
    /// The engine's too: how tokens are counted when the provider reports none.
    public var tokens: TokenCounting
    /// False for a provider the suite uses only as a service (a scorer's embedder or judge): it is
    /// prepared, but no test is sent to it and it has no results.
    public var underTest: Bool
    public var location: SourceLocation?

    public init(id: String, plugin: String, model: String, apiKeyEnv: String? = nil, baseURL: String? = nil,
                options: [String: JSONValue] = [:], retry: RetryPolicy = RetryPolicy(), timeouts: TransportTimeouts = TransportTimeouts(),
                concurrency: Int? = nil, rateLimit: RateLimit = RateLimit(), budgetUSD: Double? = nil, warmup: Int = 0,
                tokens: TokenCounting = TokenCounting(), underTest: Bool = true, location: SourceLocation? = nil)
    {
        self.underTest = underTest
        self.concurrency = concurrency
        self.rateLimit = rateLimit
        self.budgetUSD = budgetUSD
        self.warmup = warmup
        self.retry = retry
        self.timeouts = timeouts
        self.tokens = tokens
        self.id = id
        self.plugin = plugin
        self.model = model
        self.apiKeyEnv = apiKeyEnv
        self.baseURL = baseURL
        self.options = options
        self.location = location
    }
}

/// What a provider is sent for a test: its messages and its options. The one place that decides
/// where the system prompt goes (Docs/suite-format.md "The system prompt"): a `system` generation
/// option (the provider's, or the test's laid over it) becomes the first message when the test has
/// no system message of its own (from `messages` or `system:`), and is taken out of the options
/// either way, so a plugin reads the system prompt from `messages` alone and sends it once.
public struct ProviderRequest: Sendable, Equatable {
    public var messages: [Message]
    public var options: [String: JSONValue]

    public init(test: TestCase, providerOptions: [String: JSONValue]) {
        var options = providerOptions.merging(test.options) { _, testValue in testValue }
        messages = test.messages
        if let system = options.removeValue(forKey: "system")?.stringValue, !messages.contains(where: { $0.role == "system" }) {
            messages.insert(Message(role: "system", content: system), at: 0)
        }
        self.options = options
    }
}

/// A scorer applied to a test, with the threshold its value must meet.
public struct ScorerSpec: Sendable, Equatable {
    public var scorer: String
    /// The value must be >= threshold to pass. nil: the scorer's own `passed`, else value >= 1.
    public var threshold: Double?
    public var options: [String: JSONValue]
    /// How long one score may take; a scorer with a deadline (or one whose plugin says it is slow)
    /// runs off the request workers. nil: none (a slow scorer's default applies).
    public var timeoutMs: Int?
    public var location: SourceLocation?

    public init(scorer: String, threshold: Double? = nil, options: [String: JSONValue] = [:], timeoutMs: Int? = nil,
                location: SourceLocation? = nil)
    {
        self.timeoutMs = timeoutMs
        self.scorer = scorer
        self.threshold = threshold
        self.options = options
        self.location = location
    }
}

public struct Message: Sendable, Equatable {
    public var role: String
    public var content: String
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

public struct TestCase: Sendable, Equatable {
    public var name: String
    public var category: String
    public var description: String?
    public var messages: [Message]
    /// References; a scorer passes when any of them matches. Empty when the test has none.
    public var expected: [String]
    public var scorers: [ScorerSpec]
    public var repeatCount: Int
    /// Per-test generation options, laid over the provider's.
    public var options: [String: JSONValue]
    public var location: SourceLocation?

    public init(name: String, category: String = "general", description: String? = nil, messages: [Message],
                expected: [String] = [], scorers: [ScorerSpec] = [], repeatCount: Int = 1,
                options: [String: JSONValue] = [:], location: SourceLocation? = nil)
    {
        self.name = name
        self.category = category
        self.description = description
        self.messages = messages
        self.expected = expected
        self.scorers = scorers
        self.repeatCount = repeatCount
        self.options = options
        self.location = location
    }
}
