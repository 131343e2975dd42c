import Foundation
import LLMBenchPluginKit

/// OpenAI's Chat Completions API, and every server that speaks it (vLLM, Ollama's /v1, llama.cpp
/// server, OpenRouter, Together, Groq, Azure OpenAI deployments). All HTTP goes through the engine.
struct OpenAIProvider: ProviderPlugin {
    static let id = "openai"
    static let displayName = "OpenAI Chat Completions (and compatible servers)"
    static let version = "1.0.0"
    static let capabilities: ProviderCapabilities = [.streaming, .network, .embeddings]
    static let defaultBaseURL = "https://api.openai.com/v1"
    static let knownOptions = GenerationOptions.names.union(["api_version", "auth_header"])

    /// Where the key goes: `Authorization: Bearer` (OpenAI and most servers) or `api-key` (Azure).
    enum AuthHeader: String, CaseIterable { case authorization, apiKey = "api-key" }

    let host: PluginHost
    let baseURL: String
    let apiKey: String?
    let authHeader: AuthHeader
    /// "" or "?api-version=…".
    let query: String
    /// OpenAI's own API takes `max_completion_tokens` (its reasoning models refuse `max_tokens`);
    /// compatible servers know `max_tokens`.
    let maxTokensField: String

    init(config: ProviderConfiguration, host: PluginHost) throws(PluginError) {
        try PluginOptions.rejectUnknown(config.options, known: Self.knownOptions, plugin: "the openai provider")
        _ = try GenerationOptions(config.options, plugin: "openai")
        authHeader = try PluginOptions.choice(config.options, "auth_header", default: AuthHeader.authorization, plugin: "openai")
        if let raw = config.options["api_version"] {
            guard let version = raw as? String, !version.isEmpty else {
                throw PluginError(.invalidRequest, "openai option 'api_version' must be a non-empty string, like 2024-10-21")
            }
            query = "?api-version=" + (version.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? version)
        } else {
            query = ""
        }
        baseURL = config.baseURL ?? Self.defaultBaseURL
        let official = baseURL.contains("://api.openai.com")
        // Local servers (vLLM, Ollama, llama.cpp) usually need no key; OpenAI and Azure always do.
        apiKey = official || authHeader == .apiKey
            ? try ProviderExchange.requireKey(config, plugin: "openai", example: "OPENAI_API_KEY")
            : config.apiKey.flatMap { $0.isEmpty ? nil : $0 }
        maxTokensField = official ? "max_completion_tokens" : "max_tokens"
        self.host = host
    }

    func headers(streaming: Bool) -> [(String, String)] {
        var headers = [("content-type", "application/json"), ("accept", streaming ? "text/event-stream" : "application/json")]
        if let apiKey {
            headers.append(authHeader == .apiKey ? ("api-key", apiKey) : ("authorization", "Bearer " + apiKey))
        }
        return headers
    }

    /// The Chat Completions request body.
    func body(_ request: CompletionRequest, _ options: GenerationOptions) -> String {
        // The system prompt is among the messages: llmbench moves the `system` option there (plugin-abi.md).
        let messages: [Any] = request.messages.map { ["role": $0.role, "content": $0.content] }
        var body: [String: Any] = ["model": request.model, "messages": messages]
        if options.stream {
            body["stream"] = true
            body["stream_options"] = ["include_usage": true]
        }
        if let temperature = options.temperature { body["temperature"] = temperature }
        if let topP = options.topP { body["top_p"] = topP }
        if let maxTokens = options.maxTokens { body[maxTokensField] = maxTokens }
        if options.stop.count == 1 { body["stop"] = options.stop[0] } else if !options.stop.isEmpty { body["stop"] = options.stop }
        if let seed = options.seed { body["seed"] = seed }
        return JSONText.encode(body)
    }

