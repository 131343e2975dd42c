import Foundation

/// A request a wire format understood.
enum Call {
    case chat(ChatCall)
    case embed(EmbedCall)

    var model: String {
        switch self {
        case .chat(let call): call.model
        case .embed(let call): call.model
        }
    }

    var scenario: Scenario {
        get {
            switch self {
            case .chat(let call): call.scenario
            case .embed(let call): call.scenario
            }
        }
        set {
            switch self {
            case .chat(var call):
                call.scenario = newValue
                self = .chat(call)
            case .embed(var call):
                call.scenario = newValue
                self = .embed(call)
            }
        }
    }
}

struct ChatCall {
    var model: String
    var scenario: Scenario
    var prompt: String
    var systemPrompt: String?
    var stream: Bool
    var maxTokens: Int?
    var stops: [String]
    /// Characters of all message text, for a default input token count.
    var promptCharacters: Int
    /// OpenAI `stream_options.include_usage`.
    var includeUsage = false
    /// Gemini `streamGenerateContent` without `alt=sse`: a JSON array streamed element by element.
    var jsonArrayStream = false
}

struct EmbedCall {
    var model: String
    var scenario: Scenario
    var inputs: [String]
    var dimensions: Int?
    /// OpenAI `encoding_format: "base64"`.
    var base64 = false
    /// Gemini `batchEmbedContents`.
    var batch = false
}

/// An answer that is not a generation: a provider error, or a routing failure.
struct Reply: Error {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8]
}

/// One provider's HTTP API: how requests look and how answers are shaped.
protocol WireFormat: Sendable {
    /// Headers sent with every response (request ids).
    var commonHeaders: [(String, String)] { get }
    /// Routes and decodes a request, or answers it with the provider's own error.
    func decode(_ request: HTTPRequest) -> Result<Call, Reply>
    /// The provider's error for a status fault (400, 401, 403, 404, 429, 500, 503, 529).
    func errorReply(status: Int, scenario: Scenario, model: String) -> Reply
    /// The provider's error for a model name that is not a valid scenario.
    func invalidScenarioReply(_ message: String) -> Reply
    func streamRenderer(for call: ChatCall, generation: Generation) -> any StreamRenderer
    func completionBody(for call: ChatCall, generation: Generation) -> [UInt8]
    func embeddingBody(for call: EmbedCall) -> [UInt8]
    /// Whether `fault=safety` means anything here (Gemini only).
    var blocksForSafety: Bool { get }
}

extension WireFormat {
    var blocksForSafety: Bool { false }
}

/// Builds the events of one streamed answer. Each element returned is one event, sent as its own
/// HTTP chunk.
protocol StreamRenderer {
    /// Events sent as soon as the request is read, before the first content.
    mutating func opening() -> [[UInt8]]
    /// The events for content piece `index`; the last one carries the content.
    mutating func content(_ index: Int) -> [[UInt8]]
    /// Events after the last content piece sent.
    mutating func closing() -> [[UInt8]]
    /// An error event in the stream, after which the stream ends.
    func midstreamError() -> [[UInt8]]
    /// A `data:` event whose payload is not valid JSON.
    func malformedEvent() -> [UInt8]
    /// The start of a content event up to the opening quote of its text, without its end
    /// (`fault=endless_line` follows it with filler that never ends the line).
    func unterminatedEvent() -> [UInt8]
}

/// Rate-limit reset times in the formats the providers use.
enum ResetTime {
    /// `Retry-After`: delta-seconds, or an IMF-fixdate when the scenario asks for a date.
    static func retryAfter(_ scenario: Scenario) -> String {
        scenario.retryAfterDate ? format(secondsFromNow: scenario.retryAfterSeconds, "%a, %d %b %Y %H:%M:%S GMT") : String(scenario.retryAfterSeconds)
    }

    /// RFC 3339 in UTC, as Anthropic's `anthropic-ratelimit-*-reset` headers carry.
    static func rfc3339(secondsFromNow: Int) -> String {
        format(secondsFromNow: secondsFromNow, "%Y-%m-%dT%H:%M:%SZ")
    }

    private static func format(secondsFromNow: Int, _ pattern: String) -> String {
        var when = time(nil) + secondsFromNow
        var parts = tm()
        gmtime_r(&when, &parts)
        var out = [CChar](repeating: 0, count: 64)
        // The C locale's day and month names are the English ones HTTP-date requires.
        let count = strftime(&out, out.count, pattern, &parts)
        return String(decoding: out[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Deterministic unit-length embeddings: equal texts embed equally, different texts differently.
/// The fake servers' embeddings: a unit vector drawn from the text's FNV-1a hash, so a test can
/// compute what a scorer should make of them.
public enum FakeEmbedding {
    public static func vector(for text: String, dimensions: Int) -> [Float] {
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { state = (state ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var values: [Float] = []
        values.reserveCapacity(dimensions)
        for _ in 0..<dimensions {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Float(Int64(bitPattern: state >> 11) - (1 << 52)) / Float(1 << 52))
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? values.map { $0 / norm } : values
    }

    static func appendJSON(_ values: [Float], to out: inout [UInt8]) {
        out.append("[")
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(",") }
            out.append(String(value))
        }
        out.append("]")
    }

    /// Little-endian float32 bytes in base64, OpenAI's `encoding_format: "base64"`.
    static func base64(_ values: [Float]) -> String {
        var bytes: [UInt8] = []
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return Data(bytes).base64EncodedString()
    }
}

/// Text of a message `content` that is a string or an array of `{type: "text", text}` parts.
func messageText(_ content: Any?) -> String {
    if let text = content as? String { return text }
    guard let parts = content as? [Any] else { return "" }
    return parts.compactMap { part -> String? in
        guard let part = part as? [String: Any] else { return part as? String }
        return part["text"] as? String
    }.joined()
}
