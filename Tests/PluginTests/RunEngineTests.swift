import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchFakeServers
import LLMBenchTestSupport
import Synchronization
import Testing

/// Collects what a run tells its observers.
final class RecordingObserver: RunObserver, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var results: [BenchResult] = []
    private(set) var attempts = 0
    private(set) var alerts: [BudgetAlert] = []
    private(set) var waits: [(String, Double)] = []
    private(set) var started: PlanSummary?
    private(set) var ended: RunCounts?
    var onResult: (@Sendable (BenchResult) -> Void)?

    func runStarted(_ run: RunInfo, plan: PlanSummary) { lock.withLock { started = plan } }
    func attemptEnded(_ key: ItemKey, attempt: AttemptRecord, willRetry: Bool) { lock.withLock { attempts += 1 } }
    func rateLimitWait(provider: String, waitedMs: Double) { lock.withLock { waits.append((provider, waitedMs)) } }
    func budgetAlert(_ alert: BudgetAlert) { lock.withLock { alerts.append(alert) } }
    func runEnded(_ run: RunInfo, counts: RunCounts) { lock.withLock { ended = counts } }
    func resultReady(_ result: BenchResult) {
        lock.withLock { results.append(result) }
        onResult?(result)
    }
}

/// The staged run engine: admission (rate limits, back-off, budget), cache, warm-ups, resume,
/// observers and per-run cancellation, against the Mock and loopback fakes of the real APIs.
struct RunEngineTests {
    static func serverSuite(_ server: FakeProviderServer, providers: [(id: String, model: String, extra: String)], tests: Int,
                            prompt: String = "question") -> String
    {
        var yaml = "version: 1\nname: engine\nproviders:\n"
        for p in providers {
            yaml += "  - {id: \(p.id), plugin: openai, model: \"\(p.model)\", base_url: \"\(server.baseURL)\", api_key_env: FAKE_PROVIDER_KEY\(p.extra)}\n"
        }
        yaml += "tests:\n"
        for i in 0..<tests { yaml += "  - {name: t\(i), prompt: \"\(prompt) \(i)\"}\n" }
        return yaml
    }

    static let key = ["FAKE_PROVIDER_KEY": "fake-key-123"]

    @Test func aProviderWaitingOutA429HoldsNoWorkerAndTheOthersKeepGoing() throws {
        let server = try FakeProviderServer(api: .openai)
        // One worker for the whole run: under the old runner, B's requests queued behind A's back-off.
        let yaml = Self.serverSuite(server, providers: [("a", "fake;fault=429;retry_after=1;fail_times=1", ""), ("b", "fake", "")], tests: 4)
        let (run, _, _) = try runSuite(yaml, environment: Self.key, concurrency: 1)
        #expect(run.results.allSatisfy { $0.status == .ok }, "A's 429s were waited out")
        let records = server.records()
        let aRetries = records.filter { $0.model?.hasPrefix("fake;fault") == true && $0.status == 200 }.map(\.requestStartNs)
        let bStarts = records.filter { $0.model == "fake" }.map(\.requestStartNs)
        #expect(bStarts.count == 4)
        #expect(try bStarts.max()! < #require(aRetries.min()), "every request of B went while A waited its second")
        #expect(run.results.filter { $0.provider == "a" }.allSatisfy { $0.attempts == 2 && $0.waitMs >= 900 })
        #expect(run.results.filter { $0.provider == "a" }.allSatisfy { ($0.latencyMs ?? 1e9) < 500 }, "the wait is not in the latency")
    }