    func complete(_ request: CompletionRequest, events: EventEmitter) throws(PluginError) {
        try PluginOptions.rejectUnknown(request.options, known: Self.knownOptions, plugin: "the openai provider")
        let options = try GenerationOptions(request.options, plugin: "openai")
        let http = HTTPRequest(url: ProviderExchange.url(baseURL, "chat/completions") + query, headers: headers(streaming: options.stream),
                               body: Array(body(request, options).utf8), stream: options.stream)
        var stream = ChatStream(events: events)
        do throws(PluginError) {
            let reply = try ProviderExchange.send(http, events: events, host: host, failure: { head, body in
                Self.failure(head, body, model: request.model)
            }, onEvent: { event throws(PluginError) in try stream.handle(event) })
            var answer: Answer
            switch reply {
            case .streamed:
                guard stream.done else { throw PluginError(.network, "stream ended early: no 'data: [DONE]' from the server") }
                answer = stream.answer
            case .json(let object):
                answer = try Self.answer(object, events: events)
            }
            if answer.finishReason == "content_filter" {
                throw PluginError(.contentFilter, "openai: the answer was stopped by the provider's content filter")
            }
            answer.emitUsage(events)
            events.finish(answer.finishReason ?? "stop")
        } catch {
            throw error.redacting(apiKey)
        }
    }

    /// What a completion produced besides its text, gathered from a stream or a whole response.
    struct Answer {
        var finishReason: String?
        var usage: [String: Any]?
        /// No usage reported: none is sent, and the engine estimates it and flags the estimate.
        func emitUsage(_ events: EventEmitter) {
            guard let usage, let input = usage.integer("prompt_tokens") else { return }
            let prompt = usage["prompt_tokens_details"] as? [String: Any]
            let completion = usage["completion_tokens_details"] as? [String: Any]
            events.usage(inputTokens: input, outputTokens: usage.integer("completion_tokens") ?? 0,
                         cachedInputTokens: prompt?.integer("cached_tokens"), reasoningTokens: completion?.integer("reasoning_tokens"))
        }
    }

    /// Translates `chat.completion.chunk` events into text and reasoning events as they arrive.
    struct ChatStream {
        let events: EventEmitter
        var done = false
        var answer = Answer()

        mutating func handle(_ event: ServerSentEvent) throws(PluginError) {
            if event.data == "[DONE]" {
                done = true
                return
            }
            if event.data.isEmpty { return }
            // Only the fields used are built: a stream sends one chunk per token.
            let fields: [Any?]
            do {
                fields = try Self.paths.values(in: event.data)
            } catch {
                throw PluginError(.malformedResponse, "unparsable stream chunk at byte \(error.offset): \(error.message)")
            }
            if let error = fields[0], let failure = OpenAIProvider.streamError(error) { throw failure }
            if let usage = fields[1] as? [String: Any] { answer.usage = usage }
            if let reasoning = fields[2] as? String ?? fields[3] as? String, !reasoning.isEmpty {
                events.reasoning(reasoning)
            }
            if let text = fields[4] as? String, !text.isEmpty {
                events.text(text)
            }
            if let reason = fields[5] as? String { answer.finishReason = reason }
        }

        static let paths = JSONPathSet([
            ["error"], ["usage"], ["choices", 0, "delta", "reasoning_content"], ["choices", 0, "delta", "reasoning"],
            ["choices", 0, "delta", "content"], ["choices", 0, "finish_reason"],
        ])
    }

    /// A whole `chat.completion` response.
    static func answer(_ object: [String: Any], events: EventEmitter) throws(PluginError) -> Answer {
        if let error = object["error"], let failure = streamError(error) { throw failure }
        guard let choices = object["choices"] as? [Any], let choice = choices.first as? [String: Any],
              let message = choice["message"] as? [String: Any]
        else {
            throw PluginError(.malformedResponse, "the response has no choices[0].message")
        }
        let answer = Answer(finishReason: choice["finish_reason"] as? String, usage: object["usage"] as? [String: Any])
        if let reasoning = message["reasoning_content"] as? String ?? message["reasoning"] as? String, !reasoning.isEmpty {
            events.reasoning(reasoning)
        }
        if let text = message["content"] as? String, !text.isEmpty {
            events.text(text)
        }
        return answer
    }

