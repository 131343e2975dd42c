import Foundation
import LLMBenchPluginKit

/// Google's Gemini API (generativelanguage): generateContent, streamGenerateContent with SSE, and
/// embeddings. All HTTP goes through the engine.
struct GeminiProvider: ProviderPlugin {
    static let id = "gemini"
    static let displayName = "Google Gemini API"
    static let version = "1.0.0"
    static let capabilities: ProviderCapabilities = [.streaming, .network, .embeddings]
    static let defaultBaseURL = "https://generativelanguage.googleapis.com/v1beta"
    static let knownOptions = GenerationOptions.names.union(["thinking_budget"])
    /// Finish reasons that mean the answer was blocked, reported as a content-filter failure.
    static let blockedFinishReasons: Set<String> = ["SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_SAFETY"]

    let host: PluginHost
    let baseURL: String
    let apiKey: String?

    init(config: ProviderConfiguration, host: PluginHost) throws(PluginError) {
        try PluginOptions.rejectUnknown(config.options, known: Self.knownOptions, plugin: "the gemini provider")
        _ = try GenerationOptions(config.options, plugin: "gemini")
        _ = try Self.thinkingBudget(config.options)
        baseURL = config.baseURL ?? Self.defaultBaseURL
        // Google's endpoint always needs a key; a proxy or a local fake at another base_url may not.
        apiKey = baseURL.contains("://generativelanguage.googleapis.com")
            ? try ProviderExchange.requireKey(config, plugin: "gemini", example: "GEMINI_API_KEY")
            : config.apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.host = host
    }

    /// -1 lets the model decide, 0 turns thinking off, more is a budget in tokens.
    static func thinkingBudget(_ options: [String: Any]) throws(PluginError) -> Int? {
        guard options["thinking_budget"] != nil else { return nil }
        guard let budget = options.integer("thinking_budget"), budget >= -1 else {
            throw PluginError(.invalidRequest, "gemini option 'thinking_budget' must be a whole number of tokens, 0 (off) or -1 (dynamic)")
        }
        return budget
    }

    func headers(streaming: Bool) -> [(String, String)] {
        var headers = [("content-type", "application/json"), ("accept", streaming ? "text/event-stream" : "application/json")]
        if let apiKey { headers.append(("x-goog-api-key", apiKey)) }
        return headers
    }

    /// `{base_url}/models/{model}:{method}`; a "models/" prefix on the model is accepted.
    func url(model: String, method: String) -> String {
        var name = Substring(model)
        if name.hasPrefix("models/") { name = name.dropFirst("models/".count) }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        let encoded = String(name).addingPercentEncoding(withAllowedCharacters: allowed) ?? String(name)
        return ProviderExchange.url(baseURL, "models/\(encoded):\(method)")
    }

    /// The generateContent request body.
    func body(_ request: CompletionRequest, _ options: GenerationOptions, thinkingBudget: Int?) throws(PluginError) -> String {
        let (system, turns) = options.split(request.messages)
        var contents: [Any] = []
        for turn in turns {
            let role: String
            switch turn.role {
            case "user": role = "user"
            case "assistant", "model": role = "model"
            default: throw PluginError(.invalidRequest, "gemini: a message has role '\(turn.role)'; the Gemini API takes user, assistant (model) and system")
            }
            contents.append(["role": role, "parts": [["text": turn.content]]] as [String: Any])
        }
        var body: [String: Any] = ["contents": contents]
        if let system { body["systemInstruction"] = ["parts": [["text": system]]] }
        var config: [String: Any] = [:]
        if let temperature = options.temperature { config["temperature"] = temperature }
        if let topP = options.topP { config["topP"] = topP }
        if let maxTokens = options.maxTokens { config["maxOutputTokens"] = maxTokens }
        if !options.stop.isEmpty { config["stopSequences"] = options.stop }
        if let seed = options.seed { config["seed"] = seed }
        if let thinkingBudget { config["thinkingConfig"] = ["thinkingBudget": thinkingBudget, "includeThoughts": thinkingBudget != 0] as [String: Any] }
        if !config.isEmpty { body["generationConfig"] = config }
        return JSONText.encode(body)
    }