    @Test func aRequestsPerMinuteLimitKeepsUnderTheServersWindowAndNothingFails() throws {
        let server = try FakeProviderServer(api: .openai)
        // The server lets 4 requests a 500 ms window through (480 a minute); the suite asks for 420.
        let yaml = Self.serverSuite(server, providers: [("p", "fake;limit=4;window_ms=500", ", rate_limit: {rpm: 420}")], tests: 14)
        let observer = RecordingObserver()
        let (run, _, _) = try runSuite(yaml, environment: Self.key, concurrency: 4, context: RunContext(observers: [observer]))
        #expect(run.results.count == 14)
        #expect(run.results.allSatisfy { $0.status == .ok })
        let refused = server.records().filter { $0.status == 429 }.count
        #expect(refused <= 2, "pacing kept nearly every request inside the window (\(refused) refused)")
        let starts = server.records().filter { $0.status == 200 }.map(\.requestStartNs).sorted()
        let spanS = Double(starts.last! - starts.first!) / 1e9
        #expect(spanS >= 13.0 / 7.0 * 0.9, "14 requests at 7 a second take at least ~1.9 s, took \(spanS) s")
        #expect(run.counts.rateLimitWaits["p"].map { $0.count > 0 && $0.totalMs > 0 } == true, "waits are counted per provider")
        #expect(!observer.waits.isEmpty)
        #expect(run.run.notices.contains { $0.hasPrefix("rate limit: ") && $0.contains("'p'") })
    }

    @Test func withoutALimitIn429sTheProviderBacksOffAndEveryRequestStillSucceeds() throws {
        let server = try FakeProviderServer(api: .openai)
        let yaml = Self.serverSuite(server, providers: [("p", "fake;limit=3;window_ms=400", "")], tests: 10)
        let (run, _, _) = try runSuite(yaml, environment: Self.key, concurrency: 4)
        #expect(run.results.count == 10)
        #expect(run.results.allSatisfy { $0.status == .ok }, "\(run.results.compactMap(\.error?.message))")
        #expect(server.records().contains { $0.status == 429 }, "the limit was met")
        #expect(run.results.contains { $0.attempts > 1 })
    }

    static let pricedMock = try! PriceTable.parse("""
        version: 1
        prices:
          - {plugin: mock, model: m, effective: 2024-01-01, input: 0, output: 10, source: test}
        """, path: "prices.yaml")

    static func mockSuite(tests: Int, provider: String = "{id: p, plugin: mock, model: m, options: {output_tokens: 100, max_tokens: 100}}") -> String {
        var yaml = "version: 1\nname: budget\nproviders:\n  - \(provider)\ntests:\n"
        for i in 0..<tests { yaml += "  - {name: t\(i), category: c\(i % 3), prompt: \"q\(i)\", expected: x}\n" }
        return yaml
    }

    @Test func theBudgetStopsTheRunBeforeTheRequestThatWouldPassItWithTheExactSpend() throws {
        // Each request: 100 output tokens at $10 per million = $0.001, estimated exactly (max_tokens 100).
        let observer = RecordingObserver()
        let settings = RunSettings(concurrency: 4, budgetUSD: 0.0035)
        let (run, store, _) = try runSuite(Self.mockSuite(tests: 10), settings: settings, prices: Self.pricedMock,
                                           context: RunContext(observers: [observer]))
        #expect(run.results.count == 3)
        #expect(abs(run.counts.spentUSD - 0.003) < 1e-12)
        #expect(run.counts.notStarted == 7)
        #expect(run.run.status == .budgetStopped)
        #expect(run.run.statusReason?.contains("7 requests not started") == true)
        #expect(observer.alerts.map(\.fraction) == [0.5, 0.8], "alerts at 50 % and 80 %; 100 % was never reached")
        #expect(run.run.notices.filter { $0.hasPrefix("budget alert") }.count == 2, "alerts are recorded with the run")
        #expect(try store.run(id: run.run.id)?.status == .budgetStopped)

        // Resumed with a larger budget, the run finishes: every item once, nothing sent twice.
        let resumed = try Self.resume(run.run.id, yaml: Self.mockSuite(tests: 10), store: store, budget: 0.02)
        #expect(resumed.run.status == .complete)
        let all = try store.results(runID: run.run.id)
        #expect(all.count == 10)
        #expect(Set(all.map(\.test)).count == 10)
        #expect(abs(resumed.counts.spentUSD - 0.010) < 1e-12, "spend carries over the resume")
    }

