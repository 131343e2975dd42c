import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchFakeServers
import LLMBenchTestSupport
import Testing

/// The embedding_cosine scorer through the engine: a Mock provider under test, the OpenAI plugin
/// against the loopback fake as the suite's embedder (under_test: false), the ABI 1.2 provider
/// service between them.
struct EmbeddingCosineTests {
    static func suite(_ server: FakeProviderServer, embedder: String = "emb", threshold: String = "") -> String {
        """
        version: 1
        name: embed
        providers:
          - {id: p, plugin: mock, model: m, options: {mode: echo}}
          - {id: emb, plugin: openai, model: "fake;dims=24", base_url: "\(server.baseURL)", api_key_env: FAKE_PROVIDER_KEY, under_test: false}
        defaults:
          scorers: [{scorer: embedding_cosine\(threshold), options: {embedder: \(embedder)}}]
        tests:
          - {name: one, prompt: "the cat sat", expected: ["a cat was sitting", "the cat sat"]}
          - {name: two, prompt: "blue sky", expected: "green grass"}
        """
    }

    static let key = ["FAKE_PROVIDER_KEY": "fake-key-123"]

    /// What the scorer should answer: the fake's vectors as the plugin reads them (JSON text of
    /// each Float), their cosine, the best over the references.
    static func expectedCosines(output: String, references: [String]) -> [Double] {
        func vector(_ text: String) -> [Double] { FakeEmbedding.vector(for: text, dimensions: 24).map { Double(String($0))! } }
        let o = vector(output)
        return references.map { reference in
            let r = vector(reference)
            let dot = zip(o, r).map { $0 * $1 }.reduce(0, +)
            return dot / (o.map { $0 * $0 }.reduce(0, +).squareRoot() * r.map { $0 * $0 }.reduce(0, +).squareRoot())
        }
    }

    @Test func scoresEachAnswerByItsBestCosineWithEmbeddingsFromTheSuitesProvider() throws {
        let server = try FakeProviderServer(api: .openai)
        let (run, _, _) = try runSuite(Self.suite(server), environment: Self.key)
        #expect(run.results.count == 2, "the embedder is not under test: no results of its own")
        #expect(run.results.allSatisfy { $0.provider == "p" && $0.status == .ok })
        for (name, references) in [("one", ["a cat was sitting", "the cat sat"]), ("two", ["green grass"])] {
            let result = try #require(run.results.first { $0.test == name })
            let score = try #require(result.scores.first)
            #expect(score.error == nil)
            let cosines = Self.expectedCosines(output: result.output, references: references)
            let best = cosines.max()!
            #expect(abs(try #require(score.value) - max(0, best)) < 1e-9, "value is max(0, best cosine)")
            #expect(score.passed == (best >= 0.75))
            let reported = try #require(score.details["cosines"]?.arrayValue).compactMap(\.doubleValue)
            #expect(zip(reported, cosines).allSatisfy { abs($0 - $1) < 1e-9 } && reported.count == cosines.count)
        }
        // Test "one" echoes a reference: cosine 1, passed.
        #expect(run.results.first { $0.test == "one" }?.passed == true)
        let embeddings = server.records().filter { $0.path.hasSuffix("/embeddings") }
        #expect(embeddings.count == 2, "one request per scored result: the output and its references in one batch")
        #expect(embeddings.allSatisfy { $0.status == 200 && $0.model == "fake;dims=24" && $0.headers["authorization"] == "Bearer fake-key-123" })
        #expect(server.records().allSatisfy { $0.path.hasSuffix("/embeddings") }, "the embedder got no test")
    }

    /// Gemini as the embedder: the gemini plugin against the loopback fake of its API
    /// (`:batchEmbedContents`, key in `x-goog-api-key`) gives the same cosines as the OpenAI one,
    /// since the fake makes the same vector for a text whichever API serves it.
    @Test func geminiEmbedsThroughItsOwnAPI() throws {
        let server = try FakeProviderServer(api: .gemini)
        let yaml = Self.suite(server).replacingOccurrences(of: "plugin: openai", with: "plugin: gemini")
        let (run, _, _) = try runSuite(yaml, environment: Self.key)
        #expect(run.results.count == 2)
        for (name, references) in [("one", ["a cat was sitting", "the cat sat"]), ("two", ["green grass"])] {
            let result = try #require(run.results.first { $0.test == name })
            let score = try #require(result.scores.first)
            #expect(score.error == nil, "\(score.error ?? "")")
            let best = Self.expectedCosines(output: result.output, references: references).max()!
            #expect(abs(try #require(score.value) - max(0, best)) < 1e-9)
        }
        let calls = server.records()
        #expect(calls.count == 2 && calls.allSatisfy { $0.path.contains(":batchEmbedContents") && $0.status == 200 }, "\(calls.map(\.path))")
        #expect(calls.allSatisfy { $0.headers["x-goog-api-key"] == "fake-key-123" })
    }

