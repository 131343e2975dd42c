import CLLMBenchPluginABI
import Foundation

/// One request to a provider's API through the engine's HTTP service, with what every remote
/// provider needs around it: server-sent events handed over as they arrive, a bounded buffer for
/// JSON and error bodies, and the checks on status and content type.
public enum ProviderExchange {
    /// The most a JSON body may hold (the engine's own limit on a body that is not streamed): a
    /// larger one fails as a malformed response rather than exhausting memory.
    public static let maxBufferedBodyBytes = Int(LLMBENCH_HTTP_MAX_BODY_BYTES)
    /// How much of an error body is kept for the failure handler (the rest is dropped).
    public static let maxErrorBodyBytes = 1024 * 1024

    public enum Reply: @unchecked Sendable {
        /// A streamed body: every event went to `onEvent`.
        case streamed
        /// A JSON body, complete (a non-streamed request, or a server that answered a streamed
        /// request with JSON).
        case json([String: Any])
    }

    /// Sends `request`. A 2xx `text/event-stream` body goes event by event to `onEvent` from inside
    /// the engine's body callback (so events emitted there carry the chunk's arrival time); a 2xx
    /// JSON body is returned parsed. A non-2xx status throws `failure(head, body)` (the body cut at
    /// `maxErrorBodyBytes`), with its `httpStatus` set. A 2xx body of another content type, JSON that
    /// does not parse, a body over `maxBodyBytes` (refused from its Content-Length when it declares
    /// one) or a server-sent event over `ServerSentEventParser.maxEventBytes` throws
    /// `.malformedResponse`, as soon as the limit is passed. An error thrown by
    /// `onEvent` stops the transfer and is rethrown; so is `.cancelled` once the engine asked the
    /// call to stop. Transport failures are the engine's (timeout, network, cancelled).
    public static func send(_ request: HTTPRequest, events: EventEmitter, host: PluginHost,
                            maxBodyBytes: Int = maxBufferedBodyBytes,
                            failure: (HTTPResponseHead, [UInt8]) -> PluginError,
                            onEvent: (ServerSentEvent) throws(PluginError) -> Void) throws(PluginError) -> Reply
    {
        enum Mode { case events, json, error, unexpected(String) }
        var head: HTTPResponseHead?
        var mode = Mode.json
        var body: [UInt8] = []
        var parser = ServerSentEventParser()
        var stopped: PluginError?

        do {
            try events.perform(request, host: host, onResponse: { response in
                head = response
                let contentType = response.header("content-type")?.lowercased() ?? ""
                if !(200..<300).contains(response.status) {
                    mode = .error
                } else if contentType.contains("text/event-stream") || (contentType.isEmpty && request.stream) {
                    mode = .events
                } else if contentType.contains("json") || contentType.isEmpty {
                    mode = .json
                    let declared = response.header("content-length").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
                    guard declared <= maxBodyBytes else {
                        stopped = tooLarge(maxBodyBytes)
                        return false
                    }
                    // Bounded by the check above; saves the copies of growing a large body.
                    body.reserveCapacity(declared)
                } else {
                    mode = .unexpected(contentType)
                }
                return true
            }, onBody: { bytes in
                switch mode {
                case .events:
                    do {
                        return try parser.feed(bytes) { event in
                            do throws(PluginError) {
                                try onEvent(event)
                            } catch {
                                stopped = error
                                return false
                            }
                            guard events.shouldContinue else {
                                stopped = PluginError(.cancelled, "the engine stopped the call")
                                return false
                            }
                            return true
                        }
                    } catch {
                        stopped = PluginError(.malformedResponse, "a server-sent event passed \(byteSize(parser.maxEventBytes)) without ending "
                            + "(a line or an event with no end): the plugin stopped reading the stream")
                        return false
                    }
                case .json:
                    let needed = body.count + bytes.count
                    guard needed <= maxBodyBytes else {
                        stopped = tooLarge(maxBodyBytes)
                        return false
                    }
                    // Doubling, but never past the limit: left to itself the last growth would
                    // reserve up to twice the limit and copy the whole body on the way.
                    if needed > body.capacity { body.reserveCapacity(min(maxBodyBytes, max(needed, body.capacity * 2))) }
                    body.append(contentsOf: bytes)
                case .error, .unexpected:
                    let room = maxErrorBodyBytes - body.count
                    if room > 0 { body.append(contentsOf: bytes.prefix(room)) }
                }
                return true
            })
        } catch {
            throw stopped ?? error
        }
        if let stopped { throw stopped }
        guard let head else { throw PluginError(.malformedResponse, "the server sent no response") }
        switch mode {
        case .events:
            return .streamed
        case .error:
            var error = failure(head, body)
            if error.httpStatus == 0 { error.httpStatus = head.status }
            throw error
        case .unexpected(let contentType):
            throw PluginError(.malformedResponse, "HTTP \(head.status) with content type '\(contentType)', expected JSON or server-sent events: "
                + snippet(body), httpStatus: head.status)
        case .json:
            guard !body.isEmpty else { throw PluginError(.malformedResponse, "HTTP \(head.status) with an empty body", httpStatus: head.status) }
            let parsed = body.withUnsafeBytes { bytes in Result { () throws(JSONReader.Failure) in try JSONReader.object(bytes) } }
            do {
                return .json(try parsed.get())
            } catch {
                throw PluginError(.malformedResponse, "unparsable JSON in the response at byte \(error.offset): \(error.message)", httpStatus: head.status)
            }
        }
    }