    /// Continues a stored run in this process, as `llmbench run --resume` does.
    static func resume(_ id: String, yaml: String, store: SQLiteResultStore, budget: Double? = nil) throws -> Runner.Outcome {
        let suite = try SuiteParser().parse(yaml, path: "inline.yaml")
        var info = try #require(try store.run(id: id))
        let prepared = try RunPreparation(catalog: builtInCatalog(), prices: pricedMock, environment: key,
                                          selectedProviders: info.plan!.providers).prepare(suite)
        var settings = info.plan!.settings!
        if let budget { settings.budgetUSD = budget }
        info.plan!.settings = settings
        let plan = prepared.plan(for: info.plan!, done: try store.completedItemKeys(runID: id),
                                 firstWarmupSequence: (try store.lastSequence(runID: id) ?? -1) + 1)
        return try Runner(prepared: prepared, settings: settings).run(plan, store: store, info: info, resuming: true)
    }

    @Test func aProviderBudgetStopsThatProviderOnly() throws {
        let yaml = """
            version: 1
            name: two
            providers:
              - {id: capped, plugin: mock, model: m, budget_usd: 0.0025, options: {output_tokens: 100, max_tokens: 100}}
              - {id: free, plugin: mock, model: m, options: {output_tokens: 100, max_tokens: 100}}
            tests:
            \((0..<5).map { "  - {name: t\($0), prompt: q\($0)}" }.joined(separator: "\n"))
            """
        let (run, _, _) = try runSuite(yaml, concurrency: 1, prices: Self.pricedMock)
        #expect(run.results.filter { $0.provider == "capped" }.count == 2)
        #expect(run.results.filter { $0.provider == "free" }.count == 5)
        #expect(run.run.status == .budgetStopped)
        #expect(run.run.statusReason?.contains("provider 'capped' budget") == true)
    }

    @Test func theCacheAnswersIdenticalRequestsFromTheStoreAndOnlyThose() throws {
        let server = try FakeProviderServer(api: .openai)
        let yaml = Self.serverSuite(server, providers: [("p", "fake;serial=1", "")], tests: 3) + "repeat: 2\n"
        let (first, store, dir) = try runSuite(yaml, environment: Self.key)
        #expect(server.records().count == 6)
        // The same suite with one prompt changed, from the same store, with the cache on.
        let changed = yaml.replacingOccurrences(of: "question 2", with: "question two")
        let observer = RecordingObserver()
        let (second, _, _) = try runSuite(changed, environment: Self.key, settings: RunSettings(concurrency: 2, cache: true),
                                          context: RunContext(observers: [observer]), store: store)
        _ = dir
        #expect(server.records().count == 8, "only the changed test's two repeats were sent")
        let cached = second.results.filter(\.cached)
        #expect(cached.count == 4)
        #expect(cached.allSatisfy { $0.costUSD == 0 && $0.status == .ok })
        #expect(second.counts.cached == 4 && observer.started?.cached == 4)
        // Repeats of one request take distinct stored answers, never the same one twice.
        for test in ["t0", "t1"] {
            let answers = cached.filter { $0.test == test }.map(\.output)
            #expect(Set(answers).count == 2)
            #expect(Set(answers) == Set(first.results.filter { $0.test == test }.map(\.output)))
        }
        #expect(!second.results.contains { $0.test == "t2" && $0.cached })
        // Answers older than the TTL are not used.
        let (third, _, _) = try runSuite(yaml, environment: Self.key, settings: RunSettings(cache: true, cacheTTLSeconds: 0), store: store)
        #expect(third.results.allSatisfy { !$0.cached })
    }

