import Foundation
import LLMBenchCore
import LLMBenchFakeServers
import LLMBenchTestSupport
import Testing

/// `llmbench run --resume`: a run killed with SIGKILL at random moments continues where it stopped,
/// against a loopback fake of the OpenAI API that numbers its answers.
struct ResumeTests {
    static let tests = 120

    static func suite(_ dir: TemporaryDirectory, server: FakeProviderServer) -> String {
        var yaml = """
            version: 1
            name: resumable
            providers:
              - {id: a, plugin: openai, model: "fake;serial=1;ttft=15", base_url: "\(server.baseURL)", api_key_env: FAKE_PROVIDER_KEY}
              - {id: b, plugin: openai, model: "fake;serial=1;ttft=25", base_url: "\(server.baseURL)", api_key_env: FAKE_PROVIDER_KEY}
            tests:

            """
        for i in 0..<tests { yaml += "  - {name: t\(i), prompt: \"q\(i)\"}\n" }
        return dir.write("resumable.yaml", yaml)
    }

    /// Starts `arguments`, waits (by condition) until the server has answered `answers` more
    /// requests, then sends `signal` (SIGKILL unless told) and reaps the process.
    static func killAfter(answers: Int, _ arguments: [String], cli: CLI, server: FakeProviderServer, signal: Int32 = SIGKILL) throws {
        let before = server.records().count(where: { $0.serial != nil && $0.lastByteNs != nil })
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.llmbench)
        process.arguments = arguments
        process.environment = cli.environment.merging(["FAKE_PROVIDER_KEY": "fake-key-123"]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline {
            if server.records().count(where: { $0.serial != nil && $0.lastByteNs != nil }) >= before + answers { break }
            usleep(200)
        }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    @Test func aRunKilledThreeTimesResumesWithEveryItemOnceAndNoStoredAnswerAskedAgain() throws {
        let server = try FakeProviderServer(api: .openai)
        let cli = CLI()
        let dir = TemporaryDirectory()
        let suite = Self.suite(dir, server: server)
        let store = dir.file("r.sqlite")
        var random = SeededRandom(seed: UInt64(Date().timeIntervalSince1970))
        let first = Int(random.next() % 60) + 5
        try Self.killAfter(answers: first, ["run", suite, "--store", store, "--concurrency", "4", "--quiet"], cli: cli, server: server)
        for _ in 0..<2 {
            try Self.killAfter(answers: Int(random.next() % 50) + 5, ["run", "--resume", "last", "--store", store, "--concurrency", "4", "--quiet"],
                               cli: cli, server: server)
        }
        let runs = try JSONValue.parse(try cli.run(["runs", "--json", "--store", store]).stdout)
        #expect(runs.arrayValue?.count == 1, "resuming never starts another run")
        #expect(runs.arrayValue?.first?["status"] == "killed")
        let finish = try cli.run(["run", "--resume", "last", "--store", store, "--quiet"], env: ["FAKE_PROVIDER_KEY": "fake-key-123"])
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(finish.stderr.contains("resuming run"))

        let report = try JSONValue.parse(try cli.run(["report", "--last", "--format", "json", "--store", store]).stdout)
        #expect(report["run"]?["status"] == "complete")
        let results = try #require(report["results"]?.arrayValue)
        // Every test × provider exactly once.
        let keys = results.map { "\($0["test"]?.stringValue ?? "")/\($0["provider"]?.stringValue ?? "")" }
        #expect(keys.count == Self.tests * 2)
        #expect(Set(keys).count == Self.tests * 2)
        #expect(results.allSatisfy { $0["status"] == "ok" })
        // Each stored answer is the last one the server gave for its request: no request whose
        // result was stored was sent again. Requests in flight at a kill were sent again.
        let records = server.records().filter { $0.serial != nil }
        var lastSerial: [String: Int] = [:]
        for record in records {
            let key = "\(record.model ?? "")|\(record.prompt ?? "")"
            lastSerial[key] = max(lastSerial[key] ?? -1, record.serial!)
        }
        for result in results {
            let model = result["provider"] == "a" ? "fake;serial=1;ttft=15" : "fake;serial=1;ttft=25"
            let prompt = "q" + (result["test"]?.stringValue ?? "").dropFirst()
            let stored = Int(result["output"]?.stringValue?.dropFirst("answer-".count) ?? "") ?? -2
            #expect(stored == lastSerial["\(model)|\(prompt)"], "\(result["test"]!) × \(result["provider"]!)")
        }
        #expect(records.count >= Self.tests * 2, "the server answered every item at least once")
    }

    @Test func requestsThatCtrlCCancelledInFlightAreAskedAgainOnResume() throws {
        let server = try FakeProviderServer(api: .openai)
        let cli = CLI()
        let dir = TemporaryDirectory()
        let suite = Self.suite(dir, server: server)
        let store = dir.file("r.sqlite")
        try Self.killAfter(answers: 20, ["run", suite, "--store", store, "--concurrency", "4", "--quiet"], cli: cli, server: server, signal: SIGINT)
        let interrupted = try JSONValue.parse(try cli.run(["report", "--last", "--format", "json", "--store", store]).stdout)
        #expect(interrupted["run"]?["status"] == "interrupted")
        let cancelled = interrupted["results"]?.arrayValue?.count { $0["error"]?["kind"] == "cancelled" } ?? 0
        #expect(cancelled > 0, "Ctrl-C stopped requests in flight")
        let finish = try cli.run(["run", "--resume", "last", "--store", store, "--quiet"], env: ["FAKE_PROVIDER_KEY": "fake-key-123"])
        #expect(finish.status == 0, "\(finish.stderr)")
        let report = try JSONValue.parse(try cli.run(["report", "--last", "--format", "json", "--store", store]).stdout)
        let results = try #require(report["results"]?.arrayValue)
        #expect(results.count == Self.tests * 2)
        #expect(results.allSatisfy { $0["status"] == "ok" }, "the cancelled requests were asked again, not kept as errors")
        #expect(Set(results.map { "\($0["test"]!)/\($0["provider"]!)" }).count == Self.tests * 2)
    }

    @Test func aChangedSuiteIsRefusedNamingWhatChanged() throws {
        let server = try FakeProviderServer(api: .openai)
        let cli = CLI()
        let dir = TemporaryDirectory()
        let suite = Self.suite(dir, server: server)
        let store = dir.file("r.sqlite")
        try Self.killAfter(answers: 3, ["run", suite, "--store", store, "--concurrency", "1", "--quiet"], cli: cli, server: server)
        let text = try String(contentsOfFile: suite, encoding: .utf8)
        try text.replacingOccurrences(of: "  - {name: t7, prompt: \"q7\"}\n", with: "").write(toFile: suite, atomically: true, encoding: .utf8)
        let refused = try cli.run(["run", "--resume", "last", "--store", store], env: ["FAKE_PROVIDER_KEY": "fake-key-123"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("changed since the run started: tests removed: t7"), "\(refused.stderr)")
        let done = try cli.run(["run", "--resume", "nope", "--store", store])
        #expect(done.status == 2 && done.stderr.contains("no run 'nope'"))
    }
}
