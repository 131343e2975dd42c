import Foundation

/// Anthropic Messages (`POST /v1/messages`, streamed and not). Requires a key and
/// `anthropic-version` as the real API does; the key may come as `x-api-key` or, as recent official
/// SDKs send it, `Authorization: Bearer`.
struct AnthropicWire: WireFormat {
    var commonHeaders: [(String, String)] { [("request-id", "req_fake")] }

    func decode(_ request: HTTPRequest) -> Result<Call, Reply> {
        guard request.method == "POST", request.path == "/v1/messages" else {
            return .failure(error(404, type: "not_found_error", "Not Found"))
        }
        guard request.headers["x-api-key"] != nil || request.headers["authorization"] != nil else {
            return .failure(error(401, type: "authentication_error", "x-api-key header is required"))
        }
        guard request.headers["anthropic-version"] != nil else {
            return .failure(error(400, type: "invalid_request_error", "anthropic-version: header is required"))
        }
        guard let body = JSONBody(request.body) else {
            return .failure(error(400, type: "invalid_request_error", "There was an issue with your request body: it is not valid JSON"))
        }
        for field in ["model", "messages", "max_tokens"] where body[field] == nil {
            return .failure(error(400, type: "invalid_request_error", "\(field): Field required"))
        }
        guard let model = body.string("model") else {
            return .failure(error(400, type: "invalid_request_error", "model: Input should be a valid string"))
        }
        let scenario: Scenario
        do { scenario = try Scenario(model: model) } catch { return .failure(invalidScenarioReply(error.description)) }
        let messages = body.children("messages")
        let system = body["system"].map(messageText)
        return .success(.chat(ChatCall(
            model: model, scenario: scenario,
            prompt: messages.last(where: { $0.string("role") == "user" }).map { messageText($0["content"]) } ?? "",
            systemPrompt: system,
            stream: body.bool("stream") ?? false,
            maxTokens: body.int("max_tokens"),
            stops: body.strings("stop_sequences"),
            promptCharacters: messages.reduce(system?.count ?? 0) { $0 + messageText($1["content"]).count })))
    }

    func errorReply(status: Int, scenario: Scenario, model: String) -> Reply {
        switch status {
        case 400: return error(400, type: "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum")
        case 401: return error(401, type: "authentication_error", "invalid x-api-key")
        case 403: return error(403, type: "permission_error", "Your API key does not have permission to use the specified resource.")
        case 404: return error(404, type: "not_found_error", "model: \(model)")
        case 429:
            var reply = error(429, type: "rate_limit_error", "This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.")
            reply.headers = [
                ("retry-after", ResetTime.retryAfter(scenario)),
                ("anthropic-ratelimit-requests-limit", "50"), ("anthropic-ratelimit-requests-remaining", "0"),
                ("anthropic-ratelimit-requests-reset", ResetTime.rfc3339(secondsFromNow: scenario.retryAfterSeconds)),
            ]
            return reply
        case 529: return error(529, type: "overloaded_error", "Overloaded")
        default: return error(status, type: "api_error", "Internal server error")
        }
    }

    func invalidScenarioReply(_ message: String) -> Reply {
        error(400, type: "invalid_request_error", message)
    }

    func streamRenderer(for call: ChatCall, generation: Generation) -> any StreamRenderer {
        AnthropicStream(call: call, generation: generation)
    }

    func completionBody(for call: ChatCall, generation: Generation) -> [UInt8] {
        var out: [UInt8] = []
        out.append("{\"id\":\"msg_fake\",\"type\":\"message\",\"role\":\"assistant\",\"model\":")
        out.append(jsonString: call.model)
        out.append(",\"content\":[")
        var first = true
        if generation.pieces.contains(where: { $0.kind == .reasoning }) {
            out.append("{\"type\":\"thinking\",\"thinking\":")
            out.append(jsonString: generation.reasoningText)
            out.append(",\"signature\":\"")
            out.append(AnthropicWire.signature)
            out.append("\"}")
            first = false
        }
        if generation.pieces.contains(where: { $0.kind == .text }) {
            if !first { out.append(",") }
            out.append("{\"type\":\"text\",\"text\":")
            out.append(jsonString: generation.text)
            out.append("}")
        }
        out.append("],")
        AnthropicWire.appendStop(generation.finish, to: &out)
        if let usage = generation.usage {
            out.append(",\"usage\":")
            AnthropicWire.appendUsage(usage, outputTokens: usage.output, to: &out)
        }
        out.append("}")
        return out
    }

    func embeddingBody(for call: EmbedCall) -> [UInt8] { [] }

    /// `{"type": "error", "error": {"type", "message"}, "request_id"}`.
    func error(_ status: Int, type: String, _ message: String) -> Reply {
        var out: [UInt8] = []
        out.append("{\"type\":\"error\",\"error\":{\"type\":")
        out.append(jsonString: type)
        out.append(",\"message\":")
        out.append(jsonString: message)
        out.append("},\"request_id\":\"req_fake\"}")
        return Reply(status: status, body: out)
    }

    /// Stands in for the encrypted thinking signature clients must send back unchanged.
    static let signature = "ZmFrZS10aGlua2luZy1zaWduYXR1cmU="