    @Test func warmupsGoFirstAreStoredAndStayOutOfTheCounts() throws {
        let server = try FakeProviderServer(api: .openai)
        let yaml = Self.serverSuite(server, providers: [("p", "fake", ", warmup: 2")], tests: 3)
        let (run, store, _) = try runSuite(yaml, environment: Self.key, concurrency: 3)
        #expect(run.counts.results == 3 && run.counts.warmups == 2)
        let warm = run.results.filter(\.warmup)
        #expect(warm.count == 2)
        let measured = run.results.filter { !$0.warmup }
        #expect(measured.count == 3)
        #expect(warm.map(\.startedAt).max()! <= measured.map(\.startedAt).min()!, "warm-ups before the measured requests")
        #expect(Set(measured.map(\.test)) == ["t0", "t1", "t2"])
        var reported: [BenchResult] = []
        try store.forEachResult(runID: run.run.id, matching: .all) { reported.append($0) }
        #expect(reported.count == 3 && !reported.contains(where: \.warmup), "reports leave warm-ups out")
        #expect(try store.runs(limit: 1).first?.done == 3)
    }

    @Test func twoRunsInOneProcessAreCancelledIndependently() throws {
        let server = try FakeProviderServer(api: .openai)
        let yamlA = Self.serverSuite(server, providers: [("a", "fake;ttft=30", "")], tests: 12, prompt: "run a")
        let yamlB = Self.serverSuite(server, providers: [("b", "fake;ttft=30", "")], tests: 12, prompt: "run b")
        let observerA = RecordingObserver()
        let contextA = RunContext(observers: [observerA])
        observerA.onResult = { [weak contextA] _ in contextA?.cancel() }
        let both = Mutex<[TestRunOutcome]>([])
        let group = DispatchGroup()
        for (yaml, context) in [(yamlA, contextA), (yamlB, RunContext())] {
            group.enter()
            Thread {
                defer { group.leave() }
                if let (run, _, _) = try? runSuite(yaml, environment: Self.key, concurrency: 2, context: context) {
                    both.withLock { $0.append(run) }
                }
            }.start()
        }
        group.wait()
        let runs = both.withLock { $0 }
        #expect(runs.count == 2)
        let a = try #require(runs.first { $0.run.plan?.providers == ["a"] })
        let b = try #require(runs.first { $0.run.plan?.providers == ["b"] })
        #expect(b.run.status == .complete && b.results.count == 12 && b.results.allSatisfy { $0.status == .ok })
        #expect(!b.cancelled)
        #expect(a.cancelled && a.run.status == .interrupted)
        #expect(a.results.count < 12)
    }

    @Test func observersSeeEveryAttemptAndEveryResult() throws {
        let server = try FakeProviderServer(api: .openai)
        let yaml = Self.serverSuite(server, providers: [("p", "fake;fault=500;fail_times=1", ", retry: {base_delay_ms: 1}")], tests: 3)
        let observer = RecordingObserver()
        let (run, _, _) = try runSuite(yaml, environment: Self.key, context: RunContext(observers: [observer]))
        #expect(observer.results.count == 3)
        #expect(observer.attempts == run.results.reduce(0) { $0 + $1.attempts })
        #expect(observer.attempts == 6, "each test failed once, then succeeded")
        #expect(observer.ended?.results == 3 && observer.started?.planned == 3)
    }
}

