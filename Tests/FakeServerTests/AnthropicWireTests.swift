import Foundation
import LLMBenchFakeServers
import Testing

struct AnthropicWireTests {
    let server: FakeProviderServer
    init() throws { server = try FakeProviderServer(api: .anthropic) }

    private func messages(_ model: String, prompt: String = "Capital of France?", stream: Bool, extra: String = "",
                          headers: [String: String] = Requests.anthropicHeaders) -> RawHTTPClient.Response {
        RawHTTPClient.request(port: server.port, path: "/v1/messages", headers: headers,
                              body: Requests.anthropic(model: model, prompt: prompt, stream: stream, extra: extra))
    }

    @Test func baseURLIsTheHostOnly() {
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
    }

    @Test func streamFollowsTheDocumentedEventFlow() throws {
        let model = "fake;chunks=2;reasoning=2;input_tokens=20;cached_tokens=7;cache_write_tokens=5"
        let response = messages(model, stream: true)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/event-stream")
        let events = SSEEvent.parse(response.text)
        #expect(response.chunks.count == events.count)
        #expect(events.map { $0.event ?? "" } == [
            "message_start", "content_block_start", "ping",
            "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",  // thinking, signature
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",  // text
            "message_delta", "message_stop",
        ])
        let payloads = try events.map { try #require($0.json) }
        // The data's type repeats the event name.
        #expect(zip(events, payloads).allSatisfy { $0.event == $1["type"] as? String })
        let start = try #require(payloads[0]["message"] as? [String: Any])
        #expect((start["content"] as? [Any])?.isEmpty == true)
        let usage = try #require(start["usage"] as? [String: Any])
        #expect(usage["input_tokens"] as? Int == 20)
        #expect(usage["cache_read_input_tokens"] as? Int == 7)
        #expect(usage["cache_creation_input_tokens"] as? Int == 5)
        #expect((payloads[1]["content_block"] as? [String: Any])?["type"] as? String == "thinking")
        let deltas = payloads.compactMap { $0["delta"] as? [String: Any] }
        #expect(deltas.compactMap { $0["thinking"] as? String }.joined() == "Step 1. Step 2. ")
        #expect(deltas.contains { $0["type"] as? String == "signature_delta" })
        #expect(deltas.filter { $0["type"] as? String == "text_delta" }.compactMap { $0["text"] as? String }.joined() == (try Scenario(model: model)).answer)
        #expect((payloads[7]["content_block"] as? [String: Any])?["type"] as? String == "text")
        #expect(payloads[7]["index"] as? Int == 1)
        let messageDelta = payloads[11]
        #expect((messageDelta["delta"] as? [String: Any])?["stop_reason"] as? String == "end_turn")
        #expect((messageDelta["usage"] as? [String: Any])?["output_tokens"] as? Int == 4)
    }

    @Test func nonStreamedMessageWithThinking() throws {
        let json = try #require(messages("fake;text=Paris it is;reasoning=1", stream: false).json)
        #expect(json["type"] as? String == "message")
        let content = try #require(json["content"] as? [[String: Any]])
        #expect(content.map { $0["type"] as? String } == ["thinking", "text"])
        #expect(content[1]["text"] as? String == "Paris it is")
        #expect(json["stop_reason"] as? String == "end_turn")
        #expect((json["usage"] as? [String: Any])?["output_tokens"] as? Int == 4)
    }

    @Test func maxTokensAndStopSequences() throws {
        let cut = try #require(messages("fake;text=a b c d", stream: false, extra: "").json)
        #expect(cut["stop_reason"] as? String == "end_turn")
        let limited = try #require(RawHTTPClient.request(port: server.port, path: "/v1/messages", headers: Requests.anthropicHeaders, body:
            #"{"model":"fake;text=a b c d","max_tokens":2,"messages":[{"role":"user","content":"x"}]}"#).json)
        #expect(limited["stop_reason"] as? String == "max_tokens")
        #expect(((limited["content"] as? [[String: Any]])?.first?["text"] as? String) == "a b")
        let stopped = try #require(messages("fake;text=a b c d", stream: false, extra: #","stop_sequences":[" c"]"#).json)
        #expect(stopped["stop_reason"] as? String == "stop_sequence")
        #expect(stopped["stop_sequence"] as? String == " c")
    }

    @Test func missingApiKeyIs401AndMissingVersionIs400() throws {
        let noKey = messages("fake", stream: false, headers: ["anthropic-version": "2023-06-01"])
        #expect(noKey.status == 401)
        #expect(noKey.json?["type"] as? String == "error")
        #expect((noKey.json?["error"] as? [String: Any])?["type"] as? String == "authentication_error")
        let noVersion = messages("fake", stream: false, headers: ["x-api-key": "k"])
        #expect(noVersion.status == 400)
        #expect((noVersion.json?["error"] as? [String: Any])?["message"] as? String == "anthropic-version: header is required")
        // Recent official SDKs send the key as a bearer token.
        #expect(messages("fake", stream: false, headers: ["authorization": "Bearer k", "anthropic-version": "2023-06-01"]).status == 200)
    }

    @Test func recordsTopLevelSystemAndLastUserMessage() throws {
        _ = RawHTTPClient.request(port: server.port, path: "/v1/messages", headers: Requests.anthropicHeaders, body:
            #"{"model":"fake","max_tokens":10,"system":[{"type":"text","text":"Be terse."}],"messages":[{"role":"user","content":"first"},{"role":"assistant","content":"ok"},{"role":"user","content":"second"}]}"#)
        let record = try #require(server.record(forPrompt: "second"))
        #expect(record.systemPrompt == "Be terse.")
        #expect(record.headers["x-api-key"] == "test-key")
    }

    @Test func overloadedIs529WithOverloadedError() throws {
        let response = messages("fake;fault=529", stream: true)
        #expect(response.status == 529)
        #expect((response.json?["error"] as? [String: Any])?["type"] as? String == "overloaded_error")
        #expect(response.json?["request_id"] is String)
    }

    @Test func rateLimitCarriesRetryAfterAndRFC3339Reset() throws {
        let response = messages("fake;fault=429;retry_after=5", stream: false)
        #expect(response.status == 429)
        #expect(response.headers["retry-after"] == "5")
        let reset = try #require(response.headers["anthropic-ratelimit-requests-reset"])
        let date = try #require(ISO8601DateFormatter().date(from: reset))
        #expect(abs(date.timeIntervalSinceNow - 5) < 3)
        #expect((response.json?["error"] as? [String: Any])?["type"] as? String == "rate_limit_error")
    }

    @Test func midstreamErrorIsAnErrorEventAfterOneChunk() throws {
        let events = SSEEvent.parse(messages("fake;chunks=3;fault=midstream_error", stream: true).text)
        #expect(events.filter { $0.event == "content_block_delta" }.count == 1)
        #expect(events.last?.event == "error")
        #expect((events.last?.json?["error"] as? [String: Any])?["type"] as? String == "overloaded_error")
        #expect(!events.contains { $0.event == "message_stop" })
    }
}
