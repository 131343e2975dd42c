/// Descriptive statistics. Percentiles use linear interpolation between closest ranks
/// (Hyndman & Fan type 7, numpy's default): the p-th percentile of sorted x[0..n-1] is
/// x[h₀] + (h − h₀)(x[h₀+1] − x[h₀]) with h = (n − 1)·p/100.
public enum Statistics {
    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// `sorted` must be ascending.
    public static func percentile(sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * p / 100
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}

/// mean, p50, p90, p95, p99 of one measure over a group.
public struct Distribution: Sendable, Equatable {
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double

    public init?(_ values: [Double]) {
        guard let mean = Statistics.mean(values) else { return nil }
        let sorted = values.sorted()
        self.mean = mean
        self.p50 = Statistics.percentile(sorted: sorted, 50)!
        self.p90 = Statistics.percentile(sorted: sorted, 90)!
        self.p95 = Statistics.percentile(sorted: sorted, 95)!
        self.p99 = Statistics.percentile(sorted: sorted, 99)!
    }

    public var json: JSONValue {
        .object(["mean": .number(mean), "p50": .number(p50), "p90": .number(p90), "p95": .number(p95), "p99": .number(p99)])
    }
}

/// Aggregates for one provider × model, over all tests (category nil) or one category.
public struct GroupSummary: Sendable, Equatable {
    public var provider: String
    public var model: String
    public var category: String?
    public var n: Int
    public var errors: Int
    public var passed: Int
    public var latencyMs: Distribution?
    public var ttftMs: Distribution?
    public var costMeanUSD: Double?
    public var costTotalUSD: Double?
    /// Results whose cost is unknown because the model has no price.
    public var unpriced: Int
    public var qualityMean: Double?
    /// Student's t 95 % interval of the quality mean, clipped to [0, 1] (quality's range); nil
    /// below two scored results.
    public var qualityInterval: Inference.Interval?
    public var simulated: Bool
    /// Results answered from the store (`--cache`): counted in n, pass rate and quality, kept out of
    /// latency, TTFT and cost, which were measured and paid in another run.
    public var cached: Int = 0
    /// Scorers' figures for the whole group (corpus BLEU), by scorer id, when the run computed them.
    public var corpus: [String: Double] = [:]
    /// What scoring cost (scorers' calls to the suite's providers), apart from the model's cost;
    /// nil when no scorer made a call, or one was unpriced.
    public var scoringCostUSD: Double?

    public var passRate: Double { n == 0 ? 0 : Double(passed) / Double(n) }
    /// Time per output token after the first, and decode speed, over the results that have them.
    public var tpotMs: Distribution?
    public var decodeTokensPerSecondMean: Double?
    /// Tokens over the group's results that reported or counted them (cached answers left out).
    public var inputTokens = 0
    public var outputTokens = 0
    /// Failed requests by error kind (`rate_limited`, `timeout`…).
    public var errorsByKind: [String: Int] = [:]
    /// Results that passed and met the suite's latency objectives (`slo`), of the results measured
    /// in this run (cached answers left out); nil when the suite set none.
    public var good: Int?
    public var measured = 0
    /// good / measured; nil without objectives or measured results.
    public var goodput: Double? { good.flatMap { measured == 0 ? nil : Double($0) / Double(measured) } }

    /// Wilson 95 % interval of the pass rate; nil for an empty group.
    public var passRateInterval: Inference.Interval? { Inference.wilson(successes: passed, trials: n) }
    /// Total cost ÷ passed tests; nil with no passes or no price.
    public var costPerPassUSD: Double? {
        guard let costTotalUSD, unpriced == 0, passed > 0 else { return nil }
        return costTotalUSD / Double(passed)
    }

    public var json: JSONValue {
        .object([
            "provider": .string(provider), "model": .string(model), "category": JSONValue(category),
            "n": JSONValue(n), "errors": JSONValue(errors), "passed": JSONValue(passed),
            "latency_ms": latencyMs?.json ?? .null, "ttft_ms": ttftMs?.json ?? .null,
            "cost_usd": unpriced > 0 && costTotalUSD == nil
                ? .null : .object(["mean": JSONValue(costMeanUSD), "total": JSONValue(costTotalUSD)]),
            "unpriced": JSONValue(unpriced),
            "quality_mean": JSONValue(qualityMean), "quality_ci": qualityInterval?.json ?? .null,
            "pass_rate": .number(passRate), "pass_rate_ci": passRateInterval?.json ?? .null,
            "tpot_ms": tpotMs?.json ?? .null, "decode_tps_mean": JSONValue(decodeTokensPerSecondMean),
            "input_tokens": JSONValue(inputTokens), "output_tokens": JSONValue(outputTokens),
            "errors_by_kind": .object(errorsByKind.mapValues { JSONValue($0) }), "goodput": JSONValue(goodput),
            "cost_per_pass_usd": JSONValue(costPerPassUSD), "simulated": .bool(simulated), "cached": JSONValue(cached),
            "corpus": .object(corpus.mapValues { .number($0) }), "scoring_cost_usd": JSONValue(scoringCostUSD),
        ])
    }
}

public enum Summarizer {
    /// One summary per provider × model, then one per provider × model × category, in first-seen order.
    /// Failed requests count in `errors` and are left out of latency, TTFT and quality.
    public static func summarize(_ results: [BenchResult]) -> [GroupSummary] {
        var summaries = SummaryAccumulator()
        for result in results { summaries.add(result) }
        return summaries.summaries
    }
}

/// The summaries of `Summarizer.summarize`, built one result at a time: each group keeps its latency
/// and TTFT values (percentiles need them all) and running counts and sums, never the results.
public struct SummaryAccumulator: Sendable {
    private struct Key: Hashable {
        var provider: String
        var model: String
        var category: String?
    }

