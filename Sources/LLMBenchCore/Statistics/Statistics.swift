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

/// mean, p50, p95, p99 of one measure over a group.
public struct Distribution: Sendable, Equatable {
    public var mean: Double
    public var p50: Double
    public var p95: Double
    public var p99: Double

    public init?(_ values: [Double]) {
        guard let mean = Statistics.mean(values) else { return nil }
        let sorted = values.sorted()
        self.mean = mean
        self.p50 = Statistics.percentile(sorted: sorted, 50)!
        self.p95 = Statistics.percentile(sorted: sorted, 95)!
        self.p99 = Statistics.percentile(sorted: sorted, 99)!
    }

    public var json: JSONValue { .object(["mean": .number(mean), "p50": .number(p50), "p95": .number(p95), "p99": .number(p99)]) }
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
    public var simulated: Bool

    public var passRate: Double { n == 0 ? 0 : Double(passed) / Double(n) }
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
            "quality_mean": JSONValue(qualityMean), "pass_rate": .number(passRate),
            "cost_per_pass_usd": JSONValue(costPerPassUSD), "simulated": .bool(simulated),
        ])
    }
}

public enum Summarizer {
    /// One summary per provider × model, then one per provider × model × category, in first-seen order.
    /// Failed requests count in `errors` and are left out of latency, TTFT and quality.
    public static func summarize(_ results: [BenchResult]) -> [GroupSummary] {
        struct Key: Hashable { var provider: String; var model: String; var category: String? }
        var order: [Key] = []
        var groups: [Key: [Int]] = [:]
        for (i, result) in results.enumerated() {
            for key in [Key(provider: result.provider, model: result.model, category: nil),
                        Key(provider: result.provider, model: result.model, category: result.category)]
            {
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(i)
            }
        }
        let overall = order.filter { $0.category == nil }
        let byCategory = order.filter { $0.category != nil }
        return (overall + byCategory).map { key in
            summarize(results, indices: groups[key]!, provider: key.provider, model: key.model, category: key.category)
        }
    }

    /// Reads the group's results in place (no copies: a result is a large value).
    static func summarize(_ results: [BenchResult], indices: [Int], provider: String, model: String, category: String?) -> GroupSummary {
        var latencies: [Double] = [], ttfts: [Double] = [], qualities: [Double] = [], costs: [Double] = []
        var errors = 0, passed = 0, unpriced = 0, simulated = false
        latencies.reserveCapacity(indices.count)
        for i in indices {
            let r = results[i]
            if r.status == .ok {
                if let v = r.latencyMs { latencies.append(v) }
                if let v = r.ttftMs { ttfts.append(v) }
                if let v = r.quality { qualities.append(v) }
            } else {
                errors += 1
            }
            if r.passed { passed += 1 }
            if let c = r.costUSD { costs.append(c) } else if r.usage != nil { unpriced += 1 }
            if r.simulated { simulated = true }
        }
        return GroupSummary(
            provider: provider, model: model, category: category, n: indices.count, errors: errors, passed: passed,
            latencyMs: Distribution(latencies), ttftMs: Distribution(ttfts),
            costMeanUSD: costs.isEmpty ? nil : Statistics.mean(costs), costTotalUSD: costs.isEmpty ? nil : costs.reduce(0, +),
            unpriced: unpriced, qualityMean: Statistics.mean(qualities), simulated: simulated)
    }
}
