import LLMBenchCore
import Testing

/// Paired comparisons, the cost–quality frontier and the recommendation (Docs/statistics.md).
struct ComparisonTests {
    static func outcomes(_ passes: [Bool], quality: [Double?]? = nil, latency: Double = 100, prefix: String = "t") -> [PairKey: ItemOutcome] {
        var out: [PairKey: ItemOutcome] = [:]
        for (i, passed) in passes.enumerated() {
            out[PairKey(test: "\(prefix)\(i)", repeatIndex: 0)] = ItemOutcome(
                passed: passed, quality: quality.map { $0[i] } ?? (passed ? 1 : 0), latencyMs: latency + Double(i), costUSD: 0.001)
        }
        return out
    }

    /// A run a few per cent slower on every item is significantly slower, but not a regression: that
    /// is a busy machine between two runs. A tenth slower is.
    @Test(arguments: [(3.0, false), (20.0, true)])
    func aLatencyRegressionIsSignificantAndAtLeastATenth(slowerMs: Double, regression: Bool) throws {
        var comparison = RunComparison()
        for i in 0..<40 {
            for (inB, latency) in [(false, 100.0 + Double(i % 5)), (true, 100.0 + Double(i % 5) + slowerMs)] {
                comparison.add(BenchResult(test: "t\(i)", category: "c", provider: "p", plugin: "mock", model: "m", repeatIndex: 0,
                                           status: .ok, latencyMs: latency, quality: 1, passed: true), inB: inB)
            }
        }
        let rows = comparison.rows()
        let overall = try #require(rows.first { $0.category == nil })
        #expect(try #require(overall.comparison.latencyMs).isSignificant(), "every item is slower: significant either way")
        #expect(Regression.find(in: rows).contains { $0.measure == .latency } == regression)
    }

    /// One pair says nothing of a difference's spread: no difference is tested, so none is
    /// significant (a bootstrap of one difference put it at p = 1/2001).
    @Test func oneItemIsNoEvidenceOfADifference() throws {
        let comparison = PairedComparison(a: Self.outcomes([true]), b: Self.outcomes([false]))
        #expect(comparison.pairs == 1 && comparison.quality == nil && comparison.latencyMs == nil)
        #expect(comparison.passPValue == 1, "McNemar on one discordant pair")
        #expect(!Recommendation.significantlyWorse(comparison))
        #expect(PairedComparison(a: Self.outcomes([true, true]), b: Self.outcomes([false, false])).quality != nil, "two pairs are tested")
    }

    @Test func onlyItemsBothWereGivenArePaired() throws {
        var a = Self.outcomes([true, true, false, true, false, true])
        let b = Self.outcomes([true, false, true, true, false, false], quality: [1, 0, 1, nil, 0, 0], latency: 150)
        // Items only A was given are left out of every figure.
        a[PairKey(test: "extra", repeatIndex: 0)] = ItemOutcome(passed: false, quality: 0, latencyMs: 1, costUSD: 0)
        let comparison = PairedComparison(a: a, b: b)
        #expect(comparison.pairs == 6)
        #expect(comparison.onlyA == 2 && comparison.onlyB == 1)
        #expect(comparison.passPValue == Inference.mcnemar(onlyA: 2, onlyB: 1).pValue && comparison.passTestExact)
        #expect(comparison.passRateDifference == -1.0 / 6)
        // Quality pairs: the five items B has a quality for; A's there: 1,1,0,0,1 (t3 left out).
        let quality = try #require(comparison.quality)
        #expect(quality.pairs == 5)
        #expect(abs(quality.meanDifference - ((1 + 0 + 1 + 0 + 0) - (1 + 1 + 0 + 0 + 1)) / 5.0) < 1e-12)
        let latency = try #require(comparison.latencyMs)
        #expect(latency.pairs == 6 && abs(latency.meanDifference - 50) < 1e-9)
        #expect(latency.isSignificant(), "every pair is 50 ms slower")
        #expect(latency.interval.lower == 50 && latency.interval.upper == 50)
    }