    /// An error object sent with a 200 (in a stream chunk, as vLLM and proxies do, or as the whole body).
    static func streamError(_ value: Any) -> PluginError? {
        switch value {
        case let object as [String: Any]:
            let message = object["message"] as? String ?? "the server reported an error"
            let status = object.integer("code") ?? 0
            let code: PluginError.Code = status >= 400 ? PluginError.Code(httpStatus: status) : .server
            return PluginError(code, "openai: \(message)", httpStatus: status >= 400 ? status : 0)
        case let message as String:
            return PluginError(.server, "openai: \(message)")
        default:
            return nil
        }
    }

    /// Classifies a non-2xx response from its status, the OpenAI error body and the rate-limit headers.
    static func failure(_ head: HTTPResponseHead, _ body: [UInt8], model: String) -> PluginError {
        let json = ProviderExchange.errorJSON(body) as? [String: Any]
        let error = json?["error"] as? [String: Any]
        let providerMessage = error?["message"] as? String ?? json?["error"] as? String ?? json?["message"] as? String
            ?? json?["detail"] as? String ?? ProviderExchange.snippet(body)
        var code = PluginError.Code(httpStatus: head.status)
        if error?["code"] as? String == "content_filter" { code = .contentFilter }
        var retryAfterMs: Int64 = -1
        if code == .rateLimited || code == .server {
            retryAfterMs = RetryDelay.fromHeaders(head)
                ?? RetryDelay.fromResetHeaders(head, [("x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"),
                                                      ("x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens")], parse: RetryDelay.duration)
                ?? -1
        }
        let message = code == .notFound
            ? "openai: model '\(model)' not found (HTTP 404; check the model name and base_url): \(providerMessage)"
            : "openai: HTTP \(head.status): \(providerMessage)"
        return PluginError(code, message, httpStatus: head.status, retryAfterMs: retryAfterMs)
    }

    /// `POST {base_url}/embeddings`.
    func embed(_ request: EmbeddingRequest, events: EventEmitter) throws(PluginError) -> EmbeddingResult {
        guard !request.inputs.isEmpty else { throw PluginError(.invalidRequest, "openai: an embedding request needs at least one input") }
        let body = JSONText.encode(["model": request.model, "input": request.inputs, "encoding_format": "float"] as [String: Any])
        let http = HTTPRequest(url: ProviderExchange.url(baseURL, "embeddings") + query, headers: headers(streaming: false), body: Array(body.utf8))
        do throws(PluginError) {
            let reply = try ProviderExchange.send(http, events: events, host: host, failure: { head, body in
                Self.failure(head, body, model: request.model)
            }, onEvent: { _ throws(PluginError) in throw PluginError(.malformedResponse, "openai: embeddings answered with a stream") })
            guard case .json(let object) = reply, let data = object["data"] as? [Any] else {
                throw PluginError(.malformedResponse, "openai: the embeddings response has no 'data' list")
            }
            var vectors = [[Double]?](repeating: nil, count: request.inputs.count)
            for (position, item) in data.enumerated() {
                let entry = item as? [String: Any]
                let index = entry?.integer("index") ?? position
                guard let entry, vectors.indices.contains(index), let vector = JSONReader.numbers(entry["embedding"]) else {
                    throw PluginError(.malformedResponse, "openai: embeddings entry \(position) is not a vector for one of the \(request.inputs.count) inputs")
                }
                vectors[index] = vector
            }
            let complete = vectors.compactMap { $0 }
            guard complete.count == request.inputs.count else {
                throw PluginError(.malformedResponse, "openai: \(complete.count) embeddings for \(request.inputs.count) inputs")
            }
            return EmbeddingResult(embeddings: complete, inputTokens: (object["usage"] as? [String: Any])?.integer("prompt_tokens"))
        } catch {
            throw error.redacting(apiKey)
        }
    }
}

@_cdecl("llmbench_plugin_entry")
public func llmbench_plugin_entry() -> UnsafeRawPointer { PluginExport.provider(OpenAIProvider.self) }
