import Foundation

/// OpenAI Chat Completions (`POST /v1/chat/completions`, streamed and not) and Embeddings
/// (`POST /v1/embeddings`). Reasoning goes out as `reasoning_content` deltas, as vLLM and DeepSeek
/// send it; the OpenAI API itself keeps reasoning hidden and only counts it.
struct OpenAIWire: WireFormat {
    var commonHeaders: [(String, String)] { [("x-request-id", "req_fake")] }

    func decode(_ request: HTTPRequest) -> Result<Call, Reply> {
        let path = request.path
        guard request.method == "POST", path == "/v1/chat/completions" || path == "/v1/embeddings" else {
            return .failure(error(404, "Invalid URL (\(request.method) \(path))", type: "invalid_request_error"))
        }
        guard let body = JSONBody(request.body) else {
            return .failure(error(400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)", type: "invalid_request_error"))
        }
        guard let model = body.string("model") else {
            return .failure(error(400, "you must provide a model parameter", type: "invalid_request_error"))
        }
        let scenario: Scenario
        do { scenario = try Scenario(model: model) } catch { return .failure(invalidScenarioReply(error.description)) }

        if path == "/v1/embeddings" {
            guard let input = body["input"] else {
                return .failure(error(400, "Missing required parameter: 'input'.", type: "invalid_request_error", param: "input", code: "missing_required_parameter"))
            }
            return .success(.embed(EmbedCall(
                model: model, scenario: scenario, inputs: OpenAIWire.embeddingInputs(input),
                dimensions: body.int("dimensions"), base64: body.string("encoding_format") == "base64")))
        }

        guard body["messages"] is [Any] else {
            return .failure(error(400, "Missing required parameter: 'messages'.", type: "invalid_request_error", param: "messages", code: "missing_required_parameter"))
        }
        let messages = body.children("messages")
        let prompt = messages.last(where: { $0.string("role") == "user" }).map { messageText($0["content"]) } ?? ""
        let system = messages.filter { ["system", "developer"].contains($0.string("role")) }.map { messageText($0["content"]) }
        return .success(.chat(ChatCall(
            model: model, scenario: scenario, prompt: prompt, systemPrompt: system.isEmpty ? nil : system.joined(separator: "\n"),
            stream: body.bool("stream") ?? false,
            maxTokens: body.int("max_completion_tokens") ?? body.int("max_tokens"),
            stops: body.strings("stop"),
            promptCharacters: messages.reduce(0) { $0 + messageText($1["content"]).count },
            includeUsage: body.child("stream_options")?.bool("include_usage") ?? false)))
    }

    func errorReply(status: Int, scenario: Scenario, model: String) -> Reply {
        switch status {
        case 400:
            return error(400, "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.", type: "invalid_request_error", param: "messages", code: "context_length_exceeded")
        case 401:
            return error(401, "Incorrect API key provided: sk-fake. You can find your API key at https://platform.openai.com/account/api-keys.", type: "invalid_request_error", code: "invalid_api_key")
        case 403:
            return error(403, "Country, region, or territory not supported", type: "request_forbidden", code: "unsupported_country_region_territory")
        case 404:
            return error(404, "The model `\(model)` does not exist or you do not have access to it.", type: "invalid_request_error", code: "model_not_found")
        case 429:
            var reply = error(429, "Rate limit reached for \(model) in organization org-fake on requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in \(scenario.retryAfterSeconds)s.", type: "requests", code: "rate_limit_exceeded")
            reply.headers = [
                ("Retry-After", ResetTime.retryAfter(scenario)),
                ("x-ratelimit-limit-requests", "60"), ("x-ratelimit-remaining-requests", "0"),
                ("x-ratelimit-reset-requests", "\(scenario.retryAfterSeconds)s"),
            ]
            return reply
        case 500:
            return error(500, "The server had an error while processing your request. Sorry about that!", type: "server_error")
        default:
            return error(status, "The server is overloaded or not ready yet.", type: "server_error")
        }
    }

    func invalidScenarioReply(_ message: String) -> Reply {
        error(400, message, type: "invalid_request_error", param: "model")
    }

    func streamRenderer(for call: ChatCall, generation: Generation) -> any StreamRenderer {
        OpenAIStream(call: call, generation: generation, created: time(nil))
    }

    func completionBody(for call: ChatCall, generation: Generation) -> [UInt8] {
        var out: [UInt8] = []
        out.append("{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion\",\"created\":")
        out.append(int: time(nil))
        out.append(",\"model\":")
        out.append(jsonString: call.model)
        out.append(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":")
        out.append(jsonString: generation.text)
        if generation.pieces.contains(where: { $0.kind == .reasoning }) {
            out.append(",\"reasoning_content\":")
            out.append(jsonString: generation.reasoningText)
        }
        out.append(",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":")
        out.append(jsonString: OpenAIWire.finishReason(generation.finish))
        out.append("}]")
        if let usage = generation.usage {
            out.append(",\"usage\":")
            OpenAIWire.appendUsage(usage, to: &out)
        }
        out.append(",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_fake\"}")
        return out
    }

    func embeddingBody(for call: EmbedCall) -> [UInt8] {
        var out: [UInt8] = []
        out.append("{\"object\":\"list\",\"data\":[")
        for (index, input) in call.inputs.enumerated() {
            if index > 0 { out.append(",") }
            out.append("{\"object\":\"embedding\",\"index\":")
            out.append(int: index)
            out.append(",\"embedding\":")
            let vector = FakeEmbedding.vector(for: input, dimensions: call.dimensions ?? call.scenario.dimensions)
            if call.base64 { out.append(jsonString: FakeEmbedding.base64(vector)) } else { FakeEmbedding.appendJSON(vector, to: &out) }
            out.append("}")
        }
        out.append("],\"model\":")
        out.append(jsonString: call.model)
        if call.scenario.fault != .noUsage {
            let tokens = call.scenario.inputTokens ?? call.inputs.reduce(0) { $0 + max(1, ($1.count + 3) / 4) }
            out.append(",\"usage\":{\"prompt_tokens\":")
            out.append(int: tokens)
            out.append(",\"total_tokens\":")
            out.append(int: tokens)
            out.append("}")
        }
        out.append("}")
        return out
    }

    /// `{"error": {"message", "type", "param", "code"}}`, OpenAI's error shape for every status.
    func error(_ status: Int, _ message: String, type: String, param: String? = nil, code: String? = nil) -> Reply {
        Reply(status: status, body: OpenAIWire.errorObject(message, type: type, param: param, code: code))
    }

    static func errorObject(_ message: String, type: String, param: String? = nil, code: String? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.append("{\"error\":{\"message\":")
        out.append(jsonString: message)
        out.append(",\"type\":")
        out.append(jsonString: type)
        out.append(",\"param\":")
        out.append(jsonStringOrNull: param)
        out.append(",\"code\":")
        out.append(jsonStringOrNull: code)
        out.append("}}")
        return out
    }

    static func finishReason(_ finish: Generation.Finish) -> String {
        finish == .length ? "length" : "stop"
    }

    static func appendUsage(_ usage: Generation.Usage, to out: inout [UInt8]) {
        // prompt_tokens counts cached tokens too; completion_tokens counts reasoning tokens too.
        out.append("{\"prompt_tokens\":")
        out.append(int: usage.input)
        out.append(",\"completion_tokens\":")
        out.append(int: usage.output)
        out.append(",\"total_tokens\":")
        out.append(int: usage.input + usage.output)
        out.append(",\"prompt_tokens_details\":{\"cached_tokens\":")
        out.append(int: usage.cached)
        out.append(",\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":")
        out.append(int: usage.reasoning)
        out.append(",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}")
    }

    static func embeddingInputs(_ input: Any) -> [String] {
        if let text = input as? String { return [text] }
        guard let items = input as? [Any] else { return [] }
        if items.allSatisfy({ $0 is String }) { return items.compactMap { $0 as? String } }
        // Token arrays: one input, or an array of them; embed their textual form.
        if items.allSatisfy({ $0 is [Any] }) { return items.map { "\($0)" } }
        return ["\(items)"]
    }
}

/// `data: {chat.completion.chunk}` events: a role chunk, one chunk per content piece, a chunk with
/// `finish_reason`, a usage chunk with `"choices": []` when asked for, then `data: [DONE]`.
struct OpenAIStream: StreamRenderer {
    let call: ChatCall
    let generation: Generation
    /// Everything up to the delta, shared by all chunks.
    private let prefix: [UInt8]
    private let suffixOpen: [UInt8]

    init(call: ChatCall, generation: Generation, created: Int) {
        self.call = call
        self.generation = generation
        var head: [UInt8] = []
        head.append("data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":")
        head.append(int: created)
        head.append(",\"model\":")
        head.append(jsonString: call.model)
        head.append(",\"system_fingerprint\":\"fp_fake\",\"choices\":")
        prefix = head
        // With include_usage every chunk but the last carries "usage": null.
        suffixOpen = Array((call.includeUsage ? ",\"usage\":null}\n\n" : "}\n\n").utf8)
    }

    private func chunk(delta: [UInt8], finishReason: String?) -> [UInt8] {
        var out = prefix
        out.reserveCapacity(prefix.count + delta.count + 80)
        out.append("[{\"index\":0,\"delta\":")
        out.append(contentsOf: delta)
        out.append(",\"logprobs\":null,\"finish_reason\":")
        out.append(jsonStringOrNull: finishReason)
        out.append("}]")
        out.append(contentsOf: suffixOpen)
        return out
    }

    mutating func opening() -> [[UInt8]] {
        [chunk(delta: Array("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}".utf8), finishReason: nil)]
    }

    mutating func content(_ index: Int) -> [[UInt8]] {
        let piece = generation.pieces[index]
        var delta: [UInt8] = []
        delta.append(piece.kind == .reasoning ? "{\"reasoning_content\":" : "{\"content\":")
        delta.append(jsonString: piece.text)
        delta.append("}")
        return [chunk(delta: delta, finishReason: nil)]
    }

    mutating func closing() -> [[UInt8]] {
        var events = [chunk(delta: Array("{}".utf8), finishReason: OpenAIWire.finishReason(generation.finish))]
        if call.includeUsage, let usage = generation.usage {
            var out = prefix
            out.append("[],\"usage\":")
            OpenAIWire.appendUsage(usage, to: &out)
            out.append("}\n\n")
            events.append(out)
        }
        events.append(Array("data: [DONE]\n\n".utf8))
        return events
    }

    func midstreamError() -> [[UInt8]] {
        var out: [UInt8] = Array("data: ".utf8)
        out += OpenAIWire.errorObject("The server had an error while processing your request. Sorry about that!", type: "server_error")
        out.append("\n\n")
        return [out]
    }

    func malformedEvent() -> [UInt8] { unterminatedEvent() + Array("\n\n".utf8) }

    func unterminatedEvent() -> [UInt8] {
        var out = prefix
        out.append("[{\"index\":0,\"delta\":{\"content\":\"")
        return out
    }
}