    @Test func anEmbedderTheSuiteLacksIsAScorerErrorNamingTheProvidersItHas() throws {
        let server = try FakeProviderServer(api: .openai)
        let (run, _, _) = try runSuite(Self.suite(server, embedder: "nope"), environment: Self.key)
        #expect(run.results.count == 2)
        for result in run.results {
            let error = try #require(result.scores.first?.error)
            #expect(error.hasPrefix("not_found: ") && error.contains("'nope'") && error.contains("emb, p"), "\(error)")
            #expect(!result.passed)
        }
        #expect(server.records().isEmpty)
    }

    @Test func anEmbedderThatFailsIsRetriedByItsPolicyThenRecordedOnTheScore() throws {
        let server = try FakeProviderServer(api: .openai)
        let yaml = Self.suite(server).replacingOccurrences(of: "\"fake;dims=24\"", with: "\"fake;dims=24;fault=500\"")
            .replacingOccurrences(of: "under_test: false}", with: "under_test: false, retry: {max_attempts: 2, base_delay_ms: 1}}")
        let (run, _, _) = try runSuite(yaml, environment: Self.key)
        for result in run.results {
            let error = try #require(result.scores.first?.error)
            #expect(error.hasPrefix("server: provider 'emb'") && error.contains("after 2 attempts"), "\(error)")
        }
        #expect(server.records().count == 4, "two attempts for each of two results")
    }

    @Test func aSuiteWhoseOnlyProviderIsNotUnderTestIsRefused() throws {
        let yaml = """
            version: 1
            name: none
            providers:
              - {id: p, plugin: mock, model: m, under_test: false}
            tests:
              - {name: t, prompt: q}
            """
        #expect(throws: LLMBenchErrors.self) { try runSuite(yaml) }
    }

    @Test func theScorerRefusesOptionsWithoutAnEmbedder() throws {
        let server = try FakeProviderServer(api: .openai)
        let yaml = Self.suite(server).replacingOccurrences(of: "options: {embedder: emb}", with: "options: {}")
        do {
            _ = try runSuite(yaml, environment: Self.key)
            Issue.record("the suite was accepted")
        } catch let errors as LLMBenchErrors {
            #expect(errors.description.contains("needs option 'embedder'"), "\(errors)")
        }
    }
}

/// What a scorer's calls to providers cost is recorded on the result, apart from the model's, and summed.
struct ScoringCostTests {
    static func suite(_ server: FakeProviderServer) -> String {
        EmbeddingCosineTests.suite(server).replacingOccurrences(of: "fake;dims=24", with: "fake;dims=24;input_tokens=50")
    }

    @Test func theEmbeddersTokensAndCostAreTheResultsScoringCost() throws {
        let server = try FakeProviderServer(api: .openai)
        // $2 per million input tokens for the embedder; the model under test has no price.
        let prices = try PriceTable.parse("""
            version: 1
            prices:
              - {plugin: openai, model: "fake;dims=24;input_tokens=50", effective: 2024-01-01, input: 2, output: 0, source: test}
            """, path: "prices.yaml")
        let (run, store, _) = try runSuite(Self.suite(server), environment: EmbeddingCosineTests.key, prices: prices)
        #expect(run.results.count == 2)
        for result in run.results {
            let score = try #require(result.scores.first)
            #expect(score.inputTokens == 50 && score.outputTokens == 0, "one embedding call, as the server reported it")
            #expect(abs(try #require(score.costUSD) - 50 * 2e-6) < 1e-15)
            #expect(result.costUSD == nil, "the model under test is unpriced: its own cost stays unknown, apart")
            #expect(result.scoringCostUSD == score.costUSD)
        }
        let overall = try #require(RunReport(run: run.run, results: try store.results(runID: run.run.id)).summary.first { $0.category == nil })
        #expect(abs(try #require(overall.scoringCostUSD) - 2 * 50 * 2e-6) < 1e-15)
        #expect(overall.json["scoring_cost_usd"]?.doubleValue == overall.scoringCostUSD)
    }

    @Test func anUnpricedEmbedderLeavesTheTokensAndNoCost() throws {
        let server = try FakeProviderServer(api: .openai)
        let (run, _, _) = try runSuite(Self.suite(server), environment: EmbeddingCosineTests.key)
        let score = try #require(run.results.first?.scores.first)
        #expect(score.inputTokens == 50 && score.costUSD == nil)
        #expect(RunReport(run: run.run, results: run.results).summary.first?.scoringCostUSD == nil, "unknown, never zero")
    }
}