    func complete(_ request: CompletionRequest, events: EventEmitter) throws(PluginError) {
        try PluginOptions.rejectUnknown(request.options, known: Self.knownOptions, plugin: "the gemini provider")
        let options = try GenerationOptions(request.options, plugin: "gemini")
        let body = try body(request, options, thinkingBudget: try Self.thinkingBudget(request.options))
        let http = HTTPRequest(url: options.stream ? url(model: request.model, method: "streamGenerateContent") + "?alt=sse"
                                   : url(model: request.model, method: "generateContent"),
                               headers: headers(streaming: options.stream), body: Array(body.utf8), stream: options.stream)
        var answer = Answer(events: events)
        do throws(PluginError) {
            let reply = try ProviderExchange.send(http, events: events, host: host, failure: { head, body in
                Self.failure(head, body, model: request.model)
            }, onEvent: { event throws(PluginError) in
                guard !event.data.isEmpty else { return }
                let chunk: [String: Any]
                do throws(JSONReader.Failure) {
                    chunk = try JSONReader.object(event.data)
                } catch {
                    throw PluginError(.malformedResponse, "unparsable stream chunk at byte \(error.offset): \(error.message)")
                }
                try answer.handle(chunk)
            })
            switch reply {
            case .streamed:
                guard answer.finishReason != nil else { throw PluginError(.network, "stream ended early: no finishReason from the server") }
            case .json(let object):
                try answer.handle(object)
                guard answer.finishReason != nil || answer.usage != nil else {
                    throw PluginError(.malformedResponse, "gemini: the response has neither a finishReason nor usageMetadata")
                }
            }
            answer.emitUsage()
            events.finish(Self.finishReason(answer.finishReason))
        } catch {
            throw error.redacting(apiKey)
        }
    }

    /// The engine's finish reasons (OpenAI's words) for Gemini's.
    static func finishReason(_ reason: String?) -> String {
        switch reason {
        case nil, "STOP": "stop"
        case "MAX_TOKENS": "length"
        case let other?: other.lowercased()
        }
    }

    /// Reads GenerateContentResponse objects (one per stream event, or the whole response).
    struct Answer {
        let events: EventEmitter
        var finishReason: String?
        var usage: [String: Any]?

        mutating func handle(_ object: [String: Any]) throws(PluginError) {
            if let error = object["error"] as? [String: Any] { throw GeminiProvider.bodyError(error, status: error.integer("code") ?? 0) }
            if let usage = object["usageMetadata"] as? [String: Any] { self.usage = usage }
            if let block = (object["promptFeedback"] as? [String: Any])?["blockReason"] as? String {
                throw PluginError(.contentFilter, "gemini: the prompt was blocked (blockReason: \(block))")
            }
            guard let candidates = object["candidates"] as? [Any], let candidate = candidates.first as? [String: Any] else { return }
            if let parts = (candidate["content"] as? [String: Any])?["parts"] as? [Any] {
                for case let part as [String: Any] in parts {
                    guard let text = part["text"] as? String, !text.isEmpty else { continue }
                    if part["thought"] as? Bool == true { events.reasoning(text) } else { events.text(text) }
                }
            }
            if let reason = candidate["finishReason"] as? String {
                if GeminiProvider.blockedFinishReasons.contains(reason) {
                    throw PluginError(.contentFilter, "gemini: the answer was blocked (finishReason: \(reason))")
                }
                finishReason = reason
            }
        }

        /// outputTokens = candidates + thoughts; reasoningTokens = thoughts; cached = cachedContentTokenCount.
        /// No usage reported: none is sent, and the engine estimates it and flags the estimate.
        func emitUsage() {
            guard let usage, let prompt = usage.integer("promptTokenCount") else { return }
            let thoughts = usage.integer("thoughtsTokenCount")
            events.usage(inputTokens: prompt, outputTokens: (usage.integer("candidatesTokenCount") ?? 0) + (thoughts ?? 0),
                         cachedInputTokens: usage.integer("cachedContentTokenCount"), reasoningTokens: thoughts)
        }
    }

