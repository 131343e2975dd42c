/// Two runs compared provider by provider, on the items both ran (`llmbench compare A B`;
/// Docs/statistics.md "Comparing runs"): for each provider in both runs, overall and per category,
/// the paired tests of `PairedComparison` with run A as A. Results are added one at a time, so two
/// runs of any size are compared without holding them: each keeps one small outcome per item.
public struct RunComparison: Sendable {
    public struct Row: Sendable {
        public var provider: String
        /// nil for all the provider's items.
        public var category: String?
        public var modelA: String
        public var modelB: String
        public var passRateA: Double
        public var passRateB: Double
        /// Mean cost per paired item; nil when either side has an unpriced item.
        public var meanCostA: Double?
        public var meanCostB: Double?
        public var comparison: PairedComparison

        public var json: JSONValue {
            func difference(_ d: PairedComparison.Difference?) -> JSONValue {
                guard let d else { return .null }
                return .object([
                    "mean_difference": .number(d.meanDifference), "ci": d.interval.json, "p": .number(d.pValue),
                    "pairs": JSONValue(d.pairs), "significant": .bool(d.isSignificant()), "method": .string(d.method),
                ])
            }
            return .object([
                "provider": .string(provider), "category": JSONValue(category), "model_a": .string(modelA), "model_b": .string(modelB),
                "pairs": JSONValue(comparison.pairs),
                "pass": .object([
                    "rate_a": .number(passRateA), "rate_b": .number(passRateB), "only_a": JSONValue(comparison.onlyA),
                    "only_b": JSONValue(comparison.onlyB), "p": .number(comparison.passPValue), "exact": .bool(comparison.passTestExact),
                    "significant": .bool(comparison.passDifferenceIsSignificant()),
                ]),
                "quality": difference(comparison.quality), "latency_ms": difference(comparison.latencyMs),
                "cost_usd_mean": .object(["a": JSONValue(meanCostA), "b": JSONValue(meanCostB)]),
            ])
        }
    }

    private struct Group: Hashable {
        var provider: String
        var category: String?
    }

    private struct Side {
        var outcomes: [Group: [PairKey: ItemOutcome]] = [:]
        var models: [String: String] = [:]
        var order: [Group] = []
    }

    private var a = Side()
    private var b = Side()

    public init() {}

    /// A result of run A (`inB: false`) or run B. Warm-ups have no place here; the caller's source
    /// leaves them out. An item seen twice keeps the last.
    public mutating func add(_ result: BenchResult, inB: Bool) {
        let outcome = ItemOutcome(result)
        let key = PairKey(test: result.test, repeatIndex: result.repeatIndex)
        for group in [Group(provider: result.provider, category: nil), Group(provider: result.provider, category: result.category)] {
            if inB {
                if b.outcomes[group] == nil { b.order.append(group) }
                b.outcomes[group, default: [:]][key] = outcome
            } else {
                if a.outcomes[group] == nil { a.order.append(group) }
                a.outcomes[group, default: [:]][key] = outcome
            }
        }
        if inB { b.models[result.provider] = result.model } else { a.models[result.provider] = result.model }
    }

    /// One row per provider in both runs (overall first, then its categories in both), in run A's
    /// order of first appearance; groups without a pair are left out.
    public func rows(resamples: Int = 2000) -> [Row] {
        let groups = a.order.filter { b.outcomes[$0] != nil }
        let ordered = groups.filter { $0.category == nil }.flatMap { overall in
            [overall] + groups.filter { $0.provider == overall.provider && $0.category != nil }
        }
        return ordered.compactMap { group -> Row? in
            let sideA = a.outcomes[group]!, sideB = b.outcomes[group]!
            // The pairs once, in key order: the comparison and the rates and costs read the same.
            let pairs = sideA.keys.filter { sideB[$0] != nil }.sorted().map { (sideA[$0]!, sideB[$0]!) }
            guard !pairs.isEmpty else { return nil }
            let comparison = PairedComparison(pairs: pairs, resamples: resamples)
            let n = Double(pairs.count)
            func cost(_ side: ((ItemOutcome, ItemOutcome)) -> ItemOutcome) -> Double? {
                var sum = 0.0
                for pair in pairs {
                    guard let c = side(pair).costUSD else { return nil }
                    sum += c
                }
                return sum / n
            }
            return Row(provider: group.provider, category: group.category, modelA: a.models[group.provider] ?? "",
                       modelB: b.models[group.provider] ?? "", passRateA: Double(pairs.count(where: { $0.0.passed })) / n,
                       passRateB: Double(pairs.count(where: { $0.1.passed })) / n,
                       meanCostA: cost { $0.0 }, meanCostB: cost { $0.1 }, comparison: comparison)
        }
    }
}
