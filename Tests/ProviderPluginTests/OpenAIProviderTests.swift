import CLLMBenchPluginABI
import Foundation
import LLMBenchPluginTesting
import LLMBenchTestSupport
import Testing

struct OpenAIProviderTests {
    let plugin: PluginLibrary
    init() throws { plugin = try PluginLibrary.load(path: TestPaths.builtPlugin("LLMBenchOpenAI")) }

    static var local: [String: Any] { ["provider_id": "p", "model": "m", "base_url": "http://127.0.0.1:9/v1", "options": [String: Any]()] }

    /// A stream in the documented chunk format: reasoning, text split over chunks (with a JSON escape
    /// and a two-byte character), the finish reason, the usage chunk with empty choices, [DONE].
    static let stream = [
        #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}"#,
        #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"reasoning_content":"Think."},"finish_reason":null}],"usage":null}"#,
        #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}],"usage":null}"#,
        #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"lo \"é\"\n"},"finish_reason":null}],"usage":null}"#,
        #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}"#,
        #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":3}}}"#,
        "[DONE]",
    ].map { "data: \($0)\n\n" }.joined()

    @Test func buildsAStreamedChatCompletionsRequestWithEveryGenerationOption() throws {
        let options: [String: Any] = ["temperature": 0.5, "top_p": 0.9, "max_tokens": 64, "stop": ["END", "STOP"], "seed": 7]
        let config = Self.local.merging(["api_key": "sk-test"]) { $1 }
        let outcome = try plugin.call(config: config, request: completionRequest(messages: [("system", "Sys msg"), ("user", "Hi")], options: options),
                                      responses: [.events(Self.stream)])
        let request = try #require(outcome.requests.first)
        #expect(request.method == "POST" && request.url == "http://127.0.0.1:9/v1/chat/completions")
        #expect(request.streamed)
        #expect(request.header("authorization") == "Bearer sk-test")
        #expect(request.header("content-type") == "application/json")
        let body = request.json
        #expect(body["model"] as? String == "m")
        #expect(body["stream"] as? Bool == true)
        #expect((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        #expect(body["temperature"] as? Double == 0.5 && body["top_p"] as? Double == 0.9)
        #expect(body["max_tokens"] as? Int == 64 && body["max_completion_tokens"] == nil)
        #expect(body["stop"] as? [String] == ["END", "STOP"] && body["seed"] as? Int == 7)
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages == [["role": "system", "content": "Sys msg"], ["role": "user", "content": "Hi"]])
    }

    @Test func officialAPIGetsMaxCompletionTokensAndAzureStyleGetsApiVersionAndApiKeyHeader() throws {
        let official: [String: Any] = ["provider_id": "p", "model": "m", "api_key": "sk-o", "options": ["stream": false, "stop": "X"]]
        let first = try plugin.call(config: official, request: completionRequest(options: ["stream": false, "stop": "X", "max_tokens": 5]),
                                    responses: [.json(Self.completion)])
        let body = try #require(first.requests.first).json
        #expect(try #require(first.requests.first).url == "https://api.openai.com/v1/chat/completions")
        #expect(body["max_completion_tokens"] as? Int == 5 && body["max_tokens"] == nil)
        #expect(body["stop"] as? String == "X" && body["stream"] == nil && body["stream_options"] == nil)
        #expect(try #require(first.requests.first).streamed == false)

        let azure: [String: Any] = ["provider_id": "p", "model": "dep", "api_key": "az-key", "base_url": "https://r.openai.azure.com/openai/deployments/dep/",
                                    "options": ["api_version": "2024-10-21", "auth_header": "api-key"]]
        let second = try plugin.call(config: azure, request: completionRequest(options: ["api_version": "2024-10-21", "auth_header": "api-key"]),
                                     responses: [.events(Self.stream)])
        let request = try #require(second.requests.first)
        #expect(request.url == "https://r.openai.azure.com/openai/deployments/dep/chat/completions?api-version=2024-10-21")
        #expect(request.header("api-key") == "az-key" && request.header("authorization") == nil)
    }

    @Test func translatesTheStreamIntoEventsWhereverTheChunksBreak() throws {
        let reference = try plugin.call(config: Self.local, request: completionRequest(), responses: [.events(Self.stream)])
        #expect(reference.status == PluginStatus.ok)
        #expect(reference.reasoning == "Think.")
        #expect(reference.text == "Hello \"é\"\n")
        #expect(reference.finish == "stop")
        let usage = try #require(reference.usage)
        #expect(usage["input_tokens"] as? Int == 12 && usage["output_tokens"] as? Int == 7)
        #expect(usage["cached_input_tokens"] as? Int == 4 && usage["reasoning_tokens"] as? Int == 3 && usage["estimated"] == nil)
        let bytes = Array(Self.stream.utf8)
        for cut in stride(from: 1, to: bytes.count, by: 7) {
            let outcome = try plugin.call(config: Self.local, request: completionRequest(), responses: [.events(Self.stream, cuts: [cut, cut + 3])])
            #expect(outcome.deltas == reference.deltas, "cut at \(cut)")
            #expect(outcome.finish == "stop" && outcome.usage?["input_tokens"] as? Int == 12, "cut at \(cut)")
        }
        let byteByByte = try plugin.call(config: Self.local, request: completionRequest(), responses: [.events(Self.stream, cuts: Array(1..<bytes.count))])
        #expect(byteByByte.deltas == reference.deltas)
    }

    @Test func emitsEachDeltaWhileTheChunkThatCompletesItIsDelivered() throws {
        // Cut in the middle of the first text event: its delta must come with the second half.
        let textEvent = try #require(Self.stream.range(of: "Hel"))
        let middle = Self.stream.utf8.distance(from: Self.stream.startIndex, to: textEvent.lowerBound)
        let end = Self.stream.utf8.distance(from: Self.stream.startIndex, to: Self.stream.range(of: "\n\n", range: textEvent.upperBound..<Self.stream.endIndex)!.upperBound)
        let outcome = try plugin.call(config: Self.local, request: completionRequest(), responses: [.events(Self.stream, cuts: [middle, end])])
        let first = try #require(outcome.events.first { $0.kind == Int32(LLMBENCH_EVENT_TEXT_DELTA.rawValue) })
        #expect(first.chunk == 1)
        #expect(outcome.events.first { $0.kind == Int32(LLMBENCH_EVENT_REASONING_DELTA.rawValue) }?.chunk == 0)
    }

    /// The plugin invents no usage: the engine estimates it and flags it (ProviderFaultTests).
    @Test func aStreamWithoutUsageSendsNoUsage() throws {
        let stream = #"data: {"choices":[{"index":0,"delta":{"content":"abcdefgh"},"finish_reason":"length"}]}"# + "\n\ndata: [DONE]\n\n"
        let outcome = try plugin.call(config: Self.local, request: completionRequest(messages: [("user", "0123456789012345")]), responses: [.events(stream)])
        #expect(outcome.usage == nil)
        #expect(outcome.finish == "length")
    }

    @Test func aStreamThatStopsBeforeDoneIsANetworkFailure() throws {
        let cut = Self.stream.replacingOccurrences(of: "data: [DONE]\n\n", with: "")
        let outcome = try plugin.call(config: Self.local, request: completionRequest(), responses: [.events(cut)])
        #expect(outcome.status == PluginStatus.of(LLMBENCH_ERR_NETWORK))
        #expect(outcome.error?.data.contains("stream ended early") == true)
        #expect(outcome.text == "Hello \"é\"\n") // what arrived was still reported as it came
    }

    static let completion = #"""
        {"id":"c2","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Paris","reasoning_content":"Capital."},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12,"completion_tokens_details":{"reasoning_tokens":1}}}
        """#

    @Test func readsANonStreamedCompletion() throws {
        let outcome = try plugin.call(config: Self.local, request: completionRequest(options: ["stream": false]), responses: [.json(Self.completion)])
        #expect(outcome.status == PluginStatus.ok)
        #expect(outcome.text == "Paris" && outcome.reasoning == "Capital." && outcome.finish == "stop")
        #expect(outcome.usage?["input_tokens"] as? Int == 9 && outcome.usage?["reasoning_tokens"] as? Int == 1)
        #expect(outcome.requests.first?.streamed == false)
    }

    @Test func classifiesHTTPErrorsFromStatusBodyAndHeaders() throws {
        func failure(_ response: ScriptedResponse) throws -> EmittedEvent {
            let outcome = try plugin.call(config: Self.local, request: completionRequest(model: "gpt-x"), responses: [response])
            let error = try #require(outcome.error)
            #expect(outcome.status == error.errorCode)
            return error
        }
        let body = #"{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#
        let limited = try failure(.json(body, status: 429, headers: [("x-ratelimit-remaining-requests", "10"), ("x-ratelimit-reset-requests", "1s"),
                                                                    ("x-ratelimit-remaining-tokens", "0"), ("x-ratelimit-reset-tokens", "6m0s")]))
        #expect(limited.errorCode == PluginStatus.of(LLMBENCH_ERR_RATE_LIMITED) && limited.httpStatus == 429 && limited.retryAfterMs == 360_000)
        #expect(limited.data.contains("Rate limit reached"))
        let retryAfter = try failure(.json(body, status: 429, headers: [("retry-after", "2"), ("x-ratelimit-reset-requests", "20ms")]))
        #expect(retryAfter.retryAfterMs == 2000)

        let auth = try failure(.json(#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"#, status: 401))
        #expect(auth.errorCode == PluginStatus.of(LLMBENCH_ERR_AUTH) && auth.httpStatus == 401)
        let missing = try failure(.json(#"{"error":{"message":"The model `gpt-x` does not exist","type":"invalid_request_error","code":"model_not_found"}}"#, status: 404))
        #expect(missing.errorCode == PluginStatus.of(LLMBENCH_ERR_NOT_FOUND) && missing.data.contains("'gpt-x'") && missing.data.contains("does not exist"))
        let invalid = try failure(.json(#"{"error":{"message":"'temperature' must be <= 2","type":"invalid_request_error"}}"#, status: 400))
        #expect(invalid.errorCode == PluginStatus.of(LLMBENCH_ERR_INVALID_REQUEST) && invalid.data.contains("'temperature' must be <= 2"))
        let ollama = try failure(.json(#"{"error":"model \"llama9\" not found, try pulling it first"}"#, status: 404))
        #expect(ollama.data.contains("try pulling it first"))
        let server = try failure(ScriptedResponse(status: 502, headers: [("content-type", "text/html")], chunks: [Array("<html>Bad gateway</html>".utf8)]))
        #expect(server.errorCode == PluginStatus.of(LLMBENCH_ERR_SERVER) && server.httpStatus == 502 && server.data.contains("Bad gateway"))
        let filtered = try failure(.json(#"{"error":{"message":"filtered","code":"content_filter","status":400}}"#, status: 400))
        #expect(filtered.errorCode == PluginStatus.of(LLMBENCH_ERR_CONTENT_FILTER))
    }

    @Test func refusesMalformedSuccessfulResponses() throws {
        func code(_ response: ScriptedResponse, stream: Bool) throws -> (Int32, String) {
            let outcome = try plugin.call(config: Self.local, request: completionRequest(options: ["stream": stream]), responses: [response])
            return (outcome.status, outcome.error?.data ?? "")
        }
        let html = try code(ScriptedResponse(status: 200, headers: [("content-type", "text/html")], chunks: [Array("<html/>".utf8)]), stream: true)
        #expect(html.0 == PluginStatus.of(LLMBENCH_ERR_MALFORMED_RESPONSE) && html.1.contains("text/html"))
        #expect(try code(.json("{\"choices\": [", status: 200), stream: false).0 == PluginStatus.of(LLMBENCH_ERR_MALFORMED_RESPONSE))
        #expect(try code(.events("data: {not json}\n\n"), stream: true).0 == PluginStatus.of(LLMBENCH_ERR_MALFORMED_RESPONSE))
        let huge = ScriptedResponse(status: 200, headers: [("content-type", "application/json")],
                                    chunks: Array(repeating: [UInt8](repeating: 0x20, count: 1 << 20), count: 33))
        let tooLarge = try code(huge, stream: false)
        #expect(tooLarge.0 == PluginStatus.of(LLMBENCH_ERR_MALFORMED_RESPONSE) && tooLarge.1.contains("response body larger than 32 MiB"))
        // A declared length over the limit is refused before any body byte is read.
        let declared = try code(.json("{}", headers: [("content-length", "\(33 << 20)")]), stream: false)
        #expect(declared.0 == PluginStatus.of(LLMBENCH_ERR_MALFORMED_RESPONSE) && declared.1.contains("response body larger than 32 MiB"))
        // A line that never ends, in 64 KiB chunks: refused once the event passes 1 MiB.
        let endless = ScriptedResponse(status: 200, headers: [("content-type", "text/event-stream")],
                                       chunks: [Array("data: {\"x\":\"".utf8)] + Array(repeating: [UInt8](repeating: 0x78, count: 1 << 16), count: 32))
        let unended = try code(endless, stream: true)
        #expect(unended.0 == PluginStatus.of(LLMBENCH_ERR_MALFORMED_RESPONSE) && unended.1.contains("server-sent event passed 1 MiB"))
    }

    @Test func aServerThatAnswersAStreamedRequestWithJSONIsStillRead() throws {
        let outcome = try plugin.call(config: Self.local, request: completionRequest(), responses: [.json(Self.completion)])
        #expect(outcome.status == PluginStatus.ok && outcome.text == "Paris")
    }

    @Test func anErrorInsideTheStreamIsReported() throws {
        let stream = #"data: {"choices":[{"index":0,"delta":{"content":"a"}}]}"# + "\n\n" + #"data: {"error":{"message":"engine crashed","code":500}}"# + "\n\n"
        let outcome = try plugin.call(config: Self.local, request: completionRequest(), responses: [.events(stream)])
        #expect(outcome.status == PluginStatus.of(LLMBENCH_ERR_SERVER) && outcome.error?.data.contains("engine crashed") == true)
    }

    @Test func aKeyEchoedByTheServerNeverReachesTheMessage() throws {
        let config = Self.local.merging(["api_key": "sk-secret-123456"]) { $1 }
        let outcome = try plugin.call(config: config, request: completionRequest(),
                                      responses: [.json(#"{"error":{"message":"Incorrect API key provided: sk-secret-123456"}}"#, status: 401)])
        let error = try #require(outcome.error)
        #expect(!error.data.contains("sk-secret-123456") && error.data.contains("[redacted]"))
    }

    @Test func refusesAMissingKeyForTheOfficialAPIAndUnknownOptionsAtCreate() throws {
        let host = ScriptedHost([])
        let noKey = plugin.create(["provider_id": "gpt", "model": "m", "options": [String: Any]()], host: host)
        #expect(noKey.status == PluginStatus.of(LLMBENCH_ERR_AUTH))
        #expect(noKey.message?.contains("openai") == true && noKey.message?.contains("'gpt'") == true && noKey.message?.contains("api_key_env") == true)
        let unknown = plugin.create(Self.local.merging(["options": ["temprature": 1]]) { $1 }, host: host)
        #expect(unknown.status == PluginStatus.of(LLMBENCH_ERR_INVALID_REQUEST) && unknown.message?.contains("unknown option 'temprature'") == true)
        let badType = plugin.create(Self.local.merging(["options": ["max_tokens": "ten"]]) { $1 }, host: host)
        #expect(badType.status == PluginStatus.of(LLMBENCH_ERR_INVALID_REQUEST) && badType.message?.contains("max_tokens") == true)
        #expect(plugin.capabilities & UInt64(LLMBENCH_CAP_EMBEDDINGS) != 0 && plugin.capabilities & UInt64(LLMBENCH_CAP_NETWORK) != 0)
    }

    @Test func stopsWhenTheEngineAsksTo() throws {
        let outcome = try plugin.call(config: Self.local, request: completionRequest(), responses: [.events(Self.stream)], stopAfterEvents: 1)
        #expect(outcome.status == PluginStatus.of(LLMBENCH_ERR_CANCELLED))
        #expect(outcome.events.filter { $0.kind == Int32(LLMBENCH_EVENT_TEXT_DELTA.rawValue) }.isEmpty)
    }

    @Test func embedsThroughTheEmbeddingsEndpointInInputOrder() throws {
        let body = #"{"object":"list","data":[{"object":"embedding","index":1,"embedding":[0,1.5]},{"object":"embedding","index":0,"embedding":[0.25,-1]}],"model":"e","usage":{"prompt_tokens":6,"total_tokens":6}}"#
        let outcome = try plugin.call(config: Self.local, request: ["model": "e", "inputs": ["a", "b"]], responses: [.json(body)], embed: true)
        #expect(outcome.status == PluginStatus.ok)
        let request = try #require(outcome.requests.first)
        #expect(request.url == "http://127.0.0.1:9/v1/embeddings" && request.json["input"] as? [String] == ["a", "b"])
        let result = try #require(outcome.result)
        #expect(result["embeddings"] as? [[Double]] == [[0.25, -1], [0, 1.5]])
        #expect((result["usage"] as? [String: Any])?["input_tokens"] as? Int == 6)
    }
}
