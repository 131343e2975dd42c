import Foundation
import LLMBenchPluginKit

/// Anthropic's Messages API (`POST /v1/messages`), streamed or not. All HTTP goes through the engine.
struct AnthropicProvider: ProviderPlugin {
    static let id = "anthropic"
    static let displayName = "Anthropic Messages API"
    static let version = "1.0.0"
    static let capabilities: ProviderCapabilities = [.streaming, .network]
    static let defaultBaseURL = "https://api.anthropic.com"
    static let defaultVersion = "2023-06-01"
    /// The API requires `max_tokens`; this is sent when the suite gives none.
    static let defaultMaxTokens = 1024
    static let knownOptions = GenerationOptions.names.union(["anthropic_version", "thinking_budget"])

    let host: PluginHost
    let baseURL: String
    let apiKey: String?
    let apiVersion: String

    init(config: ProviderConfiguration, host: PluginHost) throws(PluginError) {
        try PluginOptions.rejectUnknown(config.options, known: Self.knownOptions, plugin: "the anthropic provider")
        let options = try GenerationOptions(config.options, plugin: "anthropic")
        _ = try Self.thinkingBudget(config.options)
        if let raw = config.options["anthropic_version"] {
            guard let version = raw as? String, !version.isEmpty else {
                throw PluginError(.invalidRequest, "anthropic option 'anthropic_version' must be a non-empty string, like \(Self.defaultVersion)")
            }
            apiVersion = version
        } else {
            apiVersion = Self.defaultVersion
        }
        baseURL = config.baseURL ?? Self.defaultBaseURL
        // A gateway or a local fake at another base_url may take no key; Anthropic's API always does.
        apiKey = config.baseURL == nil || baseURL.contains("://api.anthropic.com")
            ? try ProviderExchange.requireKey(config, plugin: "anthropic", example: "ANTHROPIC_API_KEY")
            : config.apiKey.flatMap { $0.isEmpty ? nil : $0 }
        if options.seed != nil {
            host.log(.warning, "anthropic provider '\(config.providerID)': the Messages API has no seed; option 'seed' is ignored")
        }
        self.host = host
    }

    static func thinkingBudget(_ options: [String: Any]) throws(PluginError) -> Int? {
        guard options["thinking_budget"] != nil else { return nil }
        guard let budget = options.integer("thinking_budget"), budget >= 1 else {
            throw PluginError(.invalidRequest, "anthropic option 'thinking_budget' must be a whole number of tokens (the API's minimum is 1024)")
        }
        return budget
    }

    func headers(streaming: Bool) -> [(String, String)] {
        var headers = [("content-type", "application/json"), ("accept", streaming ? "text/event-stream" : "application/json"),
                       ("anthropic-version", apiVersion)]
        if let apiKey { headers.append(("x-api-key", apiKey)) }
        return headers
    }

    /// The Messages request body: system text at the top level, `max_tokens` always present.
    func body(_ request: CompletionRequest, _ options: GenerationOptions, thinkingBudget: Int?) throws(PluginError) -> String {
        let (system, turns) = options.split(request.messages)
        var messages: [Any] = []
        for turn in turns {
            guard turn.role == "user" || turn.role == "assistant" else {
                throw PluginError(.invalidRequest, "anthropic: a message has role '\(turn.role)'; the Messages API takes user, assistant and system")
            }
            messages.append(["role": turn.role, "content": turn.content])
        }
        // Thinking tokens count against max_tokens, and the budget must stay below it.
        let maxTokens = options.maxTokens ?? (thinkingBudget.map { $0 + Self.defaultMaxTokens } ?? Self.defaultMaxTokens)
        var body: [String: Any] = ["model": request.model, "messages": messages, "max_tokens": maxTokens]
        if let system { body["system"] = system }
        if options.stream { body["stream"] = true }
        if let temperature = options.temperature { body["temperature"] = temperature }
        if let topP = options.topP { body["top_p"] = topP }
        if !options.stop.isEmpty { body["stop_sequences"] = options.stop }
        if let thinkingBudget { body["thinking"] = ["type": "enabled", "budget_tokens": thinkingBudget] as [String: Any] }
        return JSONText.encode(body)
    }