/// Plugin log lines and `is_cancelled(context, NULL)` reach the run the call was made for.
struct RunContextIsolationTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func add(_ line: String) { lock.withLock { stored.append(line) } }
        var all: [String] { lock.withLock { stored } }
    }

    @Test func twoRunsInOneProcessEachReceiveOnlyTheirOwnPluginLogLines() throws {
        let dir = TemporaryDirectory()
        _ = try buildFixture("logging", in: dir.path, flags: ["-DLOG_IN_SCORE"])
        func suite(_ prefix: String) -> String {
            var yaml = "version: 1\nname: \(prefix)\nproviders:\n  - {id: p, plugin: mock, model: m, options: {ttft_ms: 2}}\ntests:\n"
            for i in 0..<20 { yaml += "  - {name: \(prefix)-\(i), prompt: q, expected: x, scorers: [fixture]}\n" }
            return yaml
        }
        let linesA = Lines(), linesB = Lines()
        let contextA = RunContext(logSink: { linesA.add($0.message) })
        let contextB = RunContext(logSink: { linesB.add($0.message) })
        let group = DispatchGroup()
        for (yaml, context) in [(suite("alpha"), contextA), (suite("beta"), contextB)] {
            group.enter()
            Thread {
                defer { group.leave() }
                _ = try? runSuite(yaml, extraPluginDirs: [dir.path], concurrency: 3, context: context)
            }.start()
        }
        group.wait()
        #expect(linesA.all.count == 20 && linesB.all.count == 20)
        #expect(linesA.all.allSatisfy { $0.contains("\"test\":\"alpha-") && $0.hasPrefix("cancelled=0") })
        #expect(linesB.all.allSatisfy { $0.contains("\"test\":\"beta-") })
        // The score request carries what a grader needs: the request's messages, provider, model, repeat.
        let text = try #require(linesA.all.first?.split(separator: "request=", maxSplits: 1).last)
        var writer = JSONWriter()
        let request = try JSONValue.parse(String(text))
        writer.write(request)
        #expect(writer.text == String(text), "keys in sorted order, as every JSON the engine writes")
        #expect(request["messages"] == .array([.object(["role": "user", "content": "q"])]))
        #expect(request["provider"] == "p" && request["model"] == "m" && request["repeat"] == 0)
        #expect(request["expected"] == ["x"] && request["output"]?.stringValue != nil)
        #expect(request["category"] == "general" && request["test"]?.stringValue?.hasPrefix("alpha-") == true)
    }

    @Test func aCancelledRunIsSeenCancelledByItsPluginsAndOnlyByThem() throws {
        let dir = TemporaryDirectory()
        _ = try buildFixture("logging", in: dir.path, flags: ["-DLOG_IN_SCORE"])
        let lines = Lines()
        let context = RunContext(logSink: { lines.add($0.message) })
        context.cancel()
        // Scoring a stored answer needs no request, so a cancelled run still reaches the scorer.
        let suite = try SuiteParser().parse("""
            version: 1
            name: c
            providers: [{id: p, plugin: mock, model: m}]
            tests: [{name: t, prompt: q, expected: x, scorers: [fixture]}]
            """, path: "inline.yaml")
        let prepared = try RunPreparation(catalog: builtInCatalog(extra: [dir.path]), prices: PriceTable()).prepare(suite)
        let scorer = try #require(prepared.scorerInstances.first)
        _ = ScorerCall.evaluate(scorer, spec: ScorerSpec(scorer: "fixture"), output: "x", expected: ["x"], testName: "t", run: context)
        _ = ScorerCall.evaluate(scorer, spec: ScorerSpec(scorer: "fixture"), output: "x", expected: ["x"], testName: "t", run: RunContext(logSink: { lines.add($0.message) }))
        #expect(lines.all.map { $0.prefix(11) } == ["cancelled=1", "cancelled=0"])
    }
}

struct ProviderConcurrencyTests {
    /// The most requests of `model` the server was answering at once.
    static func peakOverlap(_ records: [RequestRecord], model: String) -> Int {
        var events: [(UInt64, Int)] = []
        for r in records where r.model == model { events += [(r.requestStartNs, 1), (r.lastByteNs ?? r.requestStartNs, -1)] }
        var current = 0, peak = 0
        for (_, delta) in events.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
            current += delta
            peak = max(peak, current)
        }
        return peak
    }

    @Test func aProviderLimitHoldsWhileTheOthersUseTheRestOfTheWorkers() throws {
        let server = try FakeProviderServer(api: .openai)
        let yaml = RunEngineTests.serverSuite(server, providers: [("one", "fake;ttft=20", ", concurrency: 1"), ("many", "fake;ttft=21", "")], tests: 12)
        let (run, _, _) = try runSuite(yaml, environment: RunEngineTests.key, concurrency: 4)
        #expect(run.results.allSatisfy { $0.status == .ok })
        #expect(Self.peakOverlap(server.records(), model: "fake;ttft=20") == 1)
        #expect(Self.peakOverlap(server.records(), model: "fake;ttft=21") >= 2, "the other provider used the free workers")
    }

    @Test func theCommandLinesProviderConcurrencyWinsOverTheSuites() throws {
        let server = try FakeProviderServer(api: .openai)
        let yaml = RunEngineTests.serverSuite(server, providers: [("p", "fake;ttft=20", ", concurrency: 4")], tests: 8)
        let (run, _, _) = try runSuite(yaml, environment: RunEngineTests.key, settings: RunSettings(concurrency: 4, providerConcurrency: ["p": 2]))
        #expect(run.results.count == 8)
        #expect(Self.peakOverlap(server.records(), model: "fake;ttft=20") == 2)
    }
}

