/// Which model for which category (issue 10; Docs/statistics.md "Frontier and recommendation"):
/// per category of a run, and for the run as a whole, each provider's standing, the cost–quality
/// frontier, each provider compared with the best on the items both were given, and the
/// recommendation. Results are added one at a time; each keeps one small outcome per provider and
/// item, never the result.
public struct DecisionTally: Sendable {
    /// One category's answer, or the run's (`category` nil).
    public struct Decision: Sendable {
        public var category: String?
        /// By provider, in order of first result.
        public var standings: [ModelStanding]
        public var models: [String: String]
        public var frontier: [String]
        /// Each provider but the best, compared with it (the best as A).
        public var comparisons: [String: PairedComparison]
        public var recommendation: Recommendation?

        public var json: JSONValue {
            func difference(_ d: PairedComparison.Difference?) -> JSONValue {
                guard let d else { return .null }
                return .object(["mean_difference": .number(d.meanDifference), "ci": d.interval.json, "p": .number(d.pValue),
                                "significant": .bool(d.isSignificant()), "method": .string(d.method)])
            }
            return .object([
                "category": JSONValue(category),
                "models": .array(standings.map { standing in
                    var fields: [String: JSONValue] = [
                        "provider": .string(standing.id), "model": .string(models[standing.id] ?? ""),
                        "quality_mean": .number(standing.quality), "cost_usd_mean": JSONValue(standing.costUSD),
                        "on_frontier": .bool(frontier.contains(standing.id)),
                    ]
                    if let c = comparisons[standing.id] {
                        fields["against_best"] = .object([
                            "pairs": JSONValue(c.pairs), "pass_p": .number(c.passPValue), "only_best": JSONValue(c.onlyA), "only_this": JSONValue(c.onlyB),
                            "quality": difference(c.quality),
                        ])
                    }
                    return .object(fields)
                }),
                "frontier": .array(frontier.map { .string($0) }),
                "recommendation": recommendation.map { r in
                    .object(["provider": .string(r.chosen), "best": .string(r.best), "reference": .string(r.reference),
                             "saving_percent": JSONValue(r.savingPercent), "candidates": .array(r.candidates.map { .string($0) })])
                } ?? .null,
            ])
        }
    }

    private struct Item: Hashable {
        var test: String
        var repeatIndex: Int
    }

    private var items: [Item: Int] = [:]
    private var itemCategory: [Int] = []
    private var categories: [String] = []
    private var categoryIndex: [String: Int] = [:]
    private var providers: [String] = []
    private var providerIndex: [String: Int] = [:]
    private var models: [String: String] = [:]
    /// By provider index: it answered by simulation (the Mock).
    private var simulated: [Bool] = []
    /// outcomes[provider][item]; nil where the provider has no result for the item.
    private var outcomes: [[ItemOutcome?]] = []
    private let current: String?

    /// `current`: the suite's provider in use today, for the saving.
    public init(current: String? = nil) { self.current = current }

    public mutating func add(_ result: BenchResult) { add(ResultFigures(result)) }

    public mutating func add(_ result: ResultFigures) {
        let key = Item(test: result.test, repeatIndex: result.repeatIndex)
        let item: Int
        if let known = items[key] {
            item = known
        } else {
            item = itemCategory.count
            items[key] = item
            if categoryIndex[result.category] == nil {
                categoryIndex[result.category] = categories.count
                categories.append(result.category)
            }
            itemCategory.append(categoryIndex[result.category]!)
        }
        let p: Int
        if let known = providerIndex[result.provider] {
            p = known
        } else {
            p = providers.count
            providerIndex[result.provider] = p
            providers.append(result.provider)
            outcomes.append([])
            simulated.append(false)
            models[result.provider] = result.model
        }
        if result.simulated { simulated[p] = true }
        if outcomes[p].count <= item { outcomes[p].append(contentsOf: repeatElement(nil, count: item + 1 - outcomes[p].count)) }
        outcomes[p][item] = ItemOutcome(result)
    }

    /// The run's decision first, then one per category in order of first result; none with fewer
    /// than two providers to choose from (simulated ones are left out when a real one ran).
    public func decisions(resamples: Int = 2000) -> [Decision] {
        guard providers.count >= 2 else { return [] }
        return ([nil] + categories.indices.map { Optional($0) }).compactMap { decision(category: $0, resamples: resamples) }
    }

    private func outcome(_ provider: Int, _ item: Int) -> ItemOutcome? {
        item < outcomes[provider].count ? outcomes[provider][item] : nil
    }

    private func decision(category: Int?, resamples: Int) -> Decision? {
        let inGroup = itemCategory.indices.filter { category == nil || itemCategory[$0] == category }
        // A simulated provider (the Mock) is no choice beside real ones; among simulated ones only
        // (a demo) it is.
        let real = simulated.contains(false)
        var standings: [ModelStanding] = []
        for (p, provider) in providers.enumerated() where !(real && simulated[p]) {
            let mine = inGroup.compactMap { outcome(p, $0) }
            let qualities = mine.compactMap(\.quality)
            guard !mine.isEmpty, !qualities.isEmpty else { continue }
            let costs = mine.compactMap(\.costUSD)
            standings.append(ModelStanding(id: provider, costUSD: costs.count == mine.count ? costs.reduce(0, +) / Double(costs.count) : nil,
                                           quality: qualities.reduce(0, +) / Double(qualities.count)))
        }
        guard standings.count >= 2, let best = Recommendation.best(of: standings) else { return nil }
        let b = providerIndex[best.id]!
        var comparisons: [String: PairedComparison] = [:]
        for standing in standings where standing.id != best.id {
            let p = providerIndex[standing.id]!
            let pairs = inGroup.compactMap { item in outcome(b, item).flatMap { ours in outcome(p, item).map { (ours, $0) } } }
            // The recommendation needs pass/fail and quality only.
            if !pairs.isEmpty { comparisons[standing.id] = PairedComparison(pairs: pairs, resamples: resamples, measures: [.quality]) }
        }
        let named = current.flatMap { id in standings.contains { $0.id == id } ? id : nil }
        return Decision(category: category.map { categories[$0] }, standings: standings, models: models,
                        frontier: Frontier.pareto(standings).map(\.id), comparisons: comparisons,
                        recommendation: Recommendation.choose(standings, comparisons: comparisons, current: named))
    }
}
