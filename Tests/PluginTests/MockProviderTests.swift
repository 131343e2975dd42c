import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchTestSupport
import Testing

/// A finished run as the tests look at it: the runner's outcome and the results read back from
/// the store, in plan order (the runner keeps none).
struct TestRunOutcome {
    var outcome: Runner.Outcome
    var results: [BenchResult]
    var run: RunInfo { outcome.run }
    var cancelled: Bool { outcome.cancelled }
    var counts: RunCounts { outcome.counts }
}

/// Runs a suite built in memory against the built plugins, storing into a temporary SQLite file.
func runSuite(_ yaml: String, extraPluginDirs: [String] = [], environment: [String: String] = [:], concurrency: Int = 4,
              settings: RunSettings? = nil, prices: PriceTable = PriceTable(), context: RunContext = RunContext(),
              store: SQLiteResultStore? = nil) throws -> (TestRunOutcome, SQLiteResultStore, TemporaryDirectory)
{
    let suite = try SuiteParser().parse(yaml, path: "inline.yaml")
    let prepared = try RunPreparation(catalog: builtInCatalog(extra: extraPluginDirs), prices: prices, environment: environment).prepare(suite)
    let dir = TemporaryDirectory()
    let store = try store ?? SQLiteResultStore(path: dir.file("results.sqlite"))
    let settings = settings ?? RunSettings(concurrency: concurrency)
    let runPlan = prepared.runPlan(settings: settings)
    let info = RunInfo(id: RunID.make(), suite: suite.name, suiteDigest: suite.digest, startedAt: WallClock.nowUnix(), prices: prepared.prices,
                       concurrency: settings.concurrency, status: .running, plan: runPlan)
    let outcome = try Runner(prepared: prepared, settings: settings, context: context).run(prepared.plan(for: runPlan), store: store, info: info)
    return (TestRunOutcome(outcome: outcome, results: try store.results(runID: info.id)), store, dir)
}

struct MockProviderTests {
    static func suite(options: String, repeatCount: Int = 1, scorer: String = "exact_match") -> String {
        """
        version: 1
        name: mock-test
        providers:
          - {id: p, plugin: mock, model: m, options: \(options)}
        defaults:
          repeat: \(repeatCount)
          scorers: [{scorer: \(scorer), threshold: 1}]
        tests:
          - {name: capital, category: factual, prompt: "Capital of France?", expected: Paris}
          - {name: sum, category: math, prompt: "2+2?", expected: "4"}
        """
    }

    @Test func answersTheExpectedValueAndEveryAnswerPasses() throws {
        let (outcome, _, _) = try runSuite(Self.suite(options: "{mode: expected}"))
        #expect(outcome.results.map(\.output) == ["Paris", "4"])
        #expect(outcome.results.allSatisfy { $0.passed && $0.simulated && $0.status == .ok })
        #expect(outcome.results.allSatisfy { $0.finishReason == "stop" && $0.usage != nil })
    }

    @Test func echoModeRepeatsThePrompt() throws {
        let (outcome, _, _) = try runSuite(Self.suite(options: "{mode: echo}"))
        #expect(outcome.results.map(\.output) == ["Capital of France?", "2+2?"])
        #expect(outcome.results.allSatisfy { !$0.passed })
    }

    @Test func scriptedAnswersReplaceTheExpectedOnes() throws {
        let (outcome, _, _) = try runSuite(Self.suite(options: "{mode: scripted, answers: {capital: Lyon}}"))
        #expect(outcome.results.map(\.output) == ["Lyon", "4"])
        #expect(outcome.results.map(\.passed) == [false, true])
    }