    private static func tooLarge(_ limit: Int) -> PluginError {
        PluginError(.malformedResponse, "response body larger than \(byteSize(limit)): the plugin stopped reading it")
    }

    /// "32 MiB", or a byte count when the size is not a whole number of MiB.
    static func byteSize(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }

    /// The start of a body as text, for error messages.
    public static func snippet(_ body: [UInt8], limit: Int = 200) -> String {
        let text = String(decoding: body.prefix(limit), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return body.count > limit ? text + "…" : text
    }

    /// Parses an error body as JSON (object or array); nil when it is not JSON.
    public static func errorJSON(_ body: [UInt8]) -> Any? {
        body.withUnsafeBytes { try? JSONReader.value($0) }
    }
}

extension PluginError.Code {
    /// The usual class of an HTTP error status; providers refine it from their error bodies.
    public init(httpStatus status: Int) {
        switch status {
        case 401, 403: self = .auth
        case 404: self = .notFound
        case 408: self = .timeout
        case 429: self = .rateLimited
        case 500...599: self = .server
        case 400...499: self = .invalidRequest
        default: self = .malformedResponse
        }
    }
}

/// The generation options every provider plugin understands, read and checked once. Each plugin
/// maps them onto its API.
public struct GenerationOptions: Sendable {
    /// Their names in suites: temperature, top_p, max_tokens, stop, seed, system, stream.
    public static let names: Set<String> = ["temperature", "top_p", "max_tokens", "stop", "seed", "system", "stream"]

    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    /// From a string or a list of strings.
    public var stop: [String]
    public var seed: Int?
    /// The `system` option as a provider's create-time configuration holds it. A request never
    /// carries it: llmbench sends it as the first message instead (Docs/plugin-abi.md "The system
    /// prompt"), so a plugin reads the system prompt from the request's messages alone.
    public var system: String?
    /// True unless `stream: false`.
    public var stream: Bool

    public init(_ options: [String: Any], plugin: String) throws(PluginError) {
        func bad(_ key: String, _ expected: String) -> PluginError {
            PluginError(.invalidRequest, "\(plugin) option '\(key)' must be \(expected)")
        }
        if options["temperature"] != nil {
            guard let value = options.number("temperature"), value >= 0 else { throw bad("temperature", "a number ≥ 0") }
            temperature = value
        }
        if options["top_p"] != nil {
            guard let value = options.number("top_p"), value >= 0, value <= 1 else { throw bad("top_p", "a number between 0 and 1") }
            topP = value
        }
        if options["max_tokens"] != nil {
            guard let value = options.integer("max_tokens"), value >= 1 else { throw bad("max_tokens", "a whole number ≥ 1") }
            maxTokens = value
        }
        switch options["stop"] {
        case nil: stop = []
        case let one as String: stop = [one]
        case let list as [Any]:
            guard let strings = list as? [String] else { throw bad("stop", "a string or a list of strings") }
            stop = strings
        default: throw bad("stop", "a string or a list of strings")
        }
        if options["seed"] != nil {
            guard let value = options.integer("seed") else { throw bad("seed", "a whole number") }
            seed = value
        }
        if let raw = options["system"] {
            guard let text = raw as? String else { throw bad("system", "a string") }
            system = text
        }
        if let raw = options["stream"] {
            guard let flag = raw as? Bool else { throw bad("stream", "true or false") }
            stream = flag
        } else {
            stream = true
        }
    }

    /// The system prompt for APIs that take it apart from the turns: the request's system messages,
    /// joined by blank lines; and the other messages in order.
    public func split(_ messages: [ChatMessage]) -> (system: String?, turns: [ChatMessage]) {
        var parts: [String] = []
        var turns: [ChatMessage] = []
        for message in messages {
            if message.role == "system" { parts.append(message.content) } else { turns.append(message) }
        }
        return (parts.isEmpty ? nil : parts.joined(separator: "\n\n"), turns)
    }
}


extension ProviderExchange {
    /// `base` and `path` joined by exactly one slash.
    public static func url(_ base: String, _ path: String) -> String {
        var base = Substring(base)
        while base.hasSuffix("/") { base = base.dropLast() }
        return path.hasPrefix("/") ? base + path : base + "/" + path
    }

    /// The API key, or an `.auth` failure that names the plugin and the provider and says what to do.
    public static func requireKey(_ config: ProviderConfiguration, plugin: String, example variable: String) throws(PluginError) -> String {
        guard let key = config.apiKey, !key.isEmpty else {
            throw PluginError(.auth, "the \(plugin) provider '\(config.providerID)' needs an API key: set 'api_key_env' on the provider "
                + "to the environment variable that holds it (like \(variable)) and export that variable")
        }
        return key
    }
}

extension PluginError {
    /// The same error with every occurrence of `secret` in its message replaced, so that a key a
    /// provider echoed back never reaches a log or a report.
    public func redacting(_ secret: String?) -> PluginError {
        guard let secret, secret.count >= 4, message.contains(secret) else { return self }
        var copy = self
        copy.message = message.replacingOccurrences(of: secret, with: "[redacted]")
        return copy
    }
}

extension JSONReader {
    /// A JSON array of numbers as doubles; nil if it is not one.
    public static func numbers(_ value: Any?) -> [Double]? {
        guard let array = value as? [Any] else { return nil }
        var out: [Double] = []
        out.reserveCapacity(array.count)
        for item in array {
            switch item {
            case let double as Double: out.append(double)
            case let int as Int: out.append(Double(int))
            default: return nil
            }
        }
        return out
    }
}
