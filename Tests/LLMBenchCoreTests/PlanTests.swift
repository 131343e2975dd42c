import LLMBenchCore
import Testing

struct PlanTests {
    static let tests: [(index: Int, name: String, repeats: Int)] = [(0, "a", 2), (1, "b", 1), (2, "c", 1)]

    @Test func itemsAreTestMajorWithStableSequenceNumbersAndDoneItemsLeftOut() {
        let full = Plan.make(tests: Self.tests, providers: ["p", "q"])
        #expect(full.items.map { "\($0.test)\($0.provider)\($0.repeatIndex)" } == ["000", "010", "001", "011", "100", "110", "200", "210"])
        #expect(full.items.map(\.sequence) == Array(0..<8))
        let done: Set<ItemKey> = [ItemKey(test: "a", provider: "q", repeatIndex: 1), ItemKey(test: "c", provider: "p", repeatIndex: 0)]
        let resumed = Plan.make(tests: Self.tests, providers: ["p", "q"], done: done)
        #expect(resumed.planned == 8 && resumed.alreadyDone == 2 && resumed.items.count == 6)
        #expect(resumed.items.map(\.sequence) == [0, 1, 2, 4, 5, 7], "an item keeps its number when others are done")
    }

    @Test func warmupsComeFirstCycleThroughTheTestsAndAreNumberedAfterThePlan() {
        let plan = Plan.make(tests: Self.tests, providers: ["p", "q"], warmups: [4, 0], firstWarmupSequence: 20)
        let warm = plan.items.prefix { $0.warmup }
        #expect(warm.count == 4 && plan.measuredCount == 8)
        #expect(warm.map(\.test) == [0, 1, 2, 0] && warm.allSatisfy { $0.provider == 0 })
        #expect(warm.map(\.sequence) == [20, 21, 22, 23])
    }

    static let categories = (0..<60).map { i in i < 30 ? "factual" : i < 50 ? "math" : "code" }

    @Test func aSampleIsStratifiedByCategoryAndTheSameForTheSameSeed() {
        let sample = Sampling(size: .fraction(0.2), seed: 42)
        let chosen = sample.choose(categories: Self.categories)
        #expect(chosen.count == 12)
        #expect(chosen == sample.choose(categories: Self.categories), "the same seed gives the same tests")
        let perCategory = Dictionary(grouping: chosen, by: { Self.categories[$0] }).mapValues(\.count)
        #expect(perCategory == ["factual": 6, "math": 4, "code": 2], "each category keeps its share")
        #expect(chosen == chosen.sorted())
        #expect(Sampling(size: .fraction(0.2), seed: 43).choose(categories: Self.categories) != chosen, "another seed, another sample")
    }

    @Test func aCountIsSplitByLargestRemaindersAndNeverPassesTheSuite() {
        let five = Sampling(size: .count(5), seed: 1).choose(categories: Self.categories)
        #expect(five.count == 5)
        // Shares 2.5 / 1.67 / 0.83: floors 2, 1, 0, then the largest remainders (code .83, math .67).
        #expect(Dictionary(grouping: five, by: { Self.categories[$0] }).mapValues(\.count) == ["factual": 2, "math": 2, "code": 1])
        #expect(Sampling(size: .count(500), seed: 1).choose(categories: Self.categories).count == 60)
    }

    @Test func sampleSizesParseAsCountsFractionsAndPercentages() {
        #expect(Sampling.size(parsing: "50") == .count(50))
        #expect(Sampling.size(parsing: "0.1") == .fraction(0.1))
        #expect(Sampling.size(parsing: "10%") == .fraction(0.1))
        for bad in ["0", "-3", "1.5", "abc", "0%", "101%", ""] { #expect(Sampling.size(parsing: bad) == nil, "\(bad)") }
    }

    @Test func settingsSurviveTheirJSON() throws {
        let settings = RunSettings(concurrency: 8, providerConcurrency: ["p": 2], rateLimits: ["p": RateLimit(requestsPerMinute: 600, tokensPerMinute: 90_000)],
                                   budgetUSD: 1.25, budgetAlerts: [0.9, 0.25], cache: true, cacheTTLSeconds: 3600,
                                   sampling: Sampling(size: .fraction(0.25), seed: 18_446_744_073_709_551_615))
        let plan = RunPlan(providers: ["p"], tests: [.init(name: "t", category: "c", repeats: 2)], settings: settings)
        let read = try #require(RunPlan(json: try JSONValue.parse(plan.json.jsonText)))
        #expect(read == plan)
        #expect(read.settings?.budgetAlerts == [0.25, 0.9])
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(Digest.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Digest.sha256Hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}

struct ErrorKindStatusTests {
    @Test func everyKindSurvivesItsStatusCodeButTheEnginesOwn() {
        for kind in ErrorKind.allCases where kind != .scorer {
            #expect(ErrorKind(statusCode: kind.statusCode) == kind, "\(kind)")
        }
        #expect(ErrorKind(statusCode: ErrorKind.scorer.statusCode) == .internal, "a plugin never sends scorer: the engine's own kind")
    }
}
