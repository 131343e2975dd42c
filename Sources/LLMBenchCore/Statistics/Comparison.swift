import Foundation

/// Comparing models on the same items, and choosing among them (issue 10; Docs/statistics.md
/// "Comparisons" and "Recommendation"). I/O-free: a caller gathers each model's outcomes per item
/// from the store, grouped as it likes (a category, the whole run).

/// One model's outcome on one item (a test and repeat): what a comparison pairs.
public struct ItemOutcome: Sendable, Equatable {
    public var passed: Bool
    /// The scorers' value in [0, 1]; nil when nothing was scored.
    public var quality: Double?
    public var latencyMs: Double?
    public var costUSD: Double?
    /// The request failed: the item counts as not passed, and has no quality or latency.
    public var errored: Bool

    /// A stored result as comparisons read it: a failed request has no quality or latency; a cached
    /// answer cost nothing in its run and its latency belongs to another; a failed request without a
    /// cost counts as free.
    public init(_ result: BenchResult) { self.init(ResultFigures(result)) }

    /// The same from a result's figures (where a cached answer already has no latency or cost).
    public init(_ result: ResultFigures) {
        self.init(passed: result.passed, quality: result.status == .ok ? result.quality : nil,
                  latencyMs: result.status == .ok && !result.cached ? result.latencyMs : nil,
                  costUSD: result.cached ? 0 : result.status == .error ? (result.costUSD ?? 0) : result.costUSD,
                  errored: result.status == .error)
    }

    public init(passed: Bool, quality: Double?, latencyMs: Double?, costUSD: Double?, errored: Bool = false) {
        self.passed = passed
        self.quality = quality
        self.latencyMs = latencyMs
        self.costUSD = costUSD
        self.errored = errored
    }
}

/// An item both models were given: the same test and repeat.
public struct PairKey: Sendable, Hashable, Comparable {
    public var test: String
    public var repeatIndex: Int

    public init(test: String, repeatIndex: Int) {
        self.test = test
        self.repeatIndex = repeatIndex
    }

    public static func < (a: PairKey, b: PairKey) -> Bool { (a.test, a.repeatIndex) < (b.test, b.repeatIndex) }
}

/// Model B against model A on the items both were given.
public struct PairedComparison: Sendable, Equatable {
    public struct Difference: Sendable, Equatable {
        /// Mean of B − A over the pairs that have the measure on both sides.
        public var meanDifference: Double
        public var interval: Inference.Interval
        public var pValue: Double
        /// Pairs it was computed on.
        public var pairs: Int
        /// `bootstrap` up to `PairedComparison.bootstrapPairs` pairs, the paired `t` test beyond.
        public var method: String
        /// A's mean over the same pairs: what a change is relative to.
        public var meanA: Double = 0

        public func isSignificant(at level: Double = 0.05) -> Bool { pValue < level }
    }

    /// Items both models were given (errors included: an error is a failure).
    public var pairs: Int
    /// Items A passed and B failed, and the other way round.
    public var onlyA: Int
    public var onlyB: Int
    /// McNemar on pass/fail (exact below 25 discordant pairs).
    public var passPValue: Double
    public var passTestExact: Bool
    /// Paired bootstrap of quality (pairs scored on both sides), latency (pairs answered on both)
    /// and cost (pairs priced on both).
    public var quality: Difference?
    public var latencyMs: Difference?
    public var costUSD: Difference?
    /// Items that errored in A only and in B only, and McNemar's p on them.
    public var errorsOnlyA: Int
    public var errorsOnlyB: Int
    public var errorPValue: Double

    /// B's pass rate minus A's over the pairs.
    public var passRateDifference: Double { pairs == 0 ? 0 : Double(onlyB - onlyA) / Double(pairs) }
    public func passDifferenceIsSignificant(at level: Double = 0.05) -> Bool { passPValue < level }

    /// Above this many pairs a difference is tested with the paired t test: a bootstrap of 2,000
    /// resamples would cost seconds over many comparisons, and the mean of that many differences
    /// is normal enough.
    public static let bootstrapPairs = 500

    /// The differences a comparison may compute; pass/fail (McNemar) and errors always are.
    public enum Measure: Sendable, CaseIterable { case quality, latency, cost }

    /// Pairs the items both were given; intervals and tests use those pairs only.
    public init(a: [PairKey: ItemOutcome], b: [PairKey: ItemOutcome], resamples: Int = 2000, seed: UInt64 = 0x1EB) {
        let keys = a.keys.filter { b[$0] != nil }.sorted()
        self.init(pairs: keys.map { (a[$0]!, b[$0]!) }, resamples: resamples, seed: seed)
    }

