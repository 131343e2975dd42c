import Foundation
import LLMBenchFakeServers
import Testing

struct OpenAIWireTests {
    let server: FakeProviderServer
    init() throws { server = try FakeProviderServer(api: .openai) }

    private func chat(_ model: String, prompt: String = "Capital of France?", stream: Bool, extra: String = "") -> RawHTTPClient.Response {
        RawHTTPClient.request(port: server.port, path: "/v1/chat/completions", body: Requests.openAI(model: model, prompt: prompt, stream: stream, extra: extra))
    }

    @Test func baseURLIncludesV1() {
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)/v1")
    }

    @Test func streamSendsRoleContentFinishUsageThenDone() throws {
        let model = "fake;chunks=4;reasoning=2;cached_tokens=3;input_tokens=11"
        let response = chat(model, stream: true, extra: #","stream_options":{"include_usage":true}"#)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/event-stream")
        #expect(response.headers["transfer-encoding"] == "chunked")
        let events = SSEEvent.parse(response.text)
        // Each SSE event travels in its own HTTP chunk.
        #expect(response.chunks.count == events.count)
        #expect(events.last?.data == "[DONE]")
        let chunks = try events.dropLast().map { try #require($0.json) }
        #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
        let choices = chunks.map { $0["choices"] as! [[String: Any]] }
        let deltas = choices.compactMap { $0.first?["delta"] as? [String: Any] }
        #expect(deltas.first?["role"] as? String == "assistant")
        #expect(deltas.compactMap { $0["reasoning_content"] as? String }.joined() == "Step 1. Step 2. ")
        let text = deltas.compactMap { $0["content"] as? String }.joined()
        #expect(text == (try Scenario(model: model)).answer)
        #expect(choices[choices.count - 2].first?["finish_reason"] as? String == "stop")
        // The usage chunk: empty choices; every earlier chunk has "usage": null.
        #expect(choices.last?.isEmpty == true)
        #expect(chunks.dropLast().allSatisfy { $0["usage"] is NSNull })
        let usage = try #require(chunks.last?["usage"] as? [String: Any])
        #expect(usage["prompt_tokens"] as? Int == 11)
        #expect(usage["completion_tokens"] as? Int == 6)
        #expect(usage["total_tokens"] as? Int == 17)
        #expect((usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == 3)
        #expect((usage["completion_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == 2)
    }

    @Test func streamWithoutIncludeUsageHasNoUsageChunk() throws {
        let events = SSEEvent.parse(chat("fake;chunks=2", stream: true).text)
        #expect(events.last?.data == "[DONE]")
        let chunks = events.dropLast().compactMap(\.json)
        #expect(chunks.count == 4)  // role, two content, finish
        #expect(chunks.allSatisfy { $0["usage"] == nil && ($0["choices"] as? [Any])?.count == 1 })
    }

    @Test func noUsageOmitsTheUsageChunkEvenWhenAskedFor() {
        let events = SSEEvent.parse(chat("fake;fault=no_usage", stream: true, extra: #","stream_options":{"include_usage":true}"#).text)
        #expect(events.compactMap(\.json).allSatisfy { ($0["choices"] as? [Any])?.isEmpty == false })
        #expect(chat("fake;fault=no_usage", stream: false).json?["usage"] == nil)
    }

    @Test func nonStreamedCompletion() throws {
        let response = chat("fake;text=The capital is Paris;reasoning=1", stream: false)
        #expect(response.status == 200)
        #expect(response.headers["content-length"] == String(response.body.count))
        let json = try #require(response.json)
        #expect(json["object"] as? String == "chat.completion")
        let choice = try #require((json["choices"] as? [[String: Any]])?.first)
        let message = try #require(choice["message"] as? [String: Any])
        #expect(message["role"] as? String == "assistant")
        #expect(message["content"] as? String == "The capital is Paris")
        #expect(message["reasoning_content"] as? String == "Step 1. ")
        #expect(choice["finish_reason"] as? String == "stop")
        #expect((json["usage"] as? [String: Any])?["completion_tokens"] as? Int == 5)
    }

    @Test(arguments: ["max_tokens", "max_completion_tokens"])
    func outputLimitCutsWithLengthFinish(field: String) throws {
        let json = try #require(chat("fake;text=one two three four", stream: false, extra: #","\#(field)":2"#).json)
        let choice = try #require((json["choices"] as? [[String: Any]])?.first)
        #expect((choice["message"] as? [String: Any])?["content"] as? String == "one two")
        #expect(choice["finish_reason"] as? String == "length")
        #expect((json["usage"] as? [String: Any])?["completion_tokens"] as? Int == 2)
    }

    @Test func stopSequenceCutsTheText() throws {
        let events = SSEEvent.parse(chat("fake;text=one two three four", stream: true, extra: #","stop":[" three"]"#).text)
        let deltas = events.compactMap(\.json).compactMap { ($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any] }
        #expect(deltas.compactMap { $0["content"] as? String }.joined() == "one two")
    }

    @Test func recordsPromptSystemAndHeaders() throws {
        _ = RawHTTPClient.request(port: server.port, path: "/v1/chat/completions", headers: ["Authorization": "Bearer sk-test"],
                                  body: Requests.openAI(model: "fake", prompt: "record me", stream: false))
        let record = try #require(server.record(forPrompt: "record me"))
        #expect(record.method == "POST")
        #expect(record.path == "/v1/chat/completions")
        #expect(record.headers["authorization"] == "Bearer sk-test")
        #expect(record.systemPrompt == "Answer briefly.")
        #expect(record.model == "fake")
        #expect(record.scenario?.name == "fake")
        #expect(record.status == 200)
        #expect(record.body.contains("record me"))
    }

    @Test func embeddingsAsFloatsAndBase64() throws {
        let floats = try #require(RawHTTPClient.request(port: server.port, path: "/v1/embeddings", body: #"{"model":"fake","input":["a","b"],"dimensions":8}"#).json)
        #expect(floats["object"] as? String == "list")
        let data = try #require(floats["data"] as? [[String: Any]])
        #expect(data.map { $0["index"] as? Int } == [0, 1])
        let vector = try #require(data.first?["embedding"] as? [Double])
        #expect(vector.count == 8)
        #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        #expect((floats["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 2)

        let packed = try #require(RawHTTPClient.request(port: server.port, path: "/v1/embeddings", body: #"{"model":"fake","input":"a","encoding_format":"base64"}"#).json)
        let encoded = try #require((packed["data"] as? [[String: Any]])?.first?["embedding"] as? String)
        #expect(Data(base64Encoded: encoded)?.count == 16 * 4)
    }

    @Test func unknownScenarioKeyIsAnInvalidRequest() throws {
        let response = chat("fake;speed=9", stream: false)
        #expect(response.status == 400)
        let error = try #require(response.json?["error"] as? [String: Any])
        #expect((error["message"] as? String)?.contains("speed") == true)
        #expect(error["type"] as? String == "invalid_request_error")
    }

    @Test func unknownPathIs404InOpenAIShape() {
        let response = RawHTTPClient.request(port: server.port, path: "/v1/completions", body: "{}")
        #expect(response.status == 404)
        #expect((response.json?["error"] as? [String: Any])?["message"] as? String == "Invalid URL (POST /v1/completions)")
    }

    @Test func midstreamErrorIsADataLineWithAnErrorObject() throws {
        let events = SSEEvent.parse(chat("fake;chunks=3;fault=midstream_error", stream: true).text)
        let error = try #require(events.last?.json?["error"] as? [String: Any])
        #expect(error["type"] as? String == "server_error")
        #expect(!events.contains { $0.data == "[DONE]" })
    }
}