/// Corpus figures (ABI 1.2 `aggregate`) computed when a run ends, stored with it, and in its summaries.
struct CorpusFigureTests {
    @Test func aRunsCorpusBLEUIsSacreBLEUsCorpusScoreOfItsAnswers() throws {
        // A corpus from the sacreBLEU fixtures: each segment becomes a test whose scripted answer
        // is the hypothesis and whose expected value is the reference.
        let fixtures = try JSONValue.parse(try String(contentsOfFile: TestPaths.repo("Tests/Fixtures/bleu/cases.json"), encoding: .utf8))
        let corpus = try #require(fixtures["corpus"]?.arrayValue?.first { $0["options"] == .object([:]) && ($0["segments"]?.arrayValue?.count ?? 0) > 20 })
        let segments = try #require(corpus["segments"]?.arrayValue)
        var answers: [String: JSONValue] = [:]
        var tests: [String] = []
        for (i, segment) in segments.enumerated() {
            answers["s\(i)"] = segment["hypothesis"]
            let references = JSONValue.array(segment["references"]?.arrayValue ?? [])
            tests.append("  - {name: s\(i), category: \(i % 2 == 0 ? "even" : "odd"), prompt: p, expected: \(references.jsonText)}")
        }
        let yaml = """
            version: 1
            name: corpus
            providers:
              - {id: p, plugin: mock, model: m, options: {mode: scripted, answers: \(JSONValue.object(answers).jsonText)}}
            defaults:
              scorers: [bleu]
            tests:
            \(tests.joined(separator: "\n"))
            """
        let (run, store, _) = try runSuite(yaml, concurrency: 3)
        #expect(run.results.count == segments.count)
        let overall = try #require(run.run.corpus.first { $0.category == nil && $0.scorer == "bleu" })
        let expected = try #require(corpus["score"]?.doubleValue) / 100
        #expect(abs(try #require(overall.value) - expected) < 1e-9, "corpus BLEU, not the mean of sentence BLEU")
        #expect(overall.n == segments.count)
        let sentenceMean = run.results.compactMap(\.quality).reduce(0, +) / Double(run.results.count)
        #expect(abs(sentenceMean - expected) > 1e-3, "the fixture tells the two apart")
        #expect(run.run.corpus.filter { $0.category != nil }.count == 2, "one per category too")
        // Stored with the run, and in the summaries every report shows.
        let stored = try #require(try store.run(id: run.run.id))
        #expect(stored.corpus == run.run.corpus)
        let summary = RunReport(run: stored, results: run.results).summary
        #expect(summary.first { $0.category == nil }?.corpus["bleu"] == overall.value)
    }

    @Test func aRunWithoutAggregatingScorersStoresNoCorpus() throws {
        let (run, store, _) = try runSuite(MockProviderTests.suite(options: "{}"))
        #expect(run.run.corpus.isEmpty)
        #expect(try store.run(id: run.run.id)?.corpus.isEmpty == true)
    }
}

/// Scorers that may block run off the request workers, under a deadline.
struct SlowScorerTests {
    static func suite(_ server: FakeProviderServer, tests: Int, scorer: String) -> String {
        var yaml = RunEngineTests.serverSuite(server, providers: [("p", "fake", "")], tests: 0)
        yaml = yaml.replacingOccurrences(of: "tests:\n", with: "defaults:\n  scorers: [\(scorer)]\ntests:\n")
        for i in 0..<tests { yaml += "  - {name: t\(i), prompt: \"question \(i)\", expected: Paris}\n" }
        return yaml
    }