    func complete(_ request: CompletionRequest, events: EventEmitter) throws(PluginError) {
        try PluginOptions.rejectUnknown(request.options, known: Self.knownOptions, plugin: "the anthropic provider")
        let options = try GenerationOptions(request.options, plugin: "anthropic")
        let body = try body(request, options, thinkingBudget: try Self.thinkingBudget(request.options))
        let http = HTTPRequest(url: ProviderExchange.url(baseURL, "v1/messages"), headers: headers(streaming: options.stream),
                               body: Array(body.utf8), stream: options.stream)
        var stream = MessageStream(events: events)
        do throws(PluginError) {
            let reply = try ProviderExchange.send(http, events: events, host: host, failure: { head, body in
                Self.failure(head, body, model: request.model)
            }, onEvent: { event throws(PluginError) in try stream.handle(event) })
            let message: Message
            switch reply {
            case .streamed:
                guard stream.stopped else { throw PluginError(.network, "stream ended early: no message_stop event from the server") }
                message = stream.message
            case .json(let object):
                message = try Self.message(object, events: events)
            }
            if message.stopReason == "refusal" {
                throw PluginError(.contentFilter, "anthropic: the model refused to answer (stop_reason: refusal)")
            }
            message.emitUsage(events)
            events.finish(Self.finishReason(message.stopReason))
        } catch {
            throw error.redacting(apiKey)
        }
    }

    /// The engine's finish reasons (OpenAI's words) for Anthropic's stop reasons.
    static func finishReason(_ stopReason: String?) -> String {
        switch stopReason {
        case nil, "end_turn", "stop_sequence": "stop"
        case "max_tokens": "length"
        case "tool_use": "tool_calls"
        case let other?: other
        }
    }

    /// A message's stop reason and usage, from a stream or a whole response.
    struct Message {
        var stopReason: String?
        var usage: [String: Any] = [:]

        /// Input includes cache reads and writes (the engine's convention); output includes thinking.
        func emitUsage(_ events: EventEmitter) {
            // No usage reported at all: the engine estimates it and flags the estimate.
            guard usage["input_tokens"] != nil || usage["output_tokens"] != nil else { return }
            let read = usage.integer("cache_read_input_tokens"), write = usage.integer("cache_creation_input_tokens")
            events.usage(inputTokens: (usage.integer("input_tokens") ?? 0) + (read ?? 0) + (write ?? 0),
                         outputTokens: usage.integer("output_tokens") ?? 0, cachedInputTokens: read, cacheWriteTokens: write)
        }

        /// Later usage (message_delta) updates the counts it carries.
        mutating func merge(usage update: [String: Any]) {
            for (key, value) in update where value is Int { usage[key] = value }
        }
    }

    /// Translates Messages stream events into text and reasoning events as they arrive.
    struct MessageStream {
        let events: EventEmitter
        var stopped = false
        var message = Message()

        mutating func handle(_ event: ServerSentEvent) throws(PluginError) {
            if event.data.isEmpty { return }
            let object: [String: Any]
            do {
                object = try JSONReader.object(event.data)
            } catch {
                throw PluginError(.malformedResponse, "unparsable stream event at byte \(error.offset): \(error.message)")
            }
            switch object["type"] as? String ?? event.event {
            case "message_start":
                if let usage = (object["message"] as? [String: Any])?["usage"] as? [String: Any] { message.merge(usage: usage) }
            case "content_block_start":
                let block = object["content_block"] as? [String: Any]
                if block?["type"] as? String == "text", let text = block?["text"] as? String, !text.isEmpty { events.text(text) }
                if block?["type"] as? String == "thinking", let thinking = block?["thinking"] as? String, !thinking.isEmpty { events.reasoning(thinking) }
            case "content_block_delta":
                let delta = object["delta"] as? [String: Any]
                switch delta?["type"] as? String {
                case "text_delta": if let text = delta?["text"] as? String, !text.isEmpty { events.text(text) }
                case "thinking_delta": if let thinking = delta?["thinking"] as? String, !thinking.isEmpty { events.reasoning(thinking) }
                default: break // signature_delta, input_json_delta, citations: not text
                }
            case "message_delta":
                if let reason = (object["delta"] as? [String: Any])?["stop_reason"] as? String { message.stopReason = reason }
                if let usage = object["usage"] as? [String: Any] { message.merge(usage: usage) }
            case "message_stop":
                stopped = true
            case "error":
                throw AnthropicProvider.bodyError(object["error"] as? [String: Any], status: 0)
            default:
                break // ping, content_block_stop, and event types added later
            }
        }
    }

