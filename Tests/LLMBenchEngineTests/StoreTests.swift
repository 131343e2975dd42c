import CSQLite
import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Synchronization
import Testing

@testable import LLMBenchEngine

struct StoreTests {
    static func sampleRun(id: String = "run-1") -> RunInfo {
        RunInfo(id: id, suite: "s", suiteDigest: "abc", startedAt: 1_700_000_000,
                prices: PriceSnapshot(date: "2026-11-29", entries: [PriceEntry(plugin: "mock", model: "m", effective: "2024-01-01", inputPerMTok: 1, outputPerMTok: 2, source: "x")]),
                concurrency: 3, notices: ["a notice"])
    }

    static func sampleResult(_ test: String, status: ResultStatus = .ok) -> BenchResult {
        BenchResult(test: test, category: "c", provider: "p", plugin: "mock", model: "m", repeatIndex: 2, status: status,
                    error: status == .error ? RequestError(kind: .rateLimited, message: "slow down", httpStatus: 429, retryAfterMs: 1500) : nil,
                    latencyMs: status == .ok ? 12.5 : nil, ttftMs: status == .ok ? 3.25 : nil, ttfotMs: nil,
                    usage: Usage(inputTokens: 10, outputTokens: 4, cachedInputTokens: 2, reasoningTokens: 1),
                    costUSD: 0.000018, quality: 0.75, passed: false,
                    scores: [ScoreOutcome(scorer: "exact_match", value: 0.75, passed: false, threshold: 1, explanation: "close",
                                          details: ["mode": "normalized"])],
                    output: "out \"quoted\"\nline", reasoning: "think", truncated: status == .error, finishReason: "stop", attempts: 1,
                    simulated: true, startedAt: 1_700_000_001.5)
    }

    @Test func aNewStoreIsMigratedToTheCurrentSchema() throws {
        let dir = TemporaryDirectory()
        _ = try SQLiteResultStore(path: dir.file("s.sqlite"))
        let db = try SQLiteDatabase(path: dir.file("s.sqlite"))
        #expect(try db.userVersion() == SQLiteResultStore.schemaVersion)
        // Opening again runs no migration twice.
        _ = try SQLiteResultStore(path: dir.file("s.sqlite"))
        #expect(try SQLiteDatabase(path: dir.file("s.sqlite")).userVersion() == SQLiteResultStore.schemaVersion)
    }

    @Test func refusesAStoreFromANewerLLMBench() throws {
        let dir = TemporaryDirectory()
        let db = try SQLiteDatabase(path: dir.file("s.sqlite"))
        try db.execute("PRAGMA user_version = 99")
        do {
            _ = try SQLiteResultStore(path: dir.file("s.sqlite"))
            Issue.record("expected a refusal")
        } catch {
            #expect(error.message.contains("schema version 99") && error.message.contains("\(SQLiteResultStore.schemaVersion)"))
        }
    }

    @Test func runsResultsAndPricesComeBackAsTheyWentIn() throws {
        let dir = TemporaryDirectory()
        let store = try SQLiteResultStore(path: dir.file("s.sqlite"))
        let run = Self.sampleRun()
        try store.beginRun(run, suitePath: "suite.yaml")
        let results = [Self.sampleResult("a"), Self.sampleResult("b", status: .error)]
        try store.append(runID: run.id, batch: [EncodedResult(sequence: 1, result: results[1]), EncodedResult(sequence: 0, result: results[0])])
        try store.finishRun(id: run.id, finishedAt: 1_700_000_100, notices: run.notices, status: .complete, reason: nil)
        #expect(try store.results(runID: run.id) == results)
        let back = try #require(try store.run(id: run.id))
        #expect(back.prices == run.prices)
        #expect(back.finishedAt == 1_700_000_100)
        #expect(back.notices == ["a notice"])
        #expect(back.concurrency == 3)
        #expect(try store.lastRunID() == run.id)
    }

    @Test func eachAppendIsVisibleToAnotherConnectionAtOnce() throws {
        let dir = TemporaryDirectory()
        let writer = try SQLiteResultStore(path: dir.file("s.sqlite"))
        try writer.beginRun(Self.sampleRun(), suitePath: "x")
        let reader = try SQLiteResultStore(path: dir.file("s.sqlite"))
        for i in 0..<3 {
            try writer.append(runID: "run-1", sequence: i, result: Self.sampleResult("t\(i)"))
            #expect(try reader.results(runID: "run-1").count == i + 1)
        }
    }

