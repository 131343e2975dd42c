/// Requests per minute and tokens per minute a provider may take (suite `rate_limit:`, or
/// `--rpm ID=N` / `--tpm ID=N`). nil: no limit of that kind.
public struct RateLimit: Sendable, Equatable {
    public var requestsPerMinute: Double?
    public var tokensPerMinute: Double?

    public init(requestsPerMinute: Double? = nil, tokensPerMinute: Double? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
    }

    /// The command line's value where it sets one, else the suite's.
    public func overridden(by other: RateLimit?) -> RateLimit {
        RateLimit(requestsPerMinute: other?.requestsPerMinute ?? requestsPerMinute,
                  tokensPerMinute: other?.tokensPerMinute ?? tokensPerMinute)
    }

    var json: JSONValue { .object(["rpm": JSONValue(requestsPerMinute), "tpm": JSONValue(tokensPerMinute)]) }

    init(json: JSONValue) {
        self.init(requestsPerMinute: json["rpm"]?.doubleValue, tokensPerMinute: json["tpm"]?.doubleValue)
    }
}

/// What the command line chose for a run, stored with its plan so that `--resume` continues it
/// with the same limits, budget, cache and sample (Docs/runs.md).
public struct RunSettings: Sendable, Equatable {
    public static let defaultBudgetAlerts = [0.5, 0.8, 1.0]

    /// Requests in flight at once, over all providers.
    public var concurrency: Int
    /// Per provider id, over the suite's `concurrency:`.
    public var providerConcurrency: [String: Int]
    /// Per provider id, over the suite's `rate_limit:`.
    public var rateLimits: [String: RateLimit]
    /// The whole run's budget in USD (`--budget`); providers may have their own in the suite.
    public var budgetUSD: Double?
    /// Fractions of a budget at which an alert is raised, ascending.
    public var budgetAlerts: [Double]
    /// Answer identical requests from the store (`--cache`), if no older than `cacheTTLSeconds`.
    public var cache: Bool
    public var cacheTTLSeconds: Double?
    public var sampling: Sampling?

    public init(concurrency: Int = 4, providerConcurrency: [String: Int] = [:], rateLimits: [String: RateLimit] = [:],
                budgetUSD: Double? = nil, budgetAlerts: [Double] = RunSettings.defaultBudgetAlerts, cache: Bool = false,
                cacheTTLSeconds: Double? = nil, sampling: Sampling? = nil)
    {
        self.concurrency = max(1, concurrency)
        self.providerConcurrency = providerConcurrency
        self.rateLimits = rateLimits
        self.budgetUSD = budgetUSD
        self.budgetAlerts = budgetAlerts.sorted()
        self.cache = cache
        self.cacheTTLSeconds = cacheTTLSeconds
        self.sampling = sampling
    }

    public var json: JSONValue {
        var sample: JSONValue = .null
        if let sampling {
            sample = .object(["size": .string(sampling.sizeText), "seed": .string(String(sampling.seed))])
        }
        return .object([
            "concurrency": JSONValue(concurrency),
            "provider_concurrency": .object(providerConcurrency.mapValues { JSONValue($0) }),
            "rate_limits": .object(rateLimits.mapValues(\.json)),
            "budget_usd": JSONValue(budgetUSD),
            "budget_alerts": .array(budgetAlerts.map { .number($0) }),
            "cache": .bool(cache),
            "cache_ttl_s": JSONValue(cacheTTLSeconds),
            "sample": sample,
        ])
    }

    public init?(json: JSONValue) {
        guard case .object = json else { return nil }
        var sampling: Sampling?
        if let sample = json["sample"], let sizeText = sample["size"]?.stringValue, let size = Sampling.size(parsing: sizeText),
           let seed = sample["seed"]?.stringValue.flatMap({ UInt64($0) })
        {
            sampling = Sampling(size: size, seed: seed)
        }
        var perProvider: [String: Int] = [:]
        if case .object(let fields)? = json["provider_concurrency"] {
            for (id, value) in fields { if let n = value.intValue { perProvider[id] = n } }
        }
        var limits: [String: RateLimit] = [:]
        if case .object(let fields)? = json["rate_limits"] {
            for (id, value) in fields { limits[id] = RateLimit(json: value) }
        }
        self.init(concurrency: json["concurrency"]?.intValue ?? 4, providerConcurrency: perProvider, rateLimits: limits,
                  budgetUSD: json["budget_usd"]?.doubleValue,
                  budgetAlerts: json["budget_alerts"]?.arrayValue?.compactMap(\.doubleValue) ?? RunSettings.defaultBudgetAlerts,
                  cache: json["cache"]?.boolValue ?? false, cacheTTLSeconds: json["cache_ttl_s"]?.doubleValue, sampling: sampling)
    }
}