    @Test func aSlowScorerHoldsNoRequestWorker() throws {
        let server = try FakeProviderServer(api: .openai)
        let dir = TemporaryDirectory()
        let release = dir.file("release")
        _ = try buildFixture("slow", in: dir.path, flags: ["-DBLOCK_UNTIL_FILE=\"\(release)\""])
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<TestRunOutcome?>(nil)
        // One worker: were scoring on it, the second request could not start before the first score ends.
        Thread {
            let run = try? runSuite(Self.suite(server, tests: 5, scorer: "fixture"), extraPluginDirs: [dir.path], environment: RunEngineTests.key,
                                    concurrency: 1)
            outcome.withLock { $0 = run?.0 }
            finished.signal()
        }.start()
        let deadline = Date().addingTimeInterval(30)
        while server.records().count(where: { $0.lastByteNs != nil }) < 5 && Date() < deadline { usleep(1000) }
        #expect(server.records().count == 5, "every request was answered while the first answer's score was still blocked")
        FileManager.default.createFile(atPath: release, contents: Data())
        finished.wait()
        let run = try #require(outcome.withLock { $0 })
        #expect(run.results.count == 5)
        #expect(run.results.allSatisfy { $0.scores.first?.value == 0.5 }, "every answer was scored once released")
    }

    @Test func aScorerPastItsDeadlineIsRecordedAsFailedAndTheRunGoesOn() throws {
        let server = try FakeProviderServer(api: .openai)
        let dir = TemporaryDirectory()
        let release = dir.file("release")
        _ = try buildFixture("slow", in: dir.path, flags: ["-DBLOCK_UNTIL_FILE=\"\(release)\""])
        defer { FileManager.default.createFile(atPath: release, contents: Data()) } // lets the abandoned calls end
        let (run, _, _) = try runSuite(Self.suite(server, tests: 3, scorer: "{scorer: fixture, timeout_ms: 50}"), extraPluginDirs: [dir.path],
                                       environment: RunEngineTests.key, concurrency: 3)
        #expect(run.results.count == 3)
        for result in run.results {
            #expect(result.status == .ok && !result.passed && result.quality == 0)
            #expect(result.scores.first?.error?.contains("passed its 50 ms deadline") == true)
        }
    }
}

/// Goodput: the share of results that passed and met the suite's latency objectives, kept with
/// the run's plan so that a later report gives the same figure.
struct GoodputTests {
    @Test func goodputCountsOnlyPassingAnswersWithinTheObjectives() throws {
        let tests = (0..<8).map { "  - {name: t\($0), prompt: q\($0), expected: a\($0)}" }.joined(separator: "\n")
        let yaml = """
            version: 1
            name: goodput
            slo: {ttft_ms: 30}
            providers:
              - {id: fast, plugin: mock, model: m, options: {mode: expected, ttft_ms: 1, wrong_rate: 0.5, seed: 3}}
              - {id: slow, plugin: mock, model: m, options: {mode: expected, ttft_ms: 60}}
            defaults:
              scorers: [exact_match]
            tests:
            \(tests)
            """
        let (run, store, _) = try runSuite(yaml)
        #expect(run.run.plan?.slo == ServiceLevelObjective(ttftMs: 30))
        let report = RunReport(run: run.run, results: try store.results(runID: run.run.id))
        let fast = try #require(report.summary.first { $0.provider == "fast" && $0.category == nil })
        let slow = try #require(report.summary.first { $0.provider == "slow" && $0.category == nil })
        #expect(fast.passed > 0 && fast.passed < 8, "the seeded wrong answers")
        #expect(fast.goodput == Double(fast.passed) / 8, "every fast answer is within 30 ms: goodput is the pass rate")
        #expect(slow.passed == 8 && slow.goodput == 0, "every slow answer passed, none within 30 ms")
        #expect(fast.json["goodput"]?.doubleValue == fast.goodput)
        // Read back from the store, the plan keeps the objectives.
        let stored = try #require(try store.run(id: run.run.id))
        #expect(stored.plan?.slo == ServiceLevelObjective(ttftMs: 30))
    }
}