    @Test func aDuplicateSequenceRollsBackTheWholeBatch() throws {
        let dir = TemporaryDirectory()
        let store = try SQLiteResultStore(path: dir.file("s.sqlite"))
        try store.beginRun(Self.sampleRun(), suitePath: "x")
        try store.append(runID: "run-1", sequence: 0, result: Self.sampleResult("a"))
        #expect(throws: LLMBenchError.self) {
            try store.append(runID: "run-1", batch: [EncodedResult(sequence: 1, result: Self.sampleResult("b")), EncodedResult(sequence: 0, result: Self.sampleResult("dup"))])
        }
        #expect(try store.results(runID: "run-1").map(\.test) == ["a"])
    }

    /// Two processes starting runs into a new store used to race: both read user_version 0 before
    /// either took the write lock, and the second failed with "table runs already exists".
    @Test func manyConnectionsCreatingOneNewStoreAtOnceAllSucceed() throws {
        let dir = TemporaryDirectory()
        for round in 0..<20 {
            let path = dir.file("race-\(round).sqlite")
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do {
                    let store = try SQLiteResultStore(path: path)
                    _ = try store.lastRunID()
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 }.isEmpty, "round \(round)")
            #expect(try SQLiteDatabase(path: path).userVersion() == SQLiteResultStore.schemaVersion)
        }
    }

    @Test func aSchemaOneStoreIsUpgradedAndItsRunsStillRead() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("old.sqlite")
        let old = try SQLiteDatabase(path: path)
        try old.execute(SQLiteResultStore.migrations[0] + "PRAGMA user_version = 1;")
        try old.execute("""
            INSERT INTO runs (id, suite, suite_digest, started_at, finished_at, concurrency) VALUES ('done', 's', 'd', 1, 2, 1), ('cut', 's', 'd', 3, NULL, 1);
            """)
        // Read as it is (not upgraded): a finished run is complete, an unfinished one reads as killed.
        let reader = try SQLiteResultStore(readingFrom: path)
        #expect(try reader.run(id: "done")?.status == .complete)
        #expect(try reader.run(id: "cut")?.status == .killed)
        #expect(try SQLiteDatabase(path: path).userVersion() == 1, "reading never migrates")
        _ = try SQLiteResultStore(path: path)
        #expect(try SQLiteDatabase(path: path).userVersion() == SQLiteResultStore.schemaVersion)
        #expect(try SQLiteResultStore(readingFrom: path).runs(limit: 5).map(\.run.id) == ["cut", "done"])
    }

    @Test func readingNeverCreatesAStoreOrItsFolder() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("not/yet/s.sqlite")
        #expect(throws: LLMBenchError.self) { try SQLiteResultStore(readingFrom: path) }
        #expect(!FileManager.default.fileExists(atPath: dir.file("not")))
    }

    @Test func aRunRecordsHowItEndedAndADeadProcessReadsAsKilled() throws {
        let dir = TemporaryDirectory()
        let store = try SQLiteResultStore(path: dir.file("s.sqlite"))
        var run = Self.sampleRun()
        run.plan = RunPlan(providers: ["p"], tests: [RunPlan.Test(name: "a", category: "c", repeats: 3)])
        try store.beginRun(run, suitePath: "x")
        #expect(try store.run(id: run.id)?.status == .running, "this process is alive")
        #expect(try store.run(id: run.id)?.plan == run.plan)
        try store.finishRun(id: run.id, finishedAt: 2, notices: [], status: .interrupted, reason: "Ctrl-C")
        let back = try #require(try store.run(id: run.id))
        #expect(back.status == .interrupted && back.statusReason == "Ctrl-C")

        // A run begun by a process that has ended since.
        let db = try SQLiteDatabase(path: dir.file("s.sqlite"))
        try store.beginRun(Self.sampleRun(id: "orphan"), suitePath: "x")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let gone = try #require(ProcessIdentity.identity(pid: getpid())).split(separator: "/").prefix(2).joined(separator: "/")
            + "/\(child.processIdentifier)/1"
        try db.execute("UPDATE runs SET process = '\(gone)' WHERE id = 'orphan'")
        #expect(try store.run(id: "orphan")?.status == .killed)
        // One on another host cannot be checked, and is taken as still running.
        try db.execute("UPDATE runs SET process = 'elsewhere.example/b/1/1' WHERE id = 'orphan'")
        #expect(try store.run(id: "orphan")?.status == .running)
    }
}

