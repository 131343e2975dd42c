import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchFakeServers
import LLMBenchTestSupport
import Testing

/// Responses built to exhaust memory, through the real plugins and libcurl: each ends its request
/// with `malformed_response` as soon as it passes its limit (Docs/http.md), and an answer over the
/// answer limit is stored cut and marked.
struct HostileResponseTests {
    static let mib = 1 << 20
    /// The answer limit as Docs/http.md states it.
    static let answerLimit = 16 << 20

    /// A `data:` line (streamed) or a JSON body (not streamed) that never ends: refused at the event
    /// limit (1 MiB) or the body limit (32 MiB), having read no further than what was in flight.
    @Test(arguments: FakeProviderServer.API.allCases, [true, false])
    func aResponseThatNeverEndsIsRefusedAtItsLimit(_ api: FakeProviderServer.API, stream: Bool) throws {
        let (sent, message, mostRead) = stream
            ? (64 * Self.mib, "server-sent event passed 1 MiB", 2 * Self.mib)
            : (40 * Self.mib, "response body larger than 32 MiB", 33 * Self.mib)
        let server = try FakeProviderServer(api: api)
        let (outcome, _, _) = try ProviderFaultTests.run(api, server, scenario: "fault=endless_line;size=\(sent)",
                                                         settings: "options: {stream: \(stream)}, retry: {max_attempts: 1}")
        let result = try #require(outcome.results.first)
        #expect(result.error?.kind == .malformedResponse)
        #expect(result.error?.message.contains(message) == true, "\(result.error?.message ?? "")")
        #expect((result.http?.bytesIn ?? .max) < mostRead)
    }

    /// A 20 MiB answer, streamed or not, from every API: stored as its first 16 MiB, marked.
    @Test(arguments: FakeProviderServer.API.allCases, [false, true])
    func anAnswerOverTheLimitIsStoredCutAndMarked(_ api: FakeProviderServer.API, stream: Bool) throws {
        let server = try FakeProviderServer(api: api)
        let (outcome, store, _) = try ProviderFaultTests.run(api, server, scenario: "fault=huge;size=\(20 * Self.mib)",
                                                             settings: "options: {stream: \(stream), max_tokens: 100000}, retry: {max_attempts: 1}")
        try Self.expectStoredCut(outcome, store, keptBytes: Self.answerLimit)
    }

    @Test func theMocksEchoOfAHugePromptIsStoredCutOnACharacterBoundary() throws {
        // "€" is three bytes and 16 MiB is not a multiple of three: the cut falls inside one.
        let prompt = String(repeating: "€", count: Self.answerLimit / 3 + 100_000)
        let yaml = """
            version: 1
            name: echo
            providers:
              - {id: m, plugin: mock, model: m, options: {mode: echo}}
            tests:
              - {name: big, prompt: "\(prompt)", expected: x}
            """
        let (outcome, store, _) = try runSuite(yaml)
        try Self.expectStoredCut(outcome, store, keptBytes: Self.answerLimit / 3 * 3)
        #expect(outcome.results.first?.output.allSatisfy { $0 == "€" } == true, "no character was split")
    }

    static func expectStoredCut(_ outcome: TestRunOutcome, _ store: SQLiteResultStore, keptBytes: Int) throws {
        let result = try #require(outcome.results.first)
        #expect(result.truncated)
        #expect(result.error?.kind == .malformedResponse)
        #expect(result.output.utf8.count == keptBytes)
        let stored = try #require(try store.results(runID: outcome.run.id).first)
        #expect(stored.truncated, "the store keeps the mark")
        #expect(stored.output.utf8.count == keptBytes, "the store keeps the cut answer, not the whole one")
        #expect(result.json["truncated"] == .bool(true), "the JSON contract carries the mark")
    }
}

/// Many hostile streams at once, measured from outside: the real `llmbench` runs a suite against
/// loopback fakes (in this process), and its own peak resident memory is read when it exits.
struct HostileStreamMemoryTests {
    /// Stated in Docs/http.md: 64 streams that never end a line, at concurrency 64.
    static let peakBoundBytes = 256 << 20
    static let streams = 64

    @Test func sixtyFourStreamsThatNeverEndALineStayUnderTheStatedPeak() throws {
        let openai = try FakeProviderServer(api: .openai), anthropic = try FakeProviderServer(api: .anthropic)
        let gemini = try FakeProviderServer(api: .gemini)
        // Each would send 64 MiB: 4 GiB in all if nothing cut them short.
        let model = "fake;fault=endless_line;size=\(64 << 20)"
        let settings = "api_key_env: FAKE_PROVIDER_KEY, retry: {max_attempts: 1}, timeouts: {first_byte_ms: 60000, idle_ms: 60000, total_ms: 120000}"
        let yaml = """
            version: 1
            name: hostile
            providers:
              - {id: openai-a, plugin: openai, model: "\(model)", base_url: "\(openai.baseURL)", \(settings)}
              - {id: openai-b, plugin: openai, model: "\(model)", base_url: "\(openai.baseURL)", \(settings)}
              - {id: anthropic, plugin: anthropic, model: "\(model)", base_url: "\(anthropic.baseURL)", \(settings)}
              - {id: gemini, plugin: gemini, model: "\(model)", base_url: "\(gemini.baseURL)", \(settings)}
            tests:
              - {name: endless, prompt: "p", expected: x, repeat: \(Self.streams / 4)}
            """
        let dir = TemporaryDirectory()
        let suite = dir.write("hostile.yaml", yaml), store = dir.file("s.sqlite")
        let environment = TestEnvironment.isolated(home: dir.subdirectory("home"), adding: ["FAKE_PROVIDER_KEY": "fake-key"])
        let run = try Shell.runMeasuringMemory(TestPaths.llmbench, ["run", suite, "--store", store, "--concurrency", "\(Self.streams)",
                                                                    "--fail-on", "never"],
                                               environment: environment, directory: dir, timeoutSeconds: 120)
        #expect(!run.timedOut, "the run hung")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.peakResidentBytes <= Self.peakBoundBytes,
                "peak \(run.peakResidentBytes >> 20) MiB for \(Self.streams) hostile streams; the bound is \(Self.peakBoundBytes >> 20) MiB")
        #expect(run.peakResidentBytes > 0, "the peak was measured")

        let report = try Shell.run(TestPaths.llmbench, ["report", "--last", "--format", "json", "--store", store], environment: environment)
        let results = try JSONValue.parse(report.stdout)["results"]?.arrayValue ?? []
        #expect(results.count == Self.streams, "every result was stored")
        for result in results {
            #expect(result["error"]?["kind"] == "malformed_response", "\(result["provider"] ?? .null): \(result["error"] ?? .null)")
        }
        #expect(openai.records().count + anthropic.records().count + gemini.records().count == Self.streams, "one request each, no retry")
    }
}