    private var keys: [Key] = []
    private var groups: [GroupAccumulator] = []
    private var index: [Key: Int] = [:]
    private let slo: ServiceLevelObjective?

    /// `slo`: the run's latency objectives, for goodput.
    public init(slo: ServiceLevelObjective? = nil) { self.slo = slo }

    public mutating func add(_ result: BenchResult) { add(ResultFigures(result)) }

    public mutating func add(_ result: ResultFigures) {
        add(result, to: Key(provider: result.provider, model: result.model, category: nil))
        add(result, to: Key(provider: result.provider, model: result.model, category: result.category))
    }

    private mutating func add(_ result: ResultFigures, to key: Key) {
        if let i = index[key] {
            groups[i].add(result)
        } else {
            index[key] = groups.count
            keys.append(key)
            groups.append(GroupAccumulator(slo: slo))
            groups[groups.count - 1].add(result)
        }
    }

    /// Overall groups first, then per-category ones, each in first-seen order.
    public var summaries: [GroupSummary] {
        let order = keys.indices.filter { keys[$0].category == nil } + keys.indices.filter { keys[$0].category != nil }
        return order.map { groups[$0].summary(provider: keys[$0].provider, model: keys[$0].model, category: keys[$0].category) }
    }
}

/// One group's aggregates, one result at a time. Sums are added in arrival order, so the figures are
/// the same to the last bit as those of the whole list.
public struct GroupAccumulator: Sendable {
    private var n = 0, errors = 0, passed = 0, unpriced = 0
    private var latencies: [Double] = [], ttfts: [Double] = [], tpots: [Double] = []
    private var decodeSum = 0.0, decodes = 0
    private var inputTokens = 0, outputTokens = 0
    private var errorsByKind: [String: Int] = [:]
    /// Each quality value in arrival order: its mean (summed in that order) and its interval's
    /// variance (two passes, as scipy makes it).
    private var qualityValues: [Double] = []
    private var costSum = 0.0, costs = 0
    private var simulated = false
    private var cached = 0
    private var scoringCost = 0.0, scoringCalls = 0, scoringUnpriced = false
    private let slo: ServiceLevelObjective?
    private var good = 0, measured = 0

    public init(slo: ServiceLevelObjective? = nil) { self.slo = slo }

    public mutating func add(_ result: BenchResult) { add(ResultFigures(result)) }

    public mutating func add(_ r: ResultFigures) {
        n += 1
        if r.status == .ok {
            if let v = r.latencyMs { latencies.append(v) }
            if let v = r.ttftMs { ttfts.append(v) }
            if let v = r.tpotMs { tpots.append(v) }
            if let v = r.decodeTPS { decodeSum += v; decodes += 1 }
            if let v = r.quality { qualityValues.append(v) }
        } else {
            errors += 1
            errorsByKind[r.errorKind ?? "unknown", default: 0] += 1
        }
        inputTokens += r.inputTokens ?? 0
        outputTokens += r.outputTokens ?? 0
        if r.passed { passed += 1 }
        if let slo, !r.cached {
            measured += 1
            if slo.isGood(passed: r.passed, ok: r.status == .ok, ttftMs: r.ttftMs, latencyMs: r.latencyMs) { good += 1 }
        }
        if let c = r.costUSD { costSum += c; costs += 1 } else if r.hasUsage { unpriced += 1 }
        if r.simulated { simulated = true }
        if r.cached { cached += 1 }
        if r.scoringCalls {
            scoringCalls += 1
            if let c = r.scoringCostUSD { scoringCost += c } else { scoringUnpriced = true }
        }
    }

