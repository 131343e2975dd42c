import Foundation
import LLMBenchCore
import LLMBenchFakeServers
import Testing

/// The real provider plugins, loaded by the engine and run in suites against loopback fakes of
/// their APIs: the engine's libcurl service, retries and timing included.
struct ProviderEndToEndTests {
    static func suite(_ api: FakeProviderServer.API, _ server: FakeProviderServer, model: String, options: String = "{}") -> String {
        """
        version: 1
        name: e2e-\(api.rawValue)
        providers:
          - {id: p, plugin: \(api.rawValue), model: "\(model)", base_url: "\(server.baseURL)", api_key_env: FAKE_PROVIDER_KEY, options: \(options)}
        defaults:
          scorers: [{scorer: exact_match, threshold: 1}]
        tests:
          - {name: capital, prompt: "Capital of France?", expected: Paris}
        """
    }

    static func run(_ api: FakeProviderServer.API, model: String, options: String = "{}") throws -> (BenchResult, FakeProviderServer) {
        let server = try FakeProviderServer(api: api)
        let (outcome, _, _) = try runSuite(suite(api, server, model: model, options: options), environment: ["FAKE_PROVIDER_KEY": "fake-key-123"])
        return (try #require(outcome.results.first), server)
    }

    @Test(arguments: FakeProviderServer.API.allCases)
    func streamsAnAnswerWithReportedUsageAndAMeasuredFirstToken(api: FakeProviderServer.API) throws {
        let (result, server) = try Self.run(api, model: "fake;chunks=8;ttft=40;gap=5;input_tokens=11;output_tokens=8")
        #expect(result.status == .ok, "\(String(describing: result.error))")
        #expect(result.output.contains("Paris"))
        #expect(result.usage?.inputTokens == 11 && result.usage?.outputTokens == 8 && result.usage?.estimated == false)
        #expect(result.finishReason == "stop")
        let ttft = try #require(result.ttftMs)
        #expect(ttft >= 40)
        #expect(try #require(result.latencyMs) >= ttft + 7 * 5 * 0.5)
        #expect(server.records().count == 1)
    }

    /// The engine decides where the system prompt goes (`ProviderRequest`): the provider's `system`
    /// option is sent as the one system message of a test without its own, and gives way to a
    /// test's `system:`; the OpenAI plugin sends exactly one system message either way.
    @Test func theOpenAIPluginSendsExactlyOneSystemMessage() throws {
        let server = try FakeProviderServer(api: .openai)
        let yaml = """
            version: 1
            name: e2e-system
            providers:
              - {id: p, plugin: openai, model: "fake;chunks=1", base_url: "\(server.baseURL)", api_key_env: FAKE_PROVIDER_KEY, options: {system: Be brief.}}
            tests:
              - {name: own, prompt: "Capital of France?", system: Answer in French., expected: Paris}
              - {name: inherited, prompt: "Capital of Italy?", expected: Rome}
            """
        let (outcome, _, _) = try runSuite(yaml, environment: ["FAKE_PROVIDER_KEY": "fake-key-123"], concurrency: 1)
        #expect(outcome.results.allSatisfy { $0.status == .ok }, "\(outcome.results.map(\.error))")
        var systemsByPrompt: [String: [String]] = [:]
        for record in server.records() {
            let body = try JSONValue.parse(record.body)
            let messages = body["messages"]?.arrayValue ?? []
            let prompt = messages.last?["content"]?.stringValue ?? ""
            systemsByPrompt[prompt] = messages.filter { $0["role"] == "system" }.compactMap { $0["content"]?.stringValue }
        }
        #expect(systemsByPrompt["Capital of France?"] == ["Answer in French."])
        #expect(systemsByPrompt["Capital of Italy?"] == ["Be brief."])
    }

    @Test(arguments: FakeProviderServer.API.allCases)
    func readsANonStreamedAnswer(api: FakeProviderServer.API) throws {
        let (result, _) = try Self.run(api, model: "fake;chunks=1", options: "{stream: false}")
        #expect(result.status == .ok, "\(String(describing: result.error))")
        #expect(result.output == "Paris" && result.passed)
        #expect(result.ttftMs == nil) // not streamed: no first-token time is claimed
    }

    @Test(arguments: FakeProviderServer.API.allCases)
    func aRateLimitIsRetriedAndTheSecondAttemptSucceeds(api: FakeProviderServer.API) throws {
        let (result, server) = try Self.run(api, model: "fake;chunks=1;fault=429;fail_times=1;retry_after=0")
        #expect(result.status == .ok, "\(String(describing: result.error))")
        #expect(result.attempts == 2)
        #expect(result.attemptLog.first?.error?.kind == .rateLimited && result.attemptLog.first?.error?.httpStatus == 429)
        #expect(server.records().count == 2)
    }

    @Test(arguments: FakeProviderServer.API.allCases)
    func aRejectedKeyIsAnAuthFailureAndIsNotRetried(api: FakeProviderServer.API) throws {
        let (result, _) = try Self.run(api, model: "fake;fault=401")
        #expect(result.status == .error && result.error?.kind == .auth && result.error?.httpStatus == 401)
        #expect(result.attempts == 1)
        #expect(result.error?.message.contains("fake-key-123") == false)
    }

    @Test(arguments: FakeProviderServer.API.allCases)
    func anUnknownModelIsNotFoundAndNamed(api: FakeProviderServer.API) throws {
        let (result, _) = try Self.run(api, model: "fake;fault=404")
        #expect(result.status == .error && result.error?.kind == .notFound && result.error?.httpStatus == 404)
        #expect(result.error?.message.contains("fake;fault=404") == true)
    }
}
