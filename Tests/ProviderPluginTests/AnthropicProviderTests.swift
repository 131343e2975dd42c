import CLLMBenchPluginABI
import Foundation
import LLMBenchPluginTesting
import LLMBenchTestSupport
import Testing

struct AnthropicProviderTests {
    let plugin: PluginLibrary
    init() throws { plugin = try PluginLibrary.load(path: TestPaths.builtPlugin("LLMBenchAnthropic")) }

    static var config: [String: Any] { ["provider_id": "claude", "model": "claude-x", "api_key": "ak-test", "options": [String: Any]()] }

    /// A stream in the documented event format, thinking then text, with pings and a signature.
    static let stream = [
        ("message_start", #"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-x","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":20,"cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":1}}}"#),
        ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}"#),
        ("ping", #"{"type": "ping"}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me see."}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}}"#),
        ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
        ("content_block_start", #"{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Bon"}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"jour à \"tous\""}}"#),
        ("content_block_stop", #"{"type":"content_block_stop","index":1}"#),
        ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":15}}"#),
        ("message_stop", #"{"type":"message_stop"}"#),
    ].map { "event: \($0.0)\ndata: \($0.1)\n\n" }.joined()

    @Test func putsSystemTextAtTheTopAndAlwaysSendsMaxTokens() throws {
        let options: [String: Any] = ["temperature": 0.2, "top_p": 0.8, "stop": "END"]
        let outcome = try plugin.call(config: Self.config, request: completionRequest(messages: [("system", "Be brief."), ("system", "Answer in French."), ("user", "Hi"), ("assistant", "Salut"), ("user", "Again")],
                                                                                     options: options), responses: [.events(Self.stream)])
        let request = try #require(outcome.requests.first)
        #expect(request.url == "https://api.anthropic.com/v1/messages" && request.streamed)
        #expect(request.header("x-api-key") == "ak-test" && request.header("anthropic-version") == "2023-06-01")
        #expect(request.header("content-type") == "application/json" && request.header("authorization") == nil)
        let body = request.json
        #expect(body["system"] as? String == "Be brief.\n\nAnswer in French.")
        #expect(body["max_tokens"] as? Int == 1024 && body["stream"] as? Bool == true)
        #expect(body["temperature"] as? Double == 0.2 && body["top_p"] as? Double == 0.8 && body["stop_sequences"] as? [String] == ["END"])
        #expect(body["messages"] as? [[String: String]] == [["role": "user", "content": "Hi"], ["role": "assistant", "content": "Salut"], ["role": "user", "content": "Again"]])
        #expect(body["thinking"] == nil)
    }

    @Test func thinkingBudgetEnablesThinkingAndLeavesRoomForTheAnswer() throws {
        let config = Self.config.merging(["base_url": "http://127.0.0.1:9/", "options": ["anthropic_version": "2024-01-01"]]) { $1 }
        let outcome = try plugin.call(config: config, request: completionRequest(options: ["thinking_budget": 2048, "anthropic_version": "2024-01-01"]),
                                      responses: [.events(Self.stream)])
        let request = try #require(outcome.requests.first)
        #expect(request.url == "http://127.0.0.1:9/v1/messages" && request.header("anthropic-version") == "2024-01-01")
        let thinking = try #require(request.json["thinking"] as? [String: Any])
        #expect(thinking["type"] as? String == "enabled" && thinking["budget_tokens"] as? Int == 2048)
        #expect(request.json["max_tokens"] as? Int == 3072)
        let explicit = try plugin.call(config: Self.config, request: completionRequest(options: ["thinking_budget": 1024, "max_tokens": 4000]), responses: [.events(Self.stream)])
        #expect(explicit.requests.first?.json["max_tokens"] as? Int == 4000)
    }

    @Test func translatesTheEventStreamWhereverTheChunksBreak() throws {
        let reference = try plugin.call(config: Self.config, request: completionRequest(), responses: [.events(Self.stream)])
        #expect(reference.status == PluginStatus.ok)
        #expect(reference.deltas == ["reasoning:Let me see.", "text:Bon", "text:jour à \"tous\""])
        #expect(reference.finish == "length")
        let usage = try #require(reference.usage)
        // Input counts cache reads and writes; cached and written are reported apart.
        #expect(usage["input_tokens"] as? Int == 125 && usage["output_tokens"] as? Int == 15)
        #expect(usage["cached_input_tokens"] as? Int == 100 && usage["cache_write_tokens"] as? Int == 5 && usage["estimated"] == nil)
        let bytes = Array(Self.stream.utf8)
        for cut in stride(from: 1, to: bytes.count, by: 11) {
            let outcome = try plugin.call(config: Self.config, request: completionRequest(), responses: [.events(Self.stream, cuts: [cut, cut + 1])])
            #expect(outcome.deltas == reference.deltas && outcome.finish == "length", "cut at \(cut)")
            #expect(outcome.usage?["input_tokens"] as? Int == 125, "cut at \(cut)")
        }
    }

    @Test func anOverloadedErrorInTheStreamIsARateLimitAndAMissingStopIsANetworkFailure() throws {
        let overloaded = Self.stream.components(separatedBy: "event: content_block_start")[0]
            + "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n"
        let first = try plugin.call(config: Self.config, request: completionRequest(), responses: [.events(overloaded)])
        #expect(first.status == PluginStatus.of(LLMBENCH_ERR_RATE_LIMITED) && first.error?.data.contains("Overloaded") == true)
        let apiError = "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"api_error\", \"message\": \"Internal\"}}\n\n"
        #expect(try plugin.call(config: Self.config, request: completionRequest(), responses: [.events(apiError)]).status == PluginStatus.of(LLMBENCH_ERR_SERVER))
        let truncated = Self.stream.components(separatedBy: "event: message_stop")[0]
        let second = try plugin.call(config: Self.config, request: completionRequest(), responses: [.events(truncated)])
        #expect(second.status == PluginStatus.of(LLMBENCH_ERR_NETWORK) && second.error?.data.contains("stream ended early") == true)
    }

    @Test func readsANonStreamedMessage() throws {
        let body = #"""
            {"id":"msg_2","type":"message","role":"assistant","model":"claude-x","content":[{"type":"thinking","thinking":"Hmm.","signature":"x"},{"type":"text","text":"Paris"}],
             "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":4}}
            """#
        let outcome = try plugin.call(config: Self.config, request: completionRequest(options: ["stream": false]), responses: [.json(body)])
        #expect(outcome.status == PluginStatus.ok && outcome.requests.first?.streamed == false && outcome.requests.first?.json["stream"] == nil)
        #expect(outcome.reasoning == "Hmm." && outcome.text == "Paris" && outcome.finish == "stop")
        #expect(outcome.usage?["input_tokens"] as? Int == 10 && outcome.usage?["output_tokens"] as? Int == 4)
    }

    @Test func classifiesHTTPErrors() throws {
        func failure(_ response: ScriptedResponse) throws -> EmittedEvent {
            let outcome = try plugin.call(config: Self.config, request: completionRequest(model: "claude-nope"), responses: [response])
            return try #require(outcome.error)
        }
        let overloaded = try failure(.json(#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#, status: 529, headers: [("retry-after", "3")]))
        #expect(overloaded.errorCode == PluginStatus.of(LLMBENCH_ERR_RATE_LIMITED) && overloaded.httpStatus == 529 && overloaded.retryAfterMs == 3000)
        let reset = ISO8601DateFormatter().string(from: Date().addingTimeInterval(30))
        let limited = try failure(.json(#"{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}"#,
                                        status: 429, headers: [("anthropic-ratelimit-requests-remaining", "0"), ("anthropic-ratelimit-requests-reset", reset)]))
        #expect(limited.errorCode == PluginStatus.of(LLMBENCH_ERR_RATE_LIMITED) && limited.httpStatus == 429)
        #expect((25_000...31_000).contains(limited.retryAfterMs))
        let auth = try failure(.json(#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#, status: 401))
        #expect(auth.errorCode == PluginStatus.of(LLMBENCH_ERR_AUTH) && auth.httpStatus == 401)
        let missing = try failure(.json(#"{"type":"error","error":{"type":"not_found_error","message":"model: claude-nope"}}"#, status: 404))
        #expect(missing.errorCode == PluginStatus.of(LLMBENCH_ERR_NOT_FOUND) && missing.data.contains("'claude-nope'"))
        let invalid = try failure(.json(#"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: must be at least 1"}}"#, status: 400))
        #expect(invalid.errorCode == PluginStatus.of(LLMBENCH_ERR_INVALID_REQUEST) && invalid.data.contains("max_tokens: must be at least 1"))
        let server = try failure(.json(#"{"type":"error","error":{"type":"api_error","message":"Internal server error"}}"#, status: 500))
        #expect(server.errorCode == PluginStatus.of(LLMBENCH_ERR_SERVER) && server.httpStatus == 500)
    }

    @Test func refusesAMissingKeyAndOptionsOfOtherPlugins() throws {
        let host = ScriptedHost([])
        let noKey = plugin.create(["provider_id": "claude", "model": "m", "options": [String: Any]()], host: host)
        #expect(noKey.status == PluginStatus.of(LLMBENCH_ERR_AUTH) && noKey.message?.contains("anthropic") == true)
        let foreign = plugin.create(Self.config.merging(["options": ["api_version": "x"]]) { $1 }, host: host)
        #expect(foreign.status == PluginStatus.of(LLMBENCH_ERR_INVALID_REQUEST) && foreign.message?.contains("'api_version'") == true)
        let seeded = plugin.create(Self.config.merging(["options": ["seed": 3]]) { $1 }, host: host)
        #expect(seeded.status == PluginStatus.ok && host.logs.contains { $0.contains("no seed") })
        #expect(plugin.capabilities & UInt64(LLMBENCH_CAP_EMBEDDINGS) == 0)
    }
}
