import Foundation

/// What the fake does for one request, read from the model name so that one server can serve many
/// scenarios at once: `fake` or `fake;ttft=50;gap=10;chunks=64;text=Paris;fault=429`.
public struct Scenario: Sendable, Equatable {
    public enum Fault: String, Sendable, Equatable, CaseIterable {
        case rateLimited = "429", serverError = "500", unavailable = "503", overloaded = "529"
        case invalidRequest = "400", unauthorized = "401", forbidden = "403", notFound = "404"
        /// Close the socket with a TCP reset after `resetAfter` content chunks.
        case reset
        /// A `data:` line that is not JSON after the first content chunk.
        case malformed
        /// Read the request and never answer.
        case hang
        /// A response carrying about `hugeBytes` of content.
        case huge
        /// A content event (streamed) or a JSON body (not streamed) whose text never ends: `hugeBytes`
        /// of filler without a newline, in 64 KiB chunks, until the client hangs up; then the
        /// response stops unfinished. A client that reads to the end has failed to cut it off.
        case endlessLine = "endless_line"
        /// Omit usage everywhere.
        case noUsage = "no_usage"
        /// 200 with an HTML body, as a misconfigured proxy would send.
        case contentType = "content_type"
        /// Gemini only: a blocked candidate (or, with `block=prompt`, a blocked prompt).
        case safety
        /// An error event after the first content chunk of a stream.
        case midstreamError = "midstream_error"

        /// The HTTP status of the error faults.
        public var status: Int? { Int(rawValue) }
    }

    /// The first word of the model name.
    public var name: String
    /// Delay before the first content chunk (reasoning or text), from the moment the request was read.
    public var ttftMs: Int = 0
    /// Delay between content chunks.
    public var gapMs: Int = 0
    /// Number of text chunks; `text` is split across them, padded with filler words when short.
    public var chunks: Int?
    public var text: String = "Paris"
    /// Reasoning/thinking chunks sent before the text.
    public var reasoningChunks: Int = 0
    /// Reported usage; nil means derived from the request and the chunks sent.
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var cachedTokens: Int = 0
    public var cacheWriteTokens: Int = 0
    public var reasoningTokens: Int?
    public var fault: Fault?
    /// The fault hits the first `failTimes` requests with this model name and prompt; nil: every one.
    public var failTimes: Int?
    public var retryAfterSeconds: Int = 1
    /// Send Retry-After as an HTTP-date rather than seconds.
    public var retryAfterDate: Bool = false
    public var resetAfter: Int = 2
    public var hugeBytes: Int = 20_000_000
    /// For `fault=safety`: block the prompt (promptFeedback) rather than the candidate.
    public var blockPrompt: Bool = false
    /// Embedding length when the request does not ask for one.
    public var dimensions: Int = 16
    /// A provider's rate limit: at most `limit` requests with this model name per fixed window of
    /// `windowMs`; the rest get 429 with the time to the window's end (`retry-after-ms` and
    /// `Retry-After` in whole seconds).
    public var limit: Int?
    public var windowMs: Int = 60_000
    /// Answer `answer-N`, N counting the server's answers from 0, so a test can tell which request
    /// produced a stored answer (`RequestRecord.serial`).
    public var serial: Bool = false

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public init(model: String) throws(ParseError) {
        let fields = model.split(separator: ";", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
        name = fields.first ?? ""
        for field in fields.dropFirst() {
            guard let equals = field.firstIndex(of: "=") else {
                throw ParseError(description: "scenario field '\(field)' in model '\(model)' is not key=value")
            }
            let key = String(field[..<equals]), value = String(field[field.index(after: equals)...])
            func number() throws(ParseError) -> Int {
                guard let n = Int(value), n >= 0 else {
                    throw ParseError(description: "scenario key '\(key)' in model '\(model)' needs a whole number >= 0, got '\(value)'")
                }
                return n
            }
            switch key {
            case "ttft": ttftMs = try number()
            case "gap": gapMs = try number()
            case "chunks": chunks = max(1, try number())
            case "text": text = value
            case "reasoning": reasoningChunks = try number()
            case "input_tokens": inputTokens = try number()
            case "output_tokens": outputTokens = try number()
            case "cached_tokens": cachedTokens = try number()
            case "cache_write_tokens": cacheWriteTokens = try number()
            case "reasoning_tokens": reasoningTokens = try number()
            case "fail_times": failTimes = try number()
            case "retry_after": retryAfterSeconds = try number()
            case "retry_after_date": retryAfterDate = try number() != 0
            case "reset_after": resetAfter = try number()
            case "size": hugeBytes = try number()
            case "dims": dimensions = max(1, try number())
            case "limit": limit = try number()
            case "window_ms": windowMs = max(1, try number())
            case "serial": serial = try number() != 0
            case "block": blockPrompt = value == "prompt"
            case "fault":
                guard let fault = Fault(rawValue: value) else {
                    let known = Fault.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ParseError(description: "unknown fault '\(value)' in model '\(model)'; known: \(known)")
                }
                self.fault = fault
            default:
                throw ParseError(description: "unknown scenario key '\(key)' in model '\(model)'")
            }
        }
    }

    /// The text chunks of a successful answer, before any `max_tokens` or stop sequence cut.
    public var textChunks: [String] {
        var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if words.isEmpty { words = [text] }
        let count = chunks ?? words.count
        let filler = ["and", "so", "on"]
        var index = 0
        while words.count < count {
            words.append(filler[index % filler.count])
            index += 1
        }
        // Spread the words evenly; every word after the first keeps its leading space.
        var pieces: [String] = []
        pieces.reserveCapacity(count)
        var start = 0
        for chunk in 0..<count {
            let end = (words.count * (chunk + 1)) / count
            var piece = ""
            for wordIndex in start..<end {
                if wordIndex > 0 { piece += " " }
                piece += words[wordIndex]
            }
            pieces.append(piece)
            start = end
        }
        return pieces
    }

    /// The full answer a client should reassemble when nothing cuts it short.
    public var answer: String { textChunks.joined() }

    /// The reasoning chunks sent before the text.
    public var reasoningTextChunks: [String] {
        (0..<reasoningChunks).map { "Step \($0 + 1). " }
    }
}