    static func appendStop(_ finish: Generation.Finish, to out: inout [UInt8]) {
        out.append("\"stop_reason\":")
        switch finish {
        case .stop: out.append("\"end_turn\",\"stop_sequence\":null")
        case .length: out.append("\"max_tokens\",\"stop_sequence\":null")
        case .stopSequence(let stop):
            out.append("\"stop_sequence\",\"stop_sequence\":")
            out.append(jsonString: stop)
        }
    }

    /// input_tokens excludes the cache reads and writes, which are counted apart.
    static func appendUsage(_ usage: Generation.Usage, outputTokens: Int, to out: inout [UInt8]) {
        out.append("{\"input_tokens\":")
        out.append(int: usage.input)
        out.append(",\"cache_creation_input_tokens\":")
        out.append(int: usage.cacheWrite)
        out.append(",\"cache_read_input_tokens\":")
        out.append(int: usage.cached)
        out.append(",\"output_tokens\":")
        out.append(int: outputTokens)
        out.append("}")
    }
}

/// `event: X\ndata: {...}\n\n` events: message_start, then for each content block
/// content_block_start, content_block_delta…, content_block_stop (a thinking block, when asked
/// for, before the text block), a ping after the first block opens, message_delta, message_stop.
struct AnthropicStream: StreamRenderer {
    let call: ChatCall
    let generation: Generation
    private var openBlock: (index: Int, kind: Generation.Kind)?

    init(call: ChatCall, generation: Generation) {
        self.call = call
        self.generation = generation
    }

    private static func event(_ name: String, _ build: (inout [UInt8]) -> Void) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        out.append("event: ")
        out.append(name)
        out.append("\ndata: ")
        build(&out)
        out.append("\n\n")
        return out
    }

    private static func blockStart(_ index: Int, _ kind: Generation.Kind) -> [UInt8] {
        event("content_block_start") {
            $0.append("{\"type\":\"content_block_start\",\"index\":")
            $0.append(int: index)
            $0.append(kind == .reasoning ? ",\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}" : ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
        }
    }

    /// Ends the open block; a thinking block gets its signature first.
    private mutating func closeBlock() -> [[UInt8]] {
        guard let block = openBlock else { return [] }
        openBlock = nil
        var events: [[UInt8]] = []
        if block.kind == .reasoning {
            events.append(AnthropicStream.event("content_block_delta") {
                $0.append("{\"type\":\"content_block_delta\",\"index\":")
                $0.append(int: block.index)
                $0.append(",\"delta\":{\"type\":\"signature_delta\",\"signature\":\"")
                $0.append(AnthropicWire.signature)
                $0.append("\"}}")
            })
        }
        events.append(AnthropicStream.event("content_block_stop") {
            $0.append("{\"type\":\"content_block_stop\",\"index\":")
            $0.append(int: block.index)
            $0.append("}")
        })
        return events
    }

    mutating func opening() -> [[UInt8]] {
        let model = call.model, usage = generation.usage
        var events = [AnthropicStream.event("message_start") {
            $0.append("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_fake\",\"type\":\"message\",\"role\":\"assistant\",\"model\":")
            $0.append(jsonString: model)
            $0.append(",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null")
            if let usage {
                $0.append(",\"usage\":")
                AnthropicWire.appendUsage(usage, outputTokens: 1, to: &$0)
            }
            $0.append("}}")
        }]
        if let first = generation.pieces.first {
            openBlock = (0, first.kind)
            events.append(AnthropicStream.blockStart(0, first.kind))
        }
        events.append(AnthropicStream.event("ping") { $0.append("{\"type\":\"ping\"}") })
        return events
    }

    mutating func content(_ index: Int) -> [[UInt8]] {
        let piece = generation.pieces[index]
        var events: [[UInt8]] = []
        var blockIndex = openBlock?.index ?? 0
        if openBlock?.kind != piece.kind {
            if openBlock != nil { blockIndex += 1 }
            events += closeBlock()
            openBlock = (blockIndex, piece.kind)
            events.append(AnthropicStream.blockStart(blockIndex, piece.kind))
        }
        events.append(AnthropicStream.event("content_block_delta") {
            $0.append("{\"type\":\"content_block_delta\",\"index\":")
            $0.append(int: blockIndex)
            $0.append(piece.kind == .reasoning ? ",\"delta\":{\"type\":\"thinking_delta\",\"thinking\":" : ",\"delta\":{\"type\":\"text_delta\",\"text\":")
            $0.append(jsonString: piece.text)
            $0.append("}}")
        })
        return events
    }

    mutating func closing() -> [[UInt8]] {
        var events = closeBlock()
        let finish = generation.finish, usage = generation.usage
        events.append(AnthropicStream.event("message_delta") {
            $0.append("{\"type\":\"message_delta\",\"delta\":{")
            AnthropicWire.appendStop(finish, to: &$0)
            $0.append("}")
            if let usage {
                $0.append(",\"usage\":{\"output_tokens\":")
                $0.append(int: usage.output)
                $0.append("}")
            }
            $0.append("}")
        })
        events.append(AnthropicStream.event("message_stop") { $0.append("{\"type\":\"message_stop\"}") })
        return events
    }

    func midstreamError() -> [[UInt8]] {
        [AnthropicStream.event("error") { $0.append("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}") }]
    }

    func malformedEvent() -> [UInt8] { unterminatedEvent() + Array("\n\n".utf8) }

    func unterminatedEvent() -> [UInt8] {
        Array("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"".utf8)
    }
}