    /// A whole `message` response.
    static func message(_ object: [String: Any], events: EventEmitter) throws(PluginError) -> Message {
        if object["type"] as? String == "error" { throw bodyError(object["error"] as? [String: Any], status: 0) }
        guard let content = object["content"] as? [Any] else {
            throw PluginError(.malformedResponse, "anthropic: the response has no 'content' list")
        }
        for case let block as [String: Any] in content {
            switch block["type"] as? String {
            case "thinking": if let thinking = block["thinking"] as? String, !thinking.isEmpty { events.reasoning(thinking) }
            case "text": if let text = block["text"] as? String, !text.isEmpty { events.text(text) }
            default: break
            }
        }
        var message = Message(stopReason: object["stop_reason"] as? String)
        if let usage = object["usage"] as? [String: Any] { message.merge(usage: usage) }
        return message
    }

    /// An error from its Anthropic error type (`{"type": "overloaded_error", "message": …}`).
    static func bodyError(_ error: [String: Any]?, status: Int, retryAfterMs: Int64 = -1) -> PluginError {
        let type = error?["type"] as? String ?? ""
        let text = error?["message"] as? String ?? "the server reported an error"
        var code: PluginError.Code
        switch type {
        case "overloaded_error", "rate_limit_error": code = .rateLimited
        case "api_error": code = .server
        case "authentication_error", "permission_error": code = .auth
        case "not_found_error": code = .notFound
        case "invalid_request_error", "request_too_large": code = .invalidRequest
        case "timeout_error": code = .timeout
        default: code = status > 0 ? PluginError.Code(httpStatus: status) : .server
        }
        if status == 529 || status == 429 { code = .rateLimited }
        let label = type.isEmpty ? "" : " \(type)"
        return PluginError(code, "anthropic:\(label)\(status > 0 ? " (HTTP \(status))" : ""): \(text)", httpStatus: status, retryAfterMs: retryAfterMs)
    }

    /// Classifies a non-2xx response from its status, the error body and the rate-limit headers.
    static func failure(_ head: HTTPResponseHead, _ body: [UInt8], model: String) -> PluginError {
        let json = ProviderExchange.errorJSON(body) as? [String: Any]
        var retryAfterMs: Int64 = -1
        if head.status == 429 || head.status == 529 || head.status >= 500 {
            retryAfterMs = RetryDelay.fromHeaders(head)
                ?? RetryDelay.fromResetHeaders(head, [
                    ("anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset"),
                    ("anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset"),
                    ("anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-input-tokens-reset"),
                    ("anthropic-ratelimit-output-tokens-remaining", "anthropic-ratelimit-output-tokens-reset"),
                ], parse: { RetryDelay.until(rfc3339: $0) })
                ?? -1
        }
        guard let error = json?["error"] as? [String: Any] else {
            return PluginError(PluginError.Code(httpStatus: head.status == 529 ? 429 : head.status),
                               "anthropic: HTTP \(head.status): \(ProviderExchange.snippet(body))", httpStatus: head.status, retryAfterMs: retryAfterMs)
        }
        var failure = bodyError(error, status: head.status, retryAfterMs: retryAfterMs)
        // The status decides the class (529, "overloaded", is retried like a rate limit).
        failure.code = PluginError.Code(httpStatus: head.status == 529 ? 429 : head.status)
        if failure.code == .notFound { failure.message = "anthropic: model '\(model)' not found (HTTP 404): \(error["message"] as? String ?? "")" }
        return failure
    }
}

@_cdecl("llmbench_plugin_entry")
public func llmbench_plugin_entry() -> UnsafeRawPointer { PluginExport.provider(AnthropicProvider.self) }
