import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchFakeServers
import LLMBenchTestSupport
import Testing

/// Every fault a provider can throw at a run, through the real plugins and the engine's transport:
/// the error class recorded, the attempts, waits kept out of latency, and no result lost.
struct ProviderFaultTests {
    struct Case: Sendable, CustomStringConvertible {
        var api: FakeProviderServer.API
        var scenario: String
        var options = "{}"
        var retry = "{max_attempts: 3, base_delay_ms: 5, max_delay_ms: 20}"
        var timeouts = "{first_byte_ms: 400, idle_ms: 400}"
        var status: ResultStatus
        var kind: ErrorKind?
        var attempts: Int
        var description: String { "\(api.rawValue) \(scenario) \(options)" }
    }

    static let cases: [Case] = FakeProviderServer.API.allCases.flatMap { api -> [Case] in
        var list = [
            Case(api: api, scenario: "fault=500;fail_times=1", status: .ok, kind: nil, attempts: 2),
            Case(api: api, scenario: "fault=503;fail_times=2", status: .ok, kind: nil, attempts: 3),
            Case(api: api, scenario: "fault=503", status: .error, kind: .server, attempts: 3),
            Case(api: api, scenario: "chunks=6;gap=2;fault=reset;reset_after=2;fail_times=1", status: .ok, kind: nil, attempts: 2),
            Case(api: api, scenario: "chunks=6;gap=2;fault=reset;reset_after=2", status: .error, kind: .network, attempts: 3),
            Case(api: api, scenario: "chunks=4;fault=malformed", status: .error, kind: .malformedResponse, attempts: 1),
            Case(api: api, scenario: "fault=hang", retry: "{max_attempts: 2, base_delay_ms: 5}", status: .error, kind: .timeout, attempts: 2),
            Case(api: api, scenario: "chunks=3;gap=1500", retry: "{max_attempts: 1}", timeouts: "{idle_ms: 200}", status: .error, kind: .timeout, attempts: 1),
            Case(api: api, scenario: "fault=huge;size=20000000", options: "{max_tokens: 100000}", timeouts: "{first_byte_ms: 20000}",
                 status: .error, kind: .malformedResponse, attempts: 1),
            Case(api: api, scenario: "fault=huge;size=40000000", options: "{stream: false, max_tokens: 100000}", timeouts: "{first_byte_ms: 20000}",
                 status: .error, kind: .malformedResponse, attempts: 1),
            Case(api: api, scenario: "fault=endless_line", status: .error, kind: .malformedResponse, attempts: 1),
            Case(api: api, scenario: "fault=endless_line;size=40000000", options: "{stream: false}", status: .error, kind: .malformedResponse,
                 attempts: 1),
            Case(api: api, scenario: "fault=content_type", status: .error, kind: .malformedResponse, attempts: 1),
            Case(api: api, scenario: "fault=400", status: .error, kind: .invalidRequest, attempts: 1),
            Case(api: api, scenario: "fault=403", status: .error, kind: .auth, attempts: 1),
            Case(api: api, scenario: "fault=429", retry: "{max_attempts: 2, rate_limited_max_attempts: 2}", status: .error, kind: .rateLimited, attempts: 2),
        ]
        if api == .anthropic {
            list.append(Case(api: api, scenario: "fault=529;fail_times=1;retry_after=0", status: .ok, kind: nil, attempts: 2))
            list.append(Case(api: api, scenario: "chunks=4;fault=midstream_error;fail_times=1", status: .ok, kind: nil, attempts: 2))
        }
        if api == .gemini {
            list.append(Case(api: api, scenario: "fault=safety", status: .error, kind: .contentFilter, attempts: 1))
        }
        return list
    }

    /// One test ("Capital of France?", expected Paris, matched by contains) against one provider of
    /// `api` on `server`, with the scenario in the model name and `settings` added to the provider entry.
    static func run(_ api: FakeProviderServer.API, _ server: FakeProviderServer, scenario: String, settings: String = "options: {}")
        throws -> (TestRunOutcome, SQLiteResultStore, TemporaryDirectory)
    {
        let yaml = """
            version: 1
            name: faults
            providers:
              - {id: p, plugin: \(api.rawValue), model: "fake;\(scenario)", base_url: "\(server.baseURL)",
                 api_key_env: FAKE_PROVIDER_KEY, \(settings)}
            tests:
              - {name: t, prompt: "Capital of France?", expected: Paris, scorers: [{scorer: exact_match, options: {mode: contains}}]}
            """
        return try runSuite(yaml, environment: ["FAKE_PROVIDER_KEY": "fake-key-123"])
    }

    @Test(arguments: cases)
    func faultIsRecordedWithItsClassAndAttemptsAndNothingIsLost(_ c: Case) throws {
        let server = try FakeProviderServer(api: c.api)
        let (outcome, store, _) = try Self.run(c.api, server, scenario: c.scenario,
                                               settings: "options: \(c.options), retry: \(c.retry), timeouts: \(c.timeouts)")
        let result = try #require(outcome.results.first)
        #expect(outcome.results.count == 1)
        #expect(try store.results(runID: outcome.run.id).count == 1, "the result must be stored")
        #expect(result.status == c.status, "\(c): \(String(describing: result.error))")
        #expect(result.error?.kind == c.kind, "\(c): \(String(describing: result.error))")
        #expect(result.attempts == c.attempts, "\(c)")
        #expect(result.attemptRecords.count == c.attempts)
        #expect(server.records().count == c.attempts, "one request per attempt")
        if c.status == .ok {
            #expect(result.output.contains("Paris"), "\(c)")
            #expect(result.passed)
        } else {
            #expect(result.latencyMs == nil && !result.passed, "failed requests stay out of latency")
        }
        #expect(result.output.utf8.count <= 16 << 20, "the engine bounds an answer's size")
    }

    @Test(arguments: FakeProviderServer.API.allCases)
    func aRateLimitWaitIsHonouredAndKeptOutOfTheLatency(_ api: FakeProviderServer.API) throws {
        let server = try FakeProviderServer(api: api)
        let (outcome, _, _) = try Self.run(api, server, scenario: "chunks=2;fault=429;retry_after=1;fail_times=1")
        let result = try #require(outcome.results.first)
        #expect(result.status == .ok)
        #expect(result.attempts == 2)
        #expect(result.attemptLog[0].error?.retryAfterMs == 1_000)
        #expect(result.waitMs >= 1_000, "the Retry-After of one second was honoured")
        #expect(result.attemptLog[1].waitBeforeMs == result.waitMs)
        #expect(try #require(result.latencyMs) < 500, "the wait is not part of the latency")
        let records = server.records()
        #expect(records.count == 2)
        #expect(records[1].requestStartNs - records[0].requestStartNs >= 1_000_000_000)
    }

    @Test(arguments: FakeProviderServer.API.allCases)
    func missingUsageIsEstimatedAndFlagged(_ api: FakeProviderServer.API) throws {
        let server = try FakeProviderServer(api: api)
        let (outcome, _, _) = try Self.run(api, server, scenario: "chunks=3;fault=no_usage")
        let result = try #require(outcome.results.first)
        #expect(result.status == .ok)
        #expect(result.usage?.estimated == true)
        #expect((result.usage?.outputTokens ?? 0) > 0)
    }
}
