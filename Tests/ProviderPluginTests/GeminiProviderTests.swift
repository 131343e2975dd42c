import CLLMBenchPluginABI
import Foundation
import LLMBenchPluginTesting
import LLMBenchTestSupport
import Testing

struct GeminiProviderTests {
    let plugin: PluginLibrary
    init() throws { plugin = try PluginLibrary.load(path: TestPaths.builtPlugin("LLMBenchGemini")) }

    static var config: [String: Any] { ["provider_id": "g", "model": "gemini-x", "api_key": "gk-test", "options": [String: Any]()] }

    /// streamGenerateContent?alt=sse: a thought part, text over two chunks, then finishReason and usage.
    static let stream = [
        #"{"candidates":[{"content":{"parts":[{"text":"Considering.","thought":true}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},"modelVersion":"gemini-x"}"#,
        #"{"candidates":[{"content":{"parts":[{"text":"Hello"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":8},"modelVersion":"gemini-x"}"#,
        #"{"candidates":[{"content":{"parts":[{"text":", wörld\n"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":4,"cachedContentTokenCount":2,"thoughtsTokenCount":6,"totalTokenCount":18},"modelVersion":"gemini-x"}"#,
    ].map { "data: \($0)\r\n\r\n" }.joined()

    @Test func buildsTheRequestWithSystemInstructionRolesAndGenerationConfig() throws {
        let options: [String: Any] = ["temperature": 0.3, "top_p": 0.7, "max_tokens": 99, "stop": ["X"], "seed": 11, "thinking_budget": 512]
        let outcome = try plugin.call(config: Self.config, request: completionRequest(model: "models/gemini-x", messages: [("system", "Be brief."), ("system", "Sys"), ("user", "Hi"), ("assistant", "Yo"), ("user", "More")],
                                                                                     options: options), responses: [.events(Self.stream)])
        let request = try #require(outcome.requests.first)
        #expect(request.url == "https://generativelanguage.googleapis.com/v1beta/models/gemini-x:streamGenerateContent?alt=sse" && request.streamed)
        #expect(request.header("x-goog-api-key") == "gk-test" && request.header("authorization") == nil)
        let body = request.json
        let system = try #require(body["systemInstruction"] as? [String: Any])
        #expect(system["parts"] as? [[String: String]] == [["text": "Be brief.\n\nSys"]])
        let contents = try #require(body["contents"] as? [[String: Any]])
        #expect(contents.map { $0["role"] as? String } == ["user", "model", "user"])
        #expect((contents[1]["parts"] as? [[String: String]]) == [["text": "Yo"]])
        let config = try #require(body["generationConfig"] as? [String: Any])
        #expect(config["temperature"] as? Double == 0.3 && config["topP"] as? Double == 0.7 && config["maxOutputTokens"] as? Int == 99)
        #expect(config["stopSequences"] as? [String] == ["X"] && config["seed"] as? Int == 11)
        let thinking = try #require(config["thinkingConfig"] as? [String: Any])
        #expect(thinking["thinkingBudget"] as? Int == 512 && thinking["includeThoughts"] as? Bool == true)

        let plain = try plugin.call(config: Self.config, request: completionRequest(options: ["stream": false]), responses: [.json(Self.stream.components(separatedBy: "data: ")[3])])
        #expect(plain.requests.first?.url == "https://generativelanguage.googleapis.com/v1beta/models/m:generateContent")
        #expect(plain.requests.first?.json["generationConfig"] == nil && plain.requests.first?.streamed == false)
        #expect(plain.status == PluginStatus.ok && plain.text == ", wörld\n")
    }

    @Test func translatesTheStreamWhereverTheChunksBreak() throws {
        let reference = try plugin.call(config: Self.config, request: completionRequest(), responses: [.events(Self.stream)])
        #expect(reference.status == PluginStatus.ok)
        #expect(reference.deltas == ["reasoning:Considering.", "text:Hello", "text:, wörld\n"])
        #expect(reference.finish == "stop")
        let usage = try #require(reference.usage)
        #expect(usage["input_tokens"] as? Int == 8 && usage["output_tokens"] as? Int == 10)
        #expect(usage["cached_input_tokens"] as? Int == 2 && usage["reasoning_tokens"] as? Int == 6)
        let bytes = Array(Self.stream.utf8)
        for cut in stride(from: 1, to: bytes.count, by: 5) {
            let outcome = try plugin.call(config: Self.config, request: completionRequest(), responses: [.events(Self.stream, cuts: [cut])])
            #expect(outcome.deltas == reference.deltas && outcome.usage?["output_tokens"] as? Int == 10, "cut at \(cut)")
        }
    }

    @Test func safetyBlocksAreContentFilterFailures() throws {
        let blockedAnswer = #"data: {"candidates":[{"content":{"parts":[{"text":"Part"}],"role":"model"},"finishReason":"SAFETY","index":0}]}"# + "\n\n"
        let first = try plugin.call(config: Self.config, request: completionRequest(), responses: [.events(blockedAnswer)])
        #expect(first.status == PluginStatus.of(LLMBENCH_ERR_CONTENT_FILTER) && first.error?.data.contains("SAFETY") == true)
        let blockedPrompt = #"{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":5}}"#
        let second = try plugin.call(config: Self.config, request: completionRequest(options: ["stream": false]), responses: [.json(blockedPrompt)])
        #expect(second.status == PluginStatus.of(LLMBENCH_ERR_CONTENT_FILTER) && second.error?.data.contains("PROHIBITED_CONTENT") == true)
        let recitation = blockedAnswer.replacingOccurrences(of: "SAFETY", with: "RECITATION")
        #expect(try plugin.call(config: Self.config, request: completionRequest(), responses: [.events(recitation)]).status == PluginStatus.of(LLMBENCH_ERR_CONTENT_FILTER))
    }