    public func summary(provider: String, model: String, category: String?) -> GroupSummary {
        GroupSummary(
            provider: provider, model: model, category: category, n: n, errors: errors, passed: passed,
            latencyMs: Distribution(latencies), ttftMs: Distribution(ttfts),
            costMeanUSD: costs == 0 ? nil : costSum / Double(costs), costTotalUSD: costs == 0 ? nil : costSum,
            unpriced: unpriced, qualityMean: Statistics.mean(qualityValues),
            qualityInterval: Inference.meanInterval(qualityValues)?.interval.clamped(to: 0...1),
            simulated: simulated,
            cached: cached, scoringCostUSD: scoringCalls == 0 || scoringUnpriced ? nil : scoringCost,
            tpotMs: Distribution(tpots), decodeTokensPerSecondMean: decodes == 0 ? nil : decodeSum / Double(decodes),
            inputTokens: inputTokens, outputTokens: outputTokens, errorsByKind: errorsByKind,
            good: slo == nil ? nil : good, measured: measured)
    }
}

/// What summaries and tallies read of a result: names and figures, none of its text (output, scores,
/// logs), so that a tally can hold a few of them cheaply.
public struct ResultFigures: Sendable, Equatable {
    public var test: String
    public var category: String
    public var provider: String
    public var plugin: String
    public var model: String
    public var repeatIndex: Int
    public var status: ResultStatus
    public var passed: Bool
    public var latencyMs: Double?
    public var ttftMs: Double?
    public var tpotMs: Double?
    public var decodeTPS: Double?
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var errorKind: String?
    public var costUSD: Double?
    public var quality: Double?
    /// The result reported usage (so a missing cost means a missing price).
    public var hasUsage: Bool
    public var simulated: Bool
    /// Answered from the store: its times and cost belong to the run that measured them, so they are
    /// left out here (nil) and the result is counted apart.
    public var cached: Bool
    /// Its scorers called providers; `scoringCostUSD` is what that cost (nil when unpriced).
    public var scoringCalls: Bool
    public var scoringCostUSD: Double?
    /// Requests made for it (retries included).
    public var attempts: Int
    /// A token count was estimated, not reported.
    public var tokensEstimated: Bool

    public init(_ result: BenchResult) {
        self.init(test: result.test, category: result.category, provider: result.provider, plugin: result.plugin, model: result.model,
                  repeatIndex: result.repeatIndex, status: result.status, passed: result.passed, latencyMs: result.latencyMs,
                  ttftMs: result.ttftMs, tpotMs: result.tpotMs, decodeTPS: result.decodeTPS, inputTokens: result.usage?.inputTokens,
                  outputTokens: result.usage?.outputTokens, errorKind: result.error?.kind.rawValue, costUSD: result.costUSD,
                  quality: result.quality, simulated: result.simulated, cached: result.cached,
                  scoringCalls: result.madeScoringCalls,
                  scoringCostUSD: result.scoringCostUSD, attempts: result.attempts, tokensEstimated: result.usage?.estimated == true)
    }

    /// The figures as a result holds them (a store reads them from its columns); a result has usage
    /// when it has both token counts, as `BenchResult` reads it. A cached answer's times, tokens and
    /// cost are left out here, and so is a figure that is not finite (JSON and the store's columns
    /// cannot hold one, so every reading of a result agrees).
    public init(test: String, category: String, provider: String, plugin: String, model: String, repeatIndex: Int,
                status: ResultStatus, passed: Bool, latencyMs: Double?, ttftMs: Double?, tpotMs: Double?, decodeTPS: Double?,
                inputTokens: Int?, outputTokens: Int?, errorKind: String?, costUSD: Double?, quality: Double?, simulated: Bool,
                cached: Bool, scoringCalls: Bool, scoringCostUSD: Double?, attempts: Int = 1, tokensEstimated: Bool = false)
    {
        self.attempts = attempts
        self.tokensEstimated = tokensEstimated
        self.test = test
        self.category = category
        self.provider = provider
        self.plugin = plugin
        self.model = model
        self.repeatIndex = repeatIndex
        self.status = status
        self.passed = passed
        self.errorKind = errorKind
        self.quality = quality.flatMap { $0.isFinite ? $0 : nil }
        self.simulated = simulated
        self.scoringCalls = scoringCalls
        self.scoringCostUSD = scoringCostUSD.flatMap { $0.isFinite ? $0 : nil }
        self.cached = cached
        let hasUsage = inputTokens != nil && outputTokens != nil
        func measured(_ value: Double?) -> Double? { cached ? nil : value.flatMap { $0.isFinite ? $0 : nil } }
        self.latencyMs = measured(latencyMs)
        self.ttftMs = measured(ttftMs)
        self.tpotMs = measured(tpotMs)
        self.decodeTPS = measured(decodeTPS)
        self.inputTokens = cached || !hasUsage ? nil : inputTokens
        self.outputTokens = cached || !hasUsage ? nil : outputTokens
        self.costUSD = measured(costUSD)
        self.hasUsage = !cached && hasUsage
    }
}
