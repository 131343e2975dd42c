import Foundation
@testable import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// The tally a streamed report is built from gives what the whole list of results gives: summaries
/// equal (to the bit) to ones computed here from the list, and the same requests not started as a
/// set of done keys finds. Generated runs, seeded.
struct RunTallyTests {
    typealias Generator = SeededGenerator

    /// Summaries computed from the whole list, the plain way: filter each group, then reduce.
    static func summarizeWhole(_ results: [BenchResult]) -> [GroupSummary] {
        var overall: [[String]] = [], byCategory: [[String]] = []
        for r in results {
            if !overall.contains([r.provider, r.model]) { overall.append([r.provider, r.model]) }
            if !byCategory.contains([r.provider, r.model, r.category]) { byCategory.append([r.provider, r.model, r.category]) }
        }
        func summary(_ key: [String]) -> GroupSummary {
            let group = results.filter { $0.provider == key[0] && $0.model == key[1] && (key.count == 2 || $0.category == key[2]) }
            let ok = group.filter { $0.status == .ok }
            let costs = group.compactMap(\.costUSD), qualities = ok.compactMap(\.quality)
            return GroupSummary(
                provider: key[0], model: key[1], category: key.count == 3 ? key[2] : nil, n: group.count,
                errors: group.count - ok.count, passed: group.filter(\.passed).count,
                latencyMs: Distribution(ok.compactMap(\.latencyMs)), ttftMs: Distribution(ok.compactMap(\.ttftMs)),
                costMeanUSD: costs.isEmpty ? nil : costs.reduce(0, +) / Double(costs.count),
                costTotalUSD: costs.isEmpty ? nil : costs.reduce(0, +),
                unpriced: group.filter { $0.costUSD == nil && $0.usage != nil }.count,
                qualityMean: qualities.isEmpty ? nil : qualities.reduce(0, +) / Double(qualities.count),
                qualityInterval: Inference.meanInterval(qualities)?.interval.clamped(to: 0...1),
                simulated: group.contains { $0.simulated },
                tpotMs: Distribution(ok.filter { !$0.cached }.compactMap(\.tpotMs)),
                decodeTokensPerSecondMean: Self.mean(ok.filter { !$0.cached }.compactMap(\.decodeTPS)),
                inputTokens: group.filter { !$0.cached }.reduce(0) { $0 + ($1.usage?.inputTokens ?? 0) },
                outputTokens: group.filter { !$0.cached }.reduce(0) { $0 + ($1.usage?.outputTokens ?? 0) },
                errorsByKind: Dictionary(grouping: group.filter { $0.status == .error }, by: { $0.error?.kind.rawValue ?? "unknown" }).mapValues(\.count))
        }
        return (overall + byCategory).map(summary)
    }

    static func mean(_ values: [Double]) -> Double? {
        var sum = 0.0
        for value in values { sum += value }
        return values.isEmpty ? nil : sum / Double(values.count)
    }