/// Embeddings are kept in the store by plugin, model and text: a rerun embeds nothing twice.
struct EmbeddingCacheTests {
    @Test func aRerunEmbedsNothingTwiceAndANewTextAlone() throws {
        let server = try FakeProviderServer(api: .openai)
        let yaml = EmbeddingCosineTests.suite(server)
        let (first, store, dir) = try runSuite(yaml, environment: EmbeddingCosineTests.key)
        _ = dir
        let embeddings = { server.records().filter { $0.path.hasSuffix("/embeddings") } }
        #expect(embeddings().count == 2)
        let (second, _, _) = try runSuite(yaml, environment: EmbeddingCosineTests.key, store: store)
        #expect(embeddings().count == 2, "every text was already embedded")
        #expect(second.results.map { $0.scores.first?.value } == first.results.map { $0.scores.first?.value })
        #expect(second.results.allSatisfy { $0.scores.first?.inputTokens == nil }, "no provider call, no scoring cost")
        // One new reference: only it is sent.
        let changed = yaml.replacingOccurrences(of: "expected: \"green grass\"", with: "expected: [\"green grass\", \"a red barn\"]")
        let (third, _, _) = try runSuite(changed, environment: EmbeddingCosineTests.key, store: store)
        #expect(embeddings().count == 3)
        let body = try JSONValue.parse(try #require(embeddings().last?.body))
        #expect(body["input"] == ["a red barn"] || body["input"] == "a red barn", "\(body)")
        let two = try #require(third.results.first { $0.test == "two" }?.scores.first)
        let expected = EmbeddingCosineTests.expectedCosines(output: "blue sky", references: ["green grass", "a red barn"])
        #expect(abs(try #require(two.value) - max(0, expected.max()!)) < 1e-9, "cached and new vectors in the request's order")
    }
}

/// A C scorer asks a suite provider for a completion through ABI 1.2's provider service (an
/// LLM-as-judge in miniature): the judge's answer decides the score, its tokens are scoring cost.
struct JudgeProviderTests {
    static func suite(_ server: FakeProviderServer, judgeText: String) -> String {
        """
        version: 1
        name: judge
        providers:
          - {id: p, plugin: mock, model: m}
          - {id: judge, plugin: openai, model: "fake;text=\(judgeText)", base_url: "\(server.baseURL)", api_key_env: FAKE_PROVIDER_KEY, under_test: false}
        defaults:
          scorers: [fixture]
        tests:
          - {name: a, prompt: q, expected: x}
          - {name: b, prompt: q, expected: y}
        """
    }

    @Test func theJudgesCompletionDecidesTheScore() throws {
        let server = try FakeProviderServer(api: .openai)
        let dir = TemporaryDirectory()
        _ = try buildFixture("judge", in: dir.path, flags: ["-DJUDGE_PROVIDER=\"judge\""])
        let (right, _, _) = try runSuite(Self.suite(server, judgeText: "Paris"), extraPluginDirs: [dir.path], environment: EmbeddingCosineTests.key)
        #expect(right.results.count == 2 && right.results.allSatisfy { $0.scores.first?.value == 1 && $0.passed })
        #expect(right.results.allSatisfy { ($0.scores.first?.inputTokens ?? 0) > 0 && ($0.scores.first?.outputTokens ?? 0) > 0 },
                "the judge's usage is the score's")
        let (wrong, _, _) = try runSuite(Self.suite(server, judgeText: "Lyon"), extraPluginDirs: [dir.path], environment: EmbeddingCosineTests.key)
        #expect(wrong.results.allSatisfy { $0.scores.first?.value == 0 && !$0.passed })
        let asked = server.records().filter { $0.path.hasSuffix("/chat/completions") }
        #expect(asked.count == 4 && asked.allSatisfy { $0.prompt == "What is the capital of France?" && $0.model?.hasPrefix("fake;text=") == true })
    }
}

/// A scorer's provider calls wait in the run's admission as its requests do (ABI 1.2 provider
/// service): the embedder's concurrency and the budget hold for them.
struct ProviderServiceAdmissionTests {
    static func suite(_ server: FakeProviderServer, embedder: String, tests: Int) -> String {
        let names = (0..<tests).map { "  - {name: t\($0), prompt: \"text \($0)\", expected: \"text \($0)\"}" }.joined(separator: "\n")
        return """
            version: 1
            name: admission
            providers:
              - {id: p, plugin: mock, model: m, options: {mode: echo}}
              - {id: emb, plugin: openai, model: "fake;dims=24;ttft=100;input_tokens=50", base_url: "\(server.baseURL)", api_key_env: FAKE_PROVIDER_KEY, under_test: false\(embedder)}
            defaults:
              scorers: [{scorer: embedding_cosine, options: {embedder: emb}}]
            tests:
            \(names)
            """
    }

