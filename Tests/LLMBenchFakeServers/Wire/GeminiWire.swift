import Foundation

/// Gemini API v1beta: `models/{model}:generateContent`, `:streamGenerateContent` (SSE with
/// `alt=sse`, else a JSON array streamed element by element), `:embedContent`,
/// `:batchEmbedContents`. The model is in the path; the key in `x-goog-api-key` (or `?key=`).
struct GeminiWire: WireFormat {
    var commonHeaders: [(String, String)] { [] }
    var blocksForSafety: Bool { true }

    func decode(_ request: HTTPRequest) -> Result<Call, Reply> {
        let prefix = "/v1beta/models/"
        let path = percentDecoded(String(request.path))
        guard request.method == "POST", path.hasPrefix(prefix), let colon = path.lastIndex(of: ":") else {
            return .failure(error(404, "NOT_FOUND", "The requested URL \(request.path) was not found on this server."))
        }
        let model = String(path[path.index(path.startIndex, offsetBy: prefix.count)..<colon])
        let method = String(path[path.index(after: colon)...])
        guard ["generateContent", "streamGenerateContent", "embedContent", "batchEmbedContents"].contains(method) else {
            return .failure(error(404, "NOT_FOUND", "Method \(method) is not found for models/\(model)."))
        }
        guard request.headers["x-goog-api-key"] != nil || request.query("key") != nil else {
            return .failure(error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."))
        }
        guard let body = JSONBody(request.body) else {
            return .failure(error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unexpected token."))
        }
        let scenario: Scenario
        do { scenario = try Scenario(model: model) } catch { return .failure(invalidScenarioReply(error.description)) }

        // The REST API accepts both the proto's camelCase and snake_case field names.
        func child(_ body: JSONBody, _ camel: String, _ snake: String) -> JSONBody? { body.child(camel) ?? body.child(snake) }
        func int(_ body: JSONBody?, _ camel: String, _ snake: String) -> Int? { body?.int(camel) ?? body?.int(snake) }
        func text(_ content: JSONBody?) -> String { content?.children("parts").compactMap { $0.string("text") }.joined() ?? "" }

        switch method {
        case "embedContent":
            return .success(.embed(EmbedCall(
                model: model, scenario: scenario, inputs: [text(body.child("content"))],
                dimensions: int(body, "outputDimensionality", "output_dimensionality"))))
        case "batchEmbedContents":
            let requests = body.children("requests")
            return .success(.embed(EmbedCall(
                model: model, scenario: scenario, inputs: requests.map { text($0.child("content")) },
                dimensions: requests.first.flatMap { int($0, "outputDimensionality", "output_dimensionality") }, batch: true)))
        default:
            let contents = body.children("contents")
            let userTurn = contents.last { ($0.string("role") ?? "user") == "user" }
            let config = child(body, "generationConfig", "generation_config")
            let system = child(body, "systemInstruction", "system_instruction").map { text($0) }
            return .success(.chat(ChatCall(
                model: model, scenario: scenario, prompt: text(userTurn), systemPrompt: system,
                stream: method == "streamGenerateContent",
                maxTokens: int(config, "maxOutputTokens", "max_output_tokens"),
                stops: config.map { $0.strings("stopSequences") + $0.strings("stop_sequences") } ?? [],
                promptCharacters: contents.reduce(system?.count ?? 0) { $0 + text($1).count },
                jsonArrayStream: method == "streamGenerateContent" && request.query("alt") != "sse")))
        }
    }

    func errorReply(status: Int, scenario: Scenario, model: String) -> Reply {
        switch status {
        case 400: return error(400, "INVALID_ARGUMENT", "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).")
        case 401: return error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
        case 403: return error(403, "PERMISSION_DENIED", "The caller does not have permission")
        case 404: return error(404, "NOT_FOUND", "models/\(model) is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.")
        case 429:
            var reply = error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details.", retryDelaySeconds: scenario.retryAfterSeconds)
            reply.headers = [("Retry-After", ResetTime.retryAfter(scenario))]
            return reply
        case 500: return error(500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting")
        default: return error(status, "UNAVAILABLE", "The model is overloaded. Please try again later.")
        }
    }

    func invalidScenarioReply(_ message: String) -> Reply {
        error(400, "INVALID_ARGUMENT", message)
    }

    func streamRenderer(for call: ChatCall, generation: Generation) -> any StreamRenderer {
        GeminiStream(call: call, generation: generation)
    }

    func completionBody(for call: ChatCall, generation: Generation) -> [UInt8] {
        let stream = GeminiStream(call: call, generation: generation)
        if call.scenario.fault == .safety { return stream.blockedResponse() }
        let parts = generation.pieces.filter { $0.kind == .reasoning }.isEmpty
            ? [Generation.Piece(kind: .text, text: generation.text)]
            : [Generation.Piece(kind: .reasoning, text: generation.reasoningText), Generation.Piece(kind: .text, text: generation.text)]
        return stream.response(parts: parts, final: true)
    }

    func embeddingBody(for call: EmbedCall) -> [UInt8] {
        var out: [UInt8] = []
        let dimensions = call.dimensions ?? call.scenario.dimensions
        if call.batch {
            out.append("{\"embeddings\":[")
            for (index, input) in call.inputs.enumerated() {
                if index > 0 { out.append(",") }
                out.append("{\"values\":")
                FakeEmbedding.appendJSON(FakeEmbedding.vector(for: input, dimensions: dimensions), to: &out)
                out.append("}")
            }
            out.append("]}")
        } else {
            out.append("{\"embedding\":{\"values\":")
            FakeEmbedding.appendJSON(FakeEmbedding.vector(for: call.inputs.first ?? "", dimensions: dimensions), to: &out)
            out.append("}}")
        }
        return out
    }

    /// Google's error shape: `{"error": {"code", "message", "status", "details"?}}`.
    func error(_ status: Int, _ statusName: String, _ message: String, retryDelaySeconds: Int? = nil) -> Reply {
        Reply(status: status, body: GeminiWire.errorObject(status, statusName, message, retryDelaySeconds: retryDelaySeconds))
    }

    static func errorObject(_ status: Int, _ statusName: String, _ message: String, retryDelaySeconds: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.append("{\"error\":{\"code\":")
        out.append(int: status)
        out.append(",\"message\":")
        out.append(jsonString: message)
        out.append(",\"status\":")
        out.append(jsonString: statusName)
        if let retryDelaySeconds {
            out.append(",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.Help\",\"links\":[{\"description\":\"Learn more about Gemini API quotas\",\"url\":\"https://ai.google.dev/gemini-api/docs/rate-limits\"}]},{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"")
            out.append(int: retryDelaySeconds)
            out.append("s\"}]")
        }
        out.append("}}")
        return out
    }
}

/// GenerateContentResponse objects, one per content piece, each as `data: {...}\r\n\r\n` (the
/// Gemini API ends SSE events with CRLF CRLF) or as an element of a streamed JSON array. The last
/// carries `finishReason` and the full `usageMetadata`; earlier ones carry the prompt count only.
struct GeminiStream: StreamRenderer {
    let call: ChatCall
    let generation: Generation
    private var sent = 0

    init(call: ChatCall, generation: Generation) {
        self.call = call
        self.generation = generation
    }

    /// One GenerateContentResponse with `parts` as the candidate's content.
    func response(parts: [Generation.Piece], final: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append("{\"candidates\":[{\"content\":{\"parts\":[")
        for (index, part) in parts.enumerated() {
            if index > 0 { out.append(",") }
            out.append("{\"text\":")
            out.append(jsonString: part.text)
            if part.kind == .reasoning { out.append(",\"thought\":true") }
            out.append("}")
        }
        out.append("],\"role\":\"model\"}")
        if final {
            out.append(",\"finishReason\":")
            out.append(generation.finish == .length ? "\"MAX_TOKENS\"" : "\"STOP\"")
        }
        out.append(",\"index\":0}]")
        appendUsage(final: final, to: &out)
        appendTrailer(to: &out)
        return out
    }

    /// A candidate blocked with finishReason SAFETY, or (with `block=prompt`) a blocked prompt.
    func blockedResponse() -> [UInt8] {
        let ratings = "[{\"category\":\"HARM_CATEGORY_SEXUALLY_EXPLICIT\",\"probability\":\"NEGLIGIBLE\"},{\"category\":\"HARM_CATEGORY_HATE_SPEECH\",\"probability\":\"NEGLIGIBLE\"},{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"probability\":\"NEGLIGIBLE\"},{\"category\":\"HARM_CATEGORY_DANGEROUS_CONTENT\",\"probability\":\"HIGH\",\"blocked\":true}]"
        var out: [UInt8] = []
        if call.scenario.blockPrompt {
            out.append("{\"promptFeedback\":{\"blockReason\":\"SAFETY\",\"safetyRatings\":")
            out.append(ratings)
            out.append("}")
        } else {
            out.append("{\"candidates\":[{\"finishReason\":\"SAFETY\",\"index\":0,\"safetyRatings\":")
            out.append(ratings)
            out.append("}]")
        }
        appendUsage(final: false, to: &out)
        appendTrailer(to: &out)
        return out
    }

    private func appendUsage(final: Bool, to out: inout [UInt8]) {
        guard let usage = generation.usage else { return }
        // promptTokenCount includes cached tokens; candidatesTokenCount excludes thoughts.
        out.append(",\"usageMetadata\":{\"promptTokenCount\":")
        out.append(int: usage.input)
        if final {
            let candidates = max(0, usage.output - usage.reasoning)
            out.append(",\"candidatesTokenCount\":")
            out.append(int: candidates)
            out.append(",\"totalTokenCount\":")
            out.append(int: usage.input + candidates + usage.reasoning)
            if usage.cached > 0 {
                out.append(",\"cachedContentTokenCount\":")
                out.append(int: usage.cached)
            }
            if usage.reasoning > 0 {
                out.append(",\"thoughtsTokenCount\":")
                out.append(int: usage.reasoning)
            }
        } else {
            out.append(",\"totalTokenCount\":")
            out.append(int: usage.input)
        }
        out.append("}")
    }

    private func appendTrailer(to out: inout [UInt8]) {
        out.append(",\"modelVersion\":")
        out.append(jsonString: call.model)
        out.append(",\"responseId\":\"fake\"}")
    }

    /// Frames one response as an SSE event or a JSON array element.
    private mutating func frame(_ json: [UInt8]) -> [UInt8] {
        defer { sent += 1 }
        if call.jsonArrayStream { return Array((sent == 0 ? "[" : ",\r\n").utf8) + json }
        return Array("data: ".utf8) + json + Array("\r\n\r\n".utf8)
    }

    mutating func opening() -> [[UInt8]] { [] }

    mutating func content(_ index: Int) -> [[UInt8]] {
        [frame(response(parts: [generation.pieces[index]], final: index == generation.pieces.count - 1))]
    }

    mutating func closing() -> [[UInt8]] {
        var events: [[UInt8]] = []
        if call.scenario.fault == .safety {
            events.append(frame(blockedResponse()))
        } else if generation.pieces.isEmpty {
            events.append(frame(response(parts: [], final: true)))
        }
        if call.jsonArrayStream { events.append(sent == 0 ? Array("[]".utf8) : Array("]".utf8)) }
        return events
    }

    func midstreamError() -> [[UInt8]] {
        let error = GeminiWire.errorObject(500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting")
        return [call.jsonArrayStream ? Array(",\r\n".utf8) + error + Array("]".utf8) : Array("data: ".utf8) + error + Array("\r\n\r\n".utf8)]
    }

    private static let unfinishedResponse = Array("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"".utf8)

    func malformedEvent() -> [UInt8] {
        call.jsonArrayStream ? Array(",\r\n".utf8) + Self.unfinishedResponse : unterminatedEvent() + Array("\r\n\r\n".utf8)
    }

    func unterminatedEvent() -> [UInt8] {
        Array((call.jsonArrayStream ? (sent == 0 ? "[" : ",\r\n") : "data: ").utf8) + Self.unfinishedResponse
    }
}