struct RunnerTests {
    @Test func plansEveryTestTimesEveryProviderTimesEveryRepeat() throws {
        let suite = Suite(name: "s", providers: [], tests: [
            TestCase(name: "a", messages: [Message(role: "user", content: "x")], repeatCount: 2),
            TestCase(name: "b", messages: [Message(role: "user", content: "y")], repeatCount: 1),
        ])
        let catalog = PluginCatalog()
        catalog.loadAll(from: [TestPaths.buildDir])
        let mock = try #require(catalog.plugin(id: "mock"))
        let providers = try ["p1", "p2", "p3"].map { id in
            PreparedRun.Provider(config: ProviderConfig(id: id, plugin: "mock", model: "m"),
                                 instance: try PluginInstance(plugin: mock, configJSON: "{}"), price: nil)
        }
        let prepared = PreparedRun(suite: suite, providers: providers, scorers: [:], prices: PriceSnapshot(date: "", entries: []),
                                   notices: [], redactor: SecretRedactor(secrets: []))
        let plan = prepared.plan(for: prepared.runPlan(settings: RunSettings())).items
        #expect(plan.count == 9)
        #expect(prepared.plan(for: prepared.runPlan(settings: RunSettings())).planned == 9)
        #expect(Set(plan.map { "\($0.test)-\($0.provider)-\($0.repeatIndex)" }).count == 9)
        #expect(plan.map(\.sequence) == Array(0..<9), "sequence numbers are the items' places in the plan")
        #expect(plan.prefix(3).map(\.provider) == [0, 1, 2], "providers take turns on each test")
    }

    @Test func findsTheCredentialsWrittenIntoAURL() {
        let found = Set(SecretRedactor.secrets(inURL: "https://me:p%40ss@host/v1?api-version=2024-10-21&key=abc123&access_token=t0k&sig=s%2Bg&model=gpt"))
        #expect(found == ["p%40ss", "p@ss", "abc123", "t0k", "s%2Bg", "s+g"])
        #expect(SecretRedactor.secrets(inURL: "http://localhost:11434/v1").isEmpty)
    }

    @Test func redactsSecretsFromText() {
        let redactor = SecretRedactor(secrets: ["sk-live-123456", "ab"])
        #expect(redactor.redact("key sk-live-123456 leaked twice sk-live-123456") == "key [REDACTED] leaked twice [REDACTED]")
        #expect(redactor.redact("ab stays: too short to be a key") == "ab stays: too short to be a key")
    }
}

struct ResultEncodingTests {
    static var retried: BenchResult {
        var r = StoreTests.sampleResult("retried")
        r.http = HTTPInfo(status: 200, version: 20, reusedConnection: true, bytesIn: 1234, bytesOut: 567, chunks: 9)
        r.chunkGapsMs = [0.125, 10.5, 9.998]
        r.attempts = 2
        r.waitMs = 1000.25
        r.attemptLog = [AttemptRecord(status: .error, error: RequestError(kind: .rateLimited, message: "429", httpStatus: 429, retryAfterMs: 1000),
                                      latencyMs: 3.5, http: HTTPInfo(status: 429, version: 11, reusedConnection: false)),
                        AttemptRecord(status: .ok, latencyMs: 12.5, ttftMs: 3.25, waitBeforeMs: 1000.25, http: r.http)]
        return r
    }

    @Test(arguments: [StoreTests.sampleResult("full"), StoreTests.sampleResult("failed", status: .error), Self.retried,
                      BenchResult(test: "bare", category: "c", provider: "p", plugin: "x", model: "m", repeatIndex: 0, status: .ok)])
    func theFastEncoderWritesWhatTheContractSays(_ result: BenchResult) throws {
        var writer = JSONWriter()
        result.writeJSON(into: &writer)
        #expect(writer.text == result.json.jsonText)
        #expect(BenchResult(json: try JSONValue.parse(writer.text)) == result)
    }
}

struct RequestJSONTests {
    /// The request the plan sends, against one built here independently: the prefix and the end
    /// must make exactly that JSON, with the test's options over the provider's.
    @Test func thePrefixPlusTheEndIsTheWholeRequest() throws {
        let test = TestCase(name: "t \"q\"", category: "c", messages: [Message(role: "user", content: "hi\n")], expected: ["a", "b"],
                            options: ["max_tokens": 5, "temperature": 0.5, "zzz_after_test": "x"])
        let provider = ProviderConfig(id: "p", plugin: "mock", model: "m", options: ["temperature": 0, "top_p": 1])
        for r in [0, 7, 123] {
            let joined = Runner.requestPrefix(test: test, provider: provider) + Runner.requestEnd(repeatIndex: r)
            let expected: JSONValue = .object([
                "messages": .array([.object(["role": "user", "content": "hi\n"])]), "model": "m",
                "options": .object(["max_tokens": 5, "temperature": 0.5, "top_p": 1, "zzz_after_test": "x"]),
                "test": .object(["name": "t \"q\"", "category": "c", "expected": .array(["a", "b"]), "repeat": JSONValue(r)]),
            ])
            #expect(try JSONValue.parse(String(decoding: joined, as: UTF8.self)) == expected)
        }
    }
}