    @Test func aClearlyWorseModelIsSignificantlyWorseAndASimilarOneIsNot() {
        let best = Self.outcomes(Array(repeating: true, count: 60))
        let worse = Self.outcomes((0..<60).map { $0 % 2 == 0 })   // fails 30 of 60: 25 or more discordant pairs, the χ² test
        let similar = Self.outcomes((0..<60).map { $0 != 7 })      // fails 1: the exact test
        let clearly = PairedComparison(a: best, b: worse)
        #expect(clearly.onlyA == 30 && !clearly.passTestExact && clearly.passDifferenceIsSignificant())
        let close = PairedComparison(a: best, b: similar)
        #expect(close.onlyA == 1 && close.passTestExact && !close.passDifferenceIsSignificant())
    }

    @Test func theFrontierKeepsWhatNothingBeatsOnBothCostAndQuality() {
        let models = [
            ModelStanding(id: "cheap", costUSD: 0.1, quality: 0.5),
            ModelStanding(id: "mid", costUSD: 0.5, quality: 0.8),
            ModelStanding(id: "mid-twin", costUSD: 0.5, quality: 0.8),
            ModelStanding(id: "dominated", costUSD: 0.6, quality: 0.7),
            ModelStanding(id: "same-cost-worse", costUSD: 0.5, quality: 0.6),
            ModelStanding(id: "best", costUSD: 1.0, quality: 0.9),
            ModelStanding(id: "unpriced", costUSD: nil, quality: 0.95),
        ]
        #expect(Frontier.pareto(models).map(\.id) == ["cheap", "mid", "mid-twin", "best"])
        #expect(Frontier.pareto([]).isEmpty)
    }

    @Test func theRecommendationIsTheCheapestModelNotSignificantlyWorseThanTheBest() throws {
        let models = [
            ModelStanding(id: "best", costUSD: 1.0, quality: 0.975),
            ModelStanding(id: "similar", costUSD: 0.2, quality: 0.95),
            ModelStanding(id: "worse", costUSD: 0.05, quality: 0.5),
            ModelStanding(id: "mid", costUSD: 0.5, quality: 0.97),
        ]
        let best = Self.outcomes(Array(repeating: true, count: 40))
        let comparisons = [
            "similar": PairedComparison(a: best, b: Self.outcomes((0..<40).map { $0 != 3 && $0 != 9 })),
            "worse": PairedComparison(a: best, b: Self.outcomes((0..<40).map { $0 % 2 == 0 })),
            "mid": PairedComparison(a: best, b: Self.outcomes((0..<40).map { $0 != 5 })),
        ]
        let recommendation = try #require(Recommendation.choose(models, comparisons: comparisons))
        #expect(recommendation.best == "best")
        #expect(recommendation.chosen == "similar", "the cheapest not significantly worse; 'worse' is cheaper but significantly worse")
        #expect(recommendation.candidates == ["similar", "mid", "best"])
        let saving = try #require(recommendation.savingPercent)
        #expect(recommendation.reference == "best" && abs(saving - 80) < 1e-9)

        let againstCurrent = try #require(Recommendation.choose(models, comparisons: comparisons, current: "mid"))
        let savingAgainstCurrent = try #require(againstCurrent.savingPercent)
        #expect(againstCurrent.reference == "mid" && abs(savingAgainstCurrent - 60) < 1e-9)

        // A model with no comparison (no pairs with the best) is no candidate.
        let withoutPairs = try #require(Recommendation.choose(models, comparisons: ["mid": comparisons["mid"]!]))
        #expect(withoutPairs.chosen == "mid")
        #expect(Recommendation.choose([], comparisons: [:]) == nil)
    }

    @Test func unpricedModelsAreChosenOnlyWhenNoneIsPriced() throws {
        let best = Self.outcomes(Array(repeating: true, count: 10))
        let models = [ModelStanding(id: "a", costUSD: nil, quality: 1), ModelStanding(id: "b", costUSD: nil, quality: 0.9)]
        let choice = try #require(Recommendation.choose(models, comparisons: ["b": PairedComparison(a: best, b: best)]))
        #expect(choice.savingPercent == nil)
        #expect(Set(choice.candidates) == ["a", "b"])
    }
}