    @Test func aStreamWithoutFinishReasonEndedEarly() throws {
        let truncated = Self.stream.components(separatedBy: "data: ").prefix(3).joined(separator: "data: ")
        let outcome = try plugin.call(config: Self.config, request: completionRequest(), responses: [.events(truncated)])
        #expect(outcome.status == PluginStatus.of(LLMBENCH_ERR_NETWORK) && outcome.error?.data.contains("stream ended early") == true)
    }

    @Test func classifiesErrorsWithTheRetryDelayFromTheBody() throws {
        func failure(_ response: ScriptedResponse) throws -> EmittedEvent {
            try #require(try plugin.call(config: Self.config, request: completionRequest(model: "gemini-nope"), responses: [response]).error)
        }
        let exhausted = #"""
            {"error":{"code":429,"message":"You exceeded your current quota.","status":"RESOURCE_EXHAUSTED","details":[
              {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[]},
              {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"13s"}]}}
            """#
        let limited = try failure(.json(exhausted, status: 429))
        #expect(limited.errorCode == PluginStatus.of(LLMBENCH_ERR_RATE_LIMITED) && limited.httpStatus == 429 && limited.retryAfterMs == 13_000)
        #expect(limited.data.contains("exceeded your current quota"))
        let asArray = try failure(.json("[" + exhausted + "]", status: 429))
        #expect(asArray.retryAfterMs == 13_000)
        let auth = try failure(.json(#"{"error":{"code":403,"message":"API key not valid.","status":"PERMISSION_DENIED"}}"#, status: 403))
        #expect(auth.errorCode == PluginStatus.of(LLMBENCH_ERR_AUTH) && auth.httpStatus == 403)
        let missing = try failure(.json(#"{"error":{"code":404,"message":"models/gemini-nope is not found","status":"NOT_FOUND"}}"#, status: 404))
        #expect(missing.errorCode == PluginStatus.of(LLMBENCH_ERR_NOT_FOUND) && missing.data.contains("'gemini-nope'"))
        let invalid = try failure(.json(#"{"error":{"code":400,"message":"Invalid value at 'generation_config.temperature'","status":"INVALID_ARGUMENT"}}"#, status: 400))
        #expect(invalid.errorCode == PluginStatus.of(LLMBENCH_ERR_INVALID_REQUEST) && invalid.data.contains("generation_config.temperature"))
        let unavailable = try failure(.json(#"{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}"#, status: 503))
        #expect(unavailable.errorCode == PluginStatus.of(LLMBENCH_ERR_SERVER) && unavailable.httpStatus == 503)
    }

    @Test func embedsOneInputWithEmbedContentAndSeveralWithBatchEmbedContents() throws {
        let one = try plugin.call(config: Self.config, request: ["model": "text-embedding-004", "inputs": ["a"]],
                                  responses: [.json(#"{"embedding":{"values":[0.5,-0.25,1]}}"#)], embed: true)
        #expect(one.status == PluginStatus.ok)
        let single = try #require(one.requests.first)
        #expect(single.url == "https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:embedContent")
        #expect(((single.json["content"] as? [String: Any])?["parts"] as? [[String: String]]) == [["text": "a"]])
        #expect(one.result?["embeddings"] as? [[Double]] == [[0.5, -0.25, 1]])

        let several = try plugin.call(config: Self.config, request: ["model": "text-embedding-004", "inputs": ["a", "b"]],
                                      responses: [.json(#"{"embeddings":[{"values":[1,0]},{"values":[0,1]}]}"#)], embed: true)
        let batch = try #require(several.requests.first)
        #expect(batch.url == "https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:batchEmbedContents")
        let requests = try #require(batch.json["requests"] as? [[String: Any]])
        #expect(requests.map { $0["model"] as? String } == ["models/text-embedding-004", "models/text-embedding-004"])
        #expect(several.result?["embeddings"] as? [[Double]] == [[1, 0], [0, 1]])
    }

    @Test func refusesAMissingKeyForGooglesEndpoint() throws {
        let host = ScriptedHost([])
        let noKey = plugin.create(["provider_id": "g", "model": "m", "options": [String: Any]()], host: host)
        #expect(noKey.status == PluginStatus.of(LLMBENCH_ERR_AUTH) && noKey.message?.contains("gemini") == true)
        let local = plugin.create(["provider_id": "g", "model": "m", "base_url": "http://127.0.0.1:9/v1beta", "options": [String: Any]()], host: host)
        #expect(local.status == PluginStatus.ok)
        let badBudget = plugin.create(Self.config.merging(["options": ["thinking_budget": "lots"]]) { $1 }, host: host)
        #expect(badBudget.status == PluginStatus.of(LLMBENCH_ERR_INVALID_REQUEST))
    }
}