    /// A Google API error object: `{"code", "message", "status", "details": [...]}`.
    static func bodyError(_ error: [String: Any], status: Int, retryAfterMs: Int64 = -1) -> PluginError {
        let text = error["message"] as? String ?? "the server reported an error"
        let statusName = error["status"] as? String
        var code: PluginError.Code = status > 0 ? PluginError.Code(httpStatus: status) : .server
        switch statusName {
        case "RESOURCE_EXHAUSTED": code = .rateLimited
        case "UNAUTHENTICATED", "PERMISSION_DENIED": code = .auth
        case "NOT_FOUND": code = .notFound
        case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE": if status == 0 { code = .invalidRequest }
        case "DEADLINE_EXCEEDED": code = .timeout
        default: break
        }
        var retry = retryAfterMs
        if retry < 0, let details = error["details"] as? [Any] {
            for case let detail as [String: Any] in details where (detail["@type"] as? String)?.hasSuffix("google.rpc.RetryInfo") == true {
                if let delay = detail["retryDelay"] as? String, let ms = RetryDelay.duration(delay) { retry = ms }
            }
        }
        let label = statusName.map { " \($0)" } ?? ""
        return PluginError(code, "gemini:\(label)\(status > 0 ? " (HTTP \(status))" : ""): \(text)", httpStatus: status, retryAfterMs: retry)
    }

    /// Classifies a non-2xx response from its status, the Google error body (an object, or an array
    /// of them from the streaming endpoint) and the Retry-After header.
    static func failure(_ head: HTTPResponseHead, _ body: [UInt8], model: String) -> PluginError {
        let json = ProviderExchange.errorJSON(body)
        let container = json as? [String: Any] ?? (json as? [Any])?.first as? [String: Any]
        let retryAfterMs = RetryDelay.fromHeaders(head) ?? -1
        guard let error = container?["error"] as? [String: Any] else {
            return PluginError(PluginError.Code(httpStatus: head.status), "gemini: HTTP \(head.status): \(ProviderExchange.snippet(body))",
                               httpStatus: head.status, retryAfterMs: retryAfterMs)
        }
        var failure = bodyError(error, status: head.status, retryAfterMs: retryAfterMs)
        failure.code = PluginError.Code(httpStatus: head.status)
        if failure.code == .notFound { failure.message = "gemini: model '\(model)' not found (HTTP 404): \(error["message"] as? String ?? "")" }
        return failure
    }

    /// `:embedContent` for one input, `:batchEmbedContents` for several.
    func embed(_ request: EmbeddingRequest, events: EventEmitter) throws(PluginError) -> EmbeddingResult {
        guard !request.inputs.isEmpty else { throw PluginError(.invalidRequest, "gemini: an embedding request needs at least one input") }
        var name = request.model
        if !name.hasPrefix("models/") { name = "models/" + name }
        func content(_ text: String) -> [String: Any] { ["parts": [["text": text]]] }
        let single = request.inputs.count == 1
        let body: [String: Any] = single
            ? ["model": name, "content": content(request.inputs[0])]
            : ["requests": request.inputs.map { ["model": name, "content": content($0)] as [String: Any] }]
        let http = HTTPRequest(url: url(model: request.model, method: single ? "embedContent" : "batchEmbedContents"),
                               headers: headers(streaming: false), body: Array(JSONText.encode(body).utf8))
        do throws(PluginError) {
            let reply = try ProviderExchange.send(http, events: events, host: host, failure: { head, body in
                Self.failure(head, body, model: request.model)
            }, onEvent: { _ throws(PluginError) in throw PluginError(.malformedResponse, "gemini: embeddings answered with a stream") })
            guard case .json(let object) = reply else { throw PluginError(.malformedResponse, "gemini: embeddings answered with a stream") }
            let entries: [Any]? = single ? (object["embedding"]).map { [$0] } : object["embeddings"] as? [Any]
            let vectors = (entries ?? []).compactMap { JSONReader.numbers(($0 as? [String: Any])?["values"]) }
            guard vectors.count == request.inputs.count else {
                throw PluginError(.malformedResponse, "gemini: \(vectors.count) embeddings for \(request.inputs.count) inputs")
            }
            return EmbeddingResult(embeddings: vectors)
        } catch {
            throw error.redacting(apiKey)
        }
    }
}

@_cdecl("llmbench_plugin_entry")
public func llmbench_plugin_entry() -> UnsafeRawPointer { PluginExport.provider(GeminiProvider.self) }