    static func embeddingOverlap(_ server: FakeProviderServer) -> Int {
        ProviderConcurrencyTests.peakOverlap(server.records().filter { $0.path.hasSuffix("/embeddings") }, model: "fake;dims=24;ttft=100;input_tokens=50")
    }

    /// Four scorer threads want the embedder at once; its `concurrency: 1` lets one call at a time
    /// reach the server. Without the limit the same run overlaps them, so the test can tell.
    @Test func theEmbeddersConcurrencyHoldsForScorersCalls() throws {
        let limited = try FakeProviderServer(api: .openai)
        let (run, _, _) = try runSuite(Self.suite(limited, embedder: ", concurrency: 1", tests: 8), environment: EmbeddingCosineTests.key, concurrency: 4)
        #expect(run.results.count == 8 && run.results.allSatisfy { $0.scores.first?.error == nil })
        #expect(Self.embeddingOverlap(limited) == 1)

        let free = try FakeProviderServer(api: .openai)
        let (open, _, _) = try runSuite(Self.suite(free, embedder: "", tests: 8), environment: EmbeddingCosineTests.key, concurrency: 4)
        #expect(open.results.count == 8)
        #expect(Self.embeddingOverlap(free) >= 2, "without a limit, the scorer threads call at once")
    }

    /// The embedder's `rate_limit: {rpm: 1200}` spaces the scorers' calls 50 ms apart (a bucket of
    /// one request), however many scorer threads want it at once.
    @Test func theEmbeddersRateLimitSpacesScorersCalls() throws {
        let server = try FakeProviderServer(api: .openai)
        let (run, _, _) = try runSuite(Self.suite(server, embedder: ", rate_limit: {rpm: 1200}", tests: 6), environment: EmbeddingCosineTests.key,
                                       concurrency: 4)
        #expect(run.results.count == 6 && run.results.allSatisfy { $0.scores.first?.error == nil })
        let starts = server.records().filter { $0.path.hasSuffix("/embeddings") }.map(\.requestStartNs).sorted()
        #expect(starts.count == 6)
        // 1,200 a minute is one every 50 ms: six calls span 250 ms as admitted. The server sees each
        // when it arrives, and a call late in transit shortens the gap after it (seen: 95 ms then
        // 10 ms), so the span is what holds: 200 ms leaves one call 50 ms late. Without the limit the
        // six arrive over about 100 ms (seen: 104), the scorers' own pace.
        let spanMs = Double((starts.last ?? 0) - (starts.first ?? 0)) / 1e6
        #expect(spanMs >= 200, "\(zip(starts.dropFirst(), starts).map { Double($0 - $1) / 1e6 })")
    }

    /// The embedder costs $0.05 a call (50 tokens at $1,000 per million; each call is estimated at
    /// $0.004, its two texts at four bytes a token); under a $0.102 budget two calls are made, the
    /// third would pass it ($0.10 spent + $0.004): its score says so, no further call reaches the
    /// server, and the run stops as budget_stopped having spent exactly the two calls.
    @Test func scorersCallsCountAgainstTheBudgetAndStopTheRunAtIt() throws {
        let server = try FakeProviderServer(api: .openai)
        let prices = try PriceTable.parse("""
            version: 1
            prices:
              - {plugin: openai, model: "fake;dims=24;ttft=100;input_tokens=50", effective: 2024-01-01, input: 1000, output: 0, source: test}
            """, path: "prices.yaml")
        let (run, _, _) = try runSuite(Self.suite(server, embedder: "", tests: 4), environment: EmbeddingCosineTests.key,
                                       settings: RunSettings(concurrency: 1, budgetUSD: 0.102), prices: prices)
        let scores = run.results.compactMap { $0.scores.first }
        #expect(scores.count(where: { $0.value != nil }) == 2)
        #expect(scores.filter { $0.value == nil }.allSatisfy { $0.error?.contains("not sent: the budget of $0.10 would be passed: $0.10 spent") == true }, "\(scores.map(\.error))")
        #expect(server.records().filter { $0.path.hasSuffix("/embeddings") }.count == 2)
        #expect(run.run.status == .budgetStopped)
        #expect(abs(run.counts.spentUSD - 0.10) < 1e-12)
    }
}
