import LLMBenchCore
import Testing

/// Which model for which category, from results as they come (Docs/statistics.md).
struct DecisionTallyTests {
    static func result(_ test: Int, provider: String, category: String, passed: Bool, cost: Double?, simulated: Bool = false) -> BenchResult {
        BenchResult(test: "t\(test)", category: category, provider: provider, plugin: "p", model: "\(provider)-model", repeatIndex: 0,
                    status: .ok, error: nil, latencyMs: 100, ttftMs: 10, usage: Usage(inputTokens: 10, outputTokens: 10),
                    costUSD: cost, quality: passed ? 1 : 0, passed: passed, simulated: simulated)
    }

    /// 60 tests in two categories. `big` passes all; `small` fails one in each category at a fifth
    /// of the cost; `bad` fails half; `mock` is simulated and perfect and free.
    static func tally(current: String? = nil) -> DecisionTally {
        var tally = DecisionTally(current: current)
        for i in 0..<60 {
            let category = i % 2 == 0 ? "math" : "qa"
            tally.add(result(i, provider: "big", category: category, passed: true, cost: 0.01))
            tally.add(result(i, provider: "small", category: category, passed: i != 4 && i != 7, cost: 0.002))
            tally.add(result(i, provider: "bad", category: category, passed: i % 4 < 2, cost: 0.001))
            tally.add(result(i, provider: "mock", category: category, passed: true, cost: 0, simulated: true))
        }
        return tally
    }

    @Test func theCheapestModelNotSignificantlyWorseIsChosenPerCategory() throws {
        let decisions = Self.tally().decisions()
        #expect(decisions.map { $0.category ?? "all" } == ["all", "math", "qa"])
        for decision in decisions {
            let recommendation = try #require(decision.recommendation)
            #expect(recommendation.best == "big")
            #expect(recommendation.chosen == "small", "\(decision.category ?? "all"): 'bad' is cheaper but significantly worse")
            let saving = try #require(recommendation.savingPercent)
            #expect(recommendation.reference == "big" && abs(saving - 80) < 1e-9)
            #expect(!decision.standings.contains { $0.id == "mock" }, "a simulated provider is no choice beside real ones")
            #expect(decision.frontier == ["bad", "small", "big"])
            let bad = try #require(decision.comparisons["bad"])
            #expect(bad.onlyA > 0 && bad.passDifferenceIsSignificant())
            #expect(decision.json["recommendation"]?["provider"] == "small")
        }
    }

    @Test func theSavingIsAgainstTheCurrentProviderWhenTheSuiteNamesOne() throws {
        let all = try #require(Self.tally(current: "bad").decisions().first?.recommendation)
        let saving = try #require(all.savingPercent)
        #expect(all.reference == "bad" && abs(saving - (-100)) < 1e-9, "small costs twice what bad does")
    }

    @Test func simulatedProvidersAreTheChoiceWhenNothingElseRan() throws {
        var tally = DecisionTally()
        for i in 0..<10 {
            tally.add(Self.result(i, provider: "mock-a", category: "x", passed: true, cost: 0.001, simulated: true))
            tally.add(Self.result(i, provider: "mock-b", category: "x", passed: true, cost: 0.002, simulated: true))
        }
        #expect(tally.decisions().first?.recommendation?.chosen == "mock-a")
        var alone = DecisionTally()
        alone.add(Self.result(0, provider: "only", category: "x", passed: true, cost: 1))
        #expect(alone.decisions().isEmpty, "one provider: nothing to choose")
    }
}
