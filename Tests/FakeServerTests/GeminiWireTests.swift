import Foundation
import LLMBenchFakeServers
import Testing

struct GeminiWireTests {
    let server: FakeProviderServer
    init() throws { server = try FakeProviderServer(api: .gemini) }

    private func call(_ model: String, _ method: String, body: String = Requests.gemini(prompt: "Capital of France?"),
                      headers: [String: String] = Requests.geminiHeaders) -> RawHTTPClient.Response {
        RawHTTPClient.request(port: server.port, path: Requests.geminiPath(model: model, method: method), headers: headers, body: body)
    }

    @Test func baseURLIncludesV1beta() {
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)/v1beta")
    }

    @Test func sseStreamEndsEventsWithCRLFAndCarriesThoughtsAndUsage() throws {
        let model = "fake;chunks=3;reasoning=1;input_tokens=9;cached_tokens=4"
        let response = call(model, "streamGenerateContent?alt=sse")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/event-stream")
        #expect(response.text.hasSuffix("}\r\n\r\n"))
        let events = SSEEvent.parse(response.text)
        #expect(events.count == 4)
        #expect(response.chunks.count == 4)
        let payloads = try events.map { try #require($0.json) }
        let parts = payloads.map { (($0["candidates"] as? [[String: Any]])?.first?["content"] as? [String: Any])?["parts"] as? [[String: Any]] ?? [] }
        #expect(parts[0].first?["thought"] as? Bool == true)
        #expect(parts.dropFirst().flatMap { $0 }.compactMap { $0["text"] as? String }.joined() == (try Scenario(model: model)).answer)
        let last = try #require((payloads.last?["candidates"] as? [[String: Any]])?.first)
        #expect(last["finishReason"] as? String == "STOP")
        #expect(payloads.dropLast().allSatisfy { (($0["candidates"] as? [[String: Any]])?.first?["finishReason"]) == nil })
        let usage = try #require(payloads.last?["usageMetadata"] as? [String: Any])
        #expect(usage["promptTokenCount"] as? Int == 9)
        #expect(usage["candidatesTokenCount"] as? Int == 3)
        #expect(usage["thoughtsTokenCount"] as? Int == 1)
        #expect(usage["cachedContentTokenCount"] as? Int == 4)
        #expect(usage["totalTokenCount"] as? Int == 13)
    }

    @Test func streamWithoutAltSSEIsAJSONArray() throws {
        let response = call("fake;chunks=3", "streamGenerateContent")
        #expect(response.headers["content-type"] == "application/json")
        let array = try #require((try? JSONSerialization.jsonObject(with: Data(response.body))) as? [[String: Any]])
        #expect(array.count == 3)
    }

    @Test func generateContentAndMaxOutputTokens() throws {
        let whole = try #require(call("fake;text=a b c", "generateContent").json)
        let candidate = try #require((whole["candidates"] as? [[String: Any]])?.first)
        #expect(((candidate["content"] as? [String: Any])?["parts"] as? [[String: Any]])?.first?["text"] as? String == "a b c")
        #expect(candidate["finishReason"] as? String == "STOP")
        let cut = try #require(call("fake;text=a b c", "generateContent", body: Requests.gemini(prompt: "x", extra: #","generationConfig":{"maxOutputTokens":1}"#)).json)
        #expect((cut["candidates"] as? [[String: Any]])?.first?["finishReason"] as? String == "MAX_TOKENS")
    }

    @Test func modelIsDecodedFromThePathAndPromptsRecorded() throws {
        _ = call("fake;ttft=1", "generateContent", body: Requests.gemini(prompt: "decode me"))
        let record = try #require(server.record(forPrompt: "decode me"))
        #expect(record.model == "fake;ttft=1")
        #expect(record.scenario?.ttftMs == 1)
        #expect(record.systemPrompt == "Answer briefly.")
        #expect(record.path.contains("%3B"))
    }

    @Test func missingKeyIsPermissionDenied() throws {
        let response = call("fake", "generateContent", headers: [:])
        #expect(response.status == 403)
        #expect((response.json?["error"] as? [String: Any])?["status"] as? String == "PERMISSION_DENIED")
        // The key may also travel as a query parameter.
        #expect(call("fake", "generateContent?key=k", headers: [:]).status == 200)
    }

    @Test func embedContentAndBatch() throws {
        let one = try #require(call("fake", "embedContent", body: #"{"content":{"parts":[{"text":"hi"}]},"outputDimensionality":5}"#).json)
        #expect(((one["embedding"] as? [String: Any])?["values"] as? [Double])?.count == 5)
        let batch = try #require(call("fake", "batchEmbedContents", body:
            #"{"requests":[{"model":"models/fake","content":{"parts":[{"text":"a"}]}},{"model":"models/fake","content":{"parts":[{"text":"b"}]}}]}"#).json)
        let embeddings = try #require(batch["embeddings"] as? [[String: Any]])
        #expect(embeddings.count == 2)
        #expect((embeddings[0]["values"] as? [Double]) != (embeddings[1]["values"] as? [Double]))
    }

    @Test func safetyBlocksTheCandidateOrThePrompt() throws {
        let candidate = try #require((call("fake;fault=safety", "generateContent").json?["candidates"] as? [[String: Any]])?.first)
        #expect(candidate["finishReason"] as? String == "SAFETY")
        #expect((candidate["safetyRatings"] as? [[String: Any]])?.contains { $0["blocked"] as? Bool == true } == true)
        #expect(candidate["content"] == nil)

        let events = SSEEvent.parse(call("fake;fault=safety;block=prompt", "streamGenerateContent?alt=sse").text)
        #expect(events.count == 1)
        #expect((events.first?.json?["promptFeedback"] as? [String: Any])?["blockReason"] as? String == "SAFETY")
    }

    @Test func rateLimitIsResourceExhaustedWithRetryInfo() throws {
        let response = call("fake;fault=429;retry_after=7", "generateContent")
        #expect(response.status == 429)
        #expect(response.headers["retry-after"] == "7")
        let error = try #require(response.json?["error"] as? [String: Any])
        #expect(error["code"] as? Int == 429)
        #expect(error["status"] as? String == "RESOURCE_EXHAUSTED")
        #expect((error["details"] as? [[String: Any]])?.contains { $0["retryDelay"] as? String == "7s" } == true)
    }
}