    /// The same from the pairs themselves (A's outcome, B's), in a fixed order; only `measures`'
    /// differences are computed (the others are nil).
    public init(pairs: [(ItemOutcome, ItemOutcome)], resamples: Int = 2000, seed: UInt64 = 0x1EB,
                measures: Set<Measure> = Set(Measure.allCases))
    {
        self.pairs = pairs.count
        onlyA = pairs.count(where: { $0.0.passed && !$0.1.passed })
        onlyB = pairs.count(where: { !$0.0.passed && $0.1.passed })
        (passPValue, passTestExact) = Inference.mcnemar(onlyA: onlyA, onlyB: onlyB)
        quality = !measures.contains(.quality) ? nil
            : Self.difference(pairs.compactMap { pair in pair.0.quality.flatMap { qa in pair.1.quality.map { (qa, $0) } } },
                              resamples: resamples, seed: seed)
        latencyMs = !measures.contains(.latency) ? nil
            : Self.difference(pairs.compactMap { pair in pair.0.latencyMs.flatMap { la in pair.1.latencyMs.map { (la, $0) } } },
                              resamples: resamples, seed: seed)
        costUSD = !measures.contains(.cost) ? nil
            : Self.difference(pairs.compactMap { pair in pair.0.costUSD.flatMap { ca in pair.1.costUSD.map { (ca, $0) } } },
                              resamples: resamples, seed: seed)
        errorsOnlyA = pairs.count(where: { $0.0.errored && !$0.1.errored })
        errorsOnlyB = pairs.count(where: { !$0.0.errored && $0.1.errored })
        errorPValue = Inference.mcnemar(onlyA: errorsOnlyA, onlyB: errorsOnlyB).pValue
    }

    /// nil below two pairs: one difference says nothing of its spread, and a bootstrap of it would
    /// call any difference significant.
    private static func difference(_ pairs: [(Double, Double)], resamples: Int, seed: UInt64) -> Difference? {
        guard pairs.count >= 2 else { return nil }
        let meanA = pairs.reduce(0) { $0 + $1.0 } / Double(pairs.count)
        if pairs.count > bootstrapPairs {
            guard let result = Inference.pairedTTest(pairs.map(\.0), pairs.map(\.1)) else { return nil }
            return Difference(meanDifference: result.difference, interval: result.interval, pValue: result.pValue, pairs: pairs.count,
                              method: "t", meanA: meanA)
        }
        guard let result = Inference.pairedBootstrap(pairs.map(\.0), pairs.map(\.1), resamples: resamples, seed: seed) else { return nil }
        return Difference(meanDifference: result.difference, interval: result.interval, pValue: result.pValue, pairs: pairs.count,
                          method: "bootstrap", meanA: meanA)
    }
}

/// What a model costs and achieves in a group, for the frontier and the recommendation.
public struct ModelStanding: Sendable, Equatable {
    /// The provider id (a provider has one model).
    public var id: String
    /// Mean cost of a request, USD; nil when unpriced.
    public var costUSD: Double?
    /// Mean quality in [0, 1].
    public var quality: Double

    public init(id: String, costUSD: Double?, quality: Double) {
        self.id = id
        self.costUSD = costUSD
        self.quality = quality
    }
}

public enum Frontier {
    /// The cost–quality Pareto set: the priced models no other priced model matches or beats on
    /// both (cost no higher and quality no lower, one of them strictly), in order of cost. Equal
    /// points are both kept. Unpriced models have no place on it.
    public static func pareto(_ models: [ModelStanding]) -> [ModelStanding] {
        let priced = models.filter { $0.costUSD != nil }
        let kept = priced.filter { model in
            !priced.contains { other in
                other.costUSD! <= model.costUSD! && other.quality >= model.quality
                    && (other.costUSD! < model.costUSD! || other.quality > model.quality)
            }
        }
        return kept.sorted { ($0.costUSD!, -$0.quality, $0.id) < ($1.costUSD!, -$1.quality, $1.id) }
    }
}

/// The model to use for a group: the cheapest whose quality is not significantly worse than the
/// best's (Docs/statistics.md "Recommendation").
public struct Recommendation: Sendable, Equatable {
    public var chosen: String
    /// The model with the highest mean quality, which the choice was tested against.
    public var best: String
    /// What the choice is compared with for the saving: the suite's `current:` provider when it
    /// names one in the group, else the costliest priced model.
    public var reference: String
    /// (reference's cost − chosen's cost) / reference's cost, in %; nil when either is unpriced or
    /// the reference costs nothing.
    public var savingPercent: Double?
    /// The models that were not significantly worse than the best (the choice among them is the
    /// cheapest), in order of cost.
    public var candidates: [String]