    @Test func seededWrongAnswersAndErrorsAreRepeatableAndNearTheirRates() throws {
        let options = "{wrong_rate: 0.3, error_rate: 0.2, error_kind: rate_limited, seed: 7}"
        let (first, _, _) = try runSuite(Self.suite(options: options, repeatCount: 250))
        let (second, _, _) = try runSuite(Self.suite(options: options, repeatCount: 250), concurrency: 8)
        #expect(first.results.map(\.output) == second.results.map(\.output))
        #expect(first.results.map(\.status) == second.results.map(\.status))
        let n = Double(first.results.count)
        let errors = first.results.filter { $0.status == .error }
        // 500 draws: a binomial count stays within ±5 standard deviations of its mean.
        #expect(abs(Double(errors.count) / n - 0.2) < 5 * (0.2 * 0.8 / n).squareRoot())
        let answered = first.results.filter { $0.status == .ok }
        let wrong = Double(answered.filter { !$0.passed }.count) / Double(answered.count)
        #expect(abs(wrong - 0.3) < 5 * (0.3 * 0.7 / Double(answered.count)).squareRoot())
        #expect(errors.allSatisfy { $0.error?.kind == .rateLimited && $0.error?.httpStatus == 429 && $0.latencyMs == nil })
        let (other, _, _) = try runSuite(Self.suite(options: "{wrong_rate: 0.3, error_rate: 0.2, seed: 8}", repeatCount: 250))
        #expect(other.results.map(\.status) != first.results.map(\.status))
    }

    @Test func simulatedTimingShowsInTheMeasuredTimes() throws {
        let (outcome, _, _) = try runSuite(Self.suite(options: "{ttft_ms: 30, tokens_per_second: 100, reasoning: 'let me think'}"))
        for result in outcome.results {
            let ttft = try #require(result.ttftMs), ttfot = try #require(result.ttfotMs), latency = try #require(result.latencyMs)
            #expect(ttft >= 30)
            #expect(ttfot >= ttft)
            #expect(latency >= ttfot)
            #expect(result.reasoning == "let me think")
            #expect(result.usage?.reasoningTokens == 3)
        }
    }

    @Test func maxTokensCutsTheAnswerAndSaysSo() throws {
        let yaml = Self.suite(options: "{mode: echo, max_tokens: 2}")
        let (outcome, _, _) = try runSuite(yaml)
        #expect(outcome.results[0].output == "Capital of")
        #expect(outcome.results[0].finishReason == "length")
        #expect(outcome.results[0].usage?.outputTokens == 2)
    }

    @Test func unknownOptionsAreRefusedBeforeAnyRequestWithTheProvidersPlace() throws {
        let suite = try SuiteParser().parse(Self.suite(options: "{mode: expected, wrong_rat: 0.1}"), path: "inline.yaml")
        do {
            _ = try RunPreparation(catalog: builtInCatalog(), prices: PriceTable()).prepare(suite)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.errors.count == 1)
            #expect(error.errors[0].location == SourceLocation(file: "inline.yaml", line: 4, column: 5))
            #expect(error.errors[0].message.contains("unknown option 'wrong_rat'"))
        }
    }
}

struct CPluginRunTests {
    @Test func aPluginWrittenInCIsCompiledLoadedAndRunInASuite() throws {
        let dir = TemporaryDirectory()
        let folder = dir.subdirectory("plugins/c-echo")
        try CCompiler.sharedLibrary(sources: [TestPaths.repo("Plugins/Examples/c-echo/c_echo.c")], output: "\(folder)/libc_echo.so")
        try FileManager.default.copyItem(atPath: TestPaths.repo("Plugins/Examples/c-echo/plugin.json"), toPath: "\(folder)/plugin.json")
        let yaml = """
            version: 1
            name: c-plugin
            providers:
              - {id: echo, plugin: c-echo, model: none, options: {prefix: "Echo: "}}
            tests:
              - name: hello
                prompt: "say \\"hello\\" there"
                expected: 'Echo: say "hello" there'
                scorers: [{scorer: exact_match, options: {mode: exact}}]
            """
        let (outcome, store, _) = try runSuite(yaml, extraPluginDirs: [dir.file("plugins")])
        let result = try #require(outcome.results.first)
        #expect(result.output == #"Echo: say "hello" there"#)
        #expect(result.passed)
        #expect(result.usage?.outputTokens == 3)
        #expect(!result.simulated)
        #expect(try store.results(runID: outcome.run.id) == outcome.results)
    }
}