    /// The planned requests without a result, found with a set of keys.
    static func notStartedBySet(_ plan: RunPlan, _ results: [BenchResult]) -> [RunPlan.Item] {
        let done = Set(results.map { "\($0.test)\u{0}\($0.provider)\u{0}\($0.repeatIndex)" })
        var missing: [RunPlan.Item] = []
        for test in plan.tests {
            for r in 0..<test.repeats {
                for provider in plan.providers where !done.contains("\(test.name)\u{0}\(provider)\u{0}\(r)") {
                    missing.append(RunPlan.Item(test: test.name, category: test.category, provider: provider, repeatIndex: r))
                }
            }
        }
        return missing
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func summariesOneAtATimeEqualThoseOfTheWholeList(seed: UInt64) {
        var generator = Generator(state: seed)
        let results = (0..<generator.int(0...600)).map { _ in generator.result() }
        let expected = Self.summarizeWhole(results)
        #expect(Summarizer.summarize(results) == expected)
        var tally = RunTally(run: Self.run(.complete))
        for result in results { tally.add(result) }
        #expect(tally.summary == expected)
        #expect(tally.done == results.count)
        #expect(tally.passed == results.filter(\.passed).count)
        #expect(tally.errors == results.filter { $0.status == .error }.count)
        #expect(tally.thresholdFailures == results.filter { $0.status == .ok && !$0.passed }.count)
        var providers: [String] = []
        for result in results where !providers.contains(result.provider) { providers.append(result.provider) }
        #expect(tally.providers == providers)
        for provider in providers {
            let theirs = results.filter { $0.provider == provider }
            var models: [String] = []
            for result in theirs where !models.contains(result.model) { models.append(result.model) }
            let pooled = theirs.map { result in
                var result = result
                result.model = models.joined(separator: ", ")
                return result
            }
            let figures = tally.byProvider[provider]
            #expect(figures?.summary(provider: provider) == Self.summarizeWhole(pooled).first)
            #expect(figures?.latencyMsTotal == theirs.reduce(0) { $0 + ($1.latencyMs ?? 0) })
            #expect(figures?.count == theirs.count && figures?.models == models)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func theRequestsNotStartedAreThoseASetOfDoneKeysFinds(seed: UInt64) {
        var generator = Generator(state: seed)
        // Tests t0...t3 (a name may come twice), providers a, b (and c, which results use but the plan lacks).
        var tests = (0..<4).map { RunPlan.Test(name: "t\($0)", category: "x", repeats: generator.int(0...3)) }
        if generator.chance(50) { tests.append(RunPlan.Test(name: "t1", category: "y", repeats: generator.int(1...4))) }
        let plan = RunPlan(providers: generator.chance(50) ? ["a", "b"] : ["b", "a", "d"], tests: tests)
        let results = (0..<generator.int(0...40)).map { _ in generator.result() }
        let expected = Self.notStartedBySet(plan, results)
        let tally = RunTally(run: Self.run(.interrupted, plan: plan), results: results)
        #expect(tally.notStarted == expected)
        #expect(tally.notStartedCount == expected.count)
        #expect(RunTally(run: Self.run(.complete, plan: plan), results: results).notStartedCount == 0, "a complete run ran its plan")
        #expect(RunTally(run: Self.run(.killed), results: results).notStartedCount == 0, "no plan, nothing known to be missing")
    }

    /// Results completing in any order, some never: the tally added up as they come is the one of a
    /// pass over them in plan order (the store's order).
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func aTallyAddedUpAsResultsCompleteIsTheTallyInPlanOrder(seed: UInt64) {
        var generator = Generator(state: seed)
        let plan = RunPlan(providers: ["c", "a", "b"], tests: (0..<40).map { RunPlan.Test(name: "t\($0)", category: "x", repeats: generator.int(1...9)) })
        var inPlanOrder: [BenchResult] = []
        for test in plan.tests {
            for r in 0..<test.repeats {
                for provider in plan.providers where generator.chance(85) {
                    var result = generator.result()
                    (result.test, result.provider, result.repeatIndex) = (test.name, provider, r)
                    inPlanOrder.append(result)
                }
            }
        }
        var arrivals = inPlanOrder
        for i in arrivals.indices.reversed() { arrivals.swapAt(i, generator.int(0...i)) }
        // Several threads at once, each with its share, more than a batch in all.
        let running = RunningTally(plan: plan)
        let shares = 4
        let shuffled = arrivals
        DispatchQueue.concurrentPerform(iterations: shares) { share in
            for (i, result) in shuffled.enumerated() where i % shares == share { running.add(result) }
        }
        let run = Self.run(.interrupted, plan: plan)
        let tally = running.finished(as: run)
        let expected = RunTally(run: run, results: inPlanOrder)
        #expect(tally.summary == expected.summary)
        #expect(tally.providers == expected.providers)
        #expect(tally.notStarted == expected.notStarted)
        #expect(tally.incompleteNote == expected.incompleteNote)
        let counts: [Int] = [tally.done, tally.passed, tally.errors, tally.thresholdFailures]
        #expect(counts == [expected.done, expected.passed, expected.errors, expected.thresholdFailures])
    }

    @Test func theIncompleteNoteCountsResultsAndRequestsNotStarted() {
        let plan = RunPlan(providers: ["a"], tests: [RunPlan.Test(name: "t0", category: "x", repeats: 3)])
        var generator = Generator(state: 9)
        var result = generator.result()
        (result.test, result.provider, result.repeatIndex) = ("t0", "a", 1)
        let interrupted = RunTally(run: Self.run(.interrupted, plan: plan), results: [result, result])
        #expect(interrupted.incompleteNote == "INCOMPLETE RUN, interrupted. 2 results of 3 planned; 2 not started.")
        #expect(RunTally(run: Self.run(.running, plan: plan), results: [result]).incompleteNote
            == "RUN IN PROGRESS (not finished yet). 1 results so far of 3 planned; 2 not started yet.")
        #expect(RunTally(run: Self.run(.complete, plan: plan), results: []).incompleteNote == nil)
    }

    static func run(_ status: RunStatus, plan: RunPlan? = nil) -> RunInfo {
        RunInfo(id: "r", suite: "s", suiteDigest: "d", startedAt: 0, finishedAt: 1, prices: PriceSnapshot(date: "2026-01-01", entries: []),
                concurrency: 1, notices: [], status: status, plan: plan)
    }
}

/// Results over a few names, with figures whose sums depend on their order.
extension SeededGenerator {
    /// Not microsecond-round, so that sums depend on their order.
    mutating func double() -> Double { Double(next() % 1_000_000_007) / 7_919.0 }

    mutating func result() -> BenchResult {
        let failed = chance(15)
        return BenchResult(
            test: pick(["t0", "t1", "t2", "t3", "other"]), category: pick(["x", "y", "z"]), provider: pick(["a", "b", "c"]),
            plugin: "mock", model: pick(["m1", "m2"]), repeatIndex: int(0...3), status: failed ? .error : .ok,
            error: failed ? RequestError(kind: pick([.server, .timeout, .rateLimited]), message: "boom") : nil,
            latencyMs: chance(90) ? double() : nil, ttftMs: chance(70) ? double() : nil,
            usage: chance(80) ? Usage(inputTokens: int(0...100), outputTokens: int(0...100)) : nil,
            costUSD: chance(60) ? double() / 1e6 : nil, quality: chance(80) ? double() / 1e9 : nil,
            passed: !failed && chance(70), simulated: chance(10))
    }
}