    /// `comparisons[id]` compares model `id` (as B) against the best (as A); a model without one
    /// (no pairs) is not a candidate unless it is the best. Unpriced models are candidates only when
    /// no priced one is. Ties in cost go to the higher quality, then the id.
    public static func choose(_ models: [ModelStanding], comparisons: [String: PairedComparison], current: String? = nil,
                              level: Double = 0.05) -> Recommendation?
    {
        guard let best = best(of: models) else { return nil }
        let notWorse = models.filter { model in
            guard model.id != best.id else { return true }
            guard let comparison = comparisons[model.id] else { return false }
            return !Self.significantlyWorse(comparison, level: level)
        }
        let priced = notWorse.filter { $0.costUSD != nil }
        let pool = priced.isEmpty ? notWorse : priced
        let ordered = pool.sorted { (($0.costUSD ?? 0), -$0.quality, $0.id) < (($1.costUSD ?? 0), -$1.quality, $1.id) }
        let chosen = ordered[0]
        let reference = current.flatMap { id in models.first { $0.id == id } }
            ?? models.filter { $0.costUSD != nil }.max { ($0.costUSD!, $1.id) < ($1.costUSD!, $0.id) }
            ?? chosen
        var saving: Double?
        if let referenceCost = reference.costUSD, let chosenCost = chosen.costUSD, referenceCost > 0 {
            saving = (referenceCost - chosenCost) / referenceCost * 100
        }
        return Recommendation(chosen: chosen.id, best: best.id, reference: reference.id, savingPercent: saving, candidates: ordered.map(\.id))
    }

    /// The model with the highest mean quality; on a tie, the first id in order.
    public static func best(of models: [ModelStanding]) -> ModelStanding? {
        models.max { ($0.quality, $1.id) < ($1.quality, $0.id) }
    }

    /// Worse than the best (B below A) on pass/fail or on quality, significantly.
    public static func significantlyWorse(_ comparison: PairedComparison, level: Double = 0.05) -> Bool {
        if comparison.onlyA > comparison.onlyB && comparison.passDifferenceIsSignificant(at: level) { return true }
        if let quality = comparison.quality, quality.meanDifference < 0, quality.isSignificant(at: level) { return true }
        return false
    }
}

/// What got worse from a baseline run to a later one (`llmbench report --baseline`): each a
/// significant difference (p < 0.05) on the items both ran, in the direction that hurts.
public struct Regression: Sendable, Equatable {
    public enum Measure: String, Sendable { case passRate = "pass_rate", quality, latency = "latency_ms", cost = "cost_usd", errorRate = "error_rate" }

    public var provider: String
    /// nil for all the provider's items.
    public var category: String?
    public var measure: Measure
    /// The change as people read it: "pass rate 95.0% → 80.0%".
    public var change: String
    public var pValue: Double

    public var json: JSONValue {
        .object(["provider": .string(provider), "category": JSONValue(category), "measure": .string(measure.rawValue),
                 "change": .string(change), "p": .number(pValue)])
    }

    /// How much slower a run must be, besides significantly, for its latency to count as a regression:
    /// a tenth of the baseline's mean. Two runs of one suite minutes apart on a busy machine differ
    /// by a few per cent, significantly over a few dozen pairs; that is the machine, not the model.
    public static let minimumLatencyChange = 0.10

    /// The regressions in `rows` (baseline as A, the later run as B), row by row.
    public static func find(in rows: [RunComparison.Row], level: Double = 0.05) -> [Regression] {
        var found: [Regression] = []
        func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
        for row in rows {
            let c = row.comparison
            func add(_ measure: Measure, _ change: String, _ p: Double) {
                found.append(Regression(provider: row.provider, category: row.category, measure: measure, change: change, pValue: p))
            }
            if c.onlyA > c.onlyB && c.passPValue < level {
                add(.passRate, "pass rate \(percent(row.passRateA)) → \(percent(row.passRateB))", c.passPValue)
            }
            if let q = c.quality, q.meanDifference < 0, q.pValue < level {
                add(.quality, String(format: "quality %+.3f [%+.3f, %+.3f]", q.meanDifference, q.interval.lower, q.interval.upper), q.pValue)
            }
            if let l = c.latencyMs, l.meanDifference > minimumLatencyChange * l.meanA, l.meanDifference > 0, l.pValue < level {
                add(.latency, String(format: "latency %+.1f ms [%+.1f, %+.1f]", l.meanDifference, l.interval.lower, l.interval.upper), l.pValue)
            }
            if let cost = c.costUSD, cost.meanDifference > 0, cost.pValue < level {
                add(.cost, String(format: "cost per request %+.3g USD [%+.3g, %+.3g]", cost.meanDifference, cost.interval.lower, cost.interval.upper),
                    cost.pValue)
            }
            if c.errorsOnlyB > c.errorsOnlyA && c.errorPValue < level {
                add(.errorRate, "errors on \(c.errorsOnlyB) more items (\(c.errorsOnlyA) fewer)", c.errorPValue)
            }
        }
        return found
    }
}
