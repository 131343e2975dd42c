/// What the server saw of one request and when it answered. Times are CLOCK_MONOTONIC
/// nanoseconds (see `MonotonicClock`), comparable with a client's on the same machine.
///
/// Write times are taken immediately before the write() and the record is published before the
/// last write, so a client that has read the whole response finds its record complete.
public struct RequestRecord: Sendable {
    public var method: String
    /// Path and query, as sent.
    public var path: String
    /// Lowercased names; a repeated header's values joined with ", ".
    public var headers: [String: String]
    public var body: String
    /// The model name as sent (for Gemini, decoded from the path).
    public var model: String?
    /// nil when the model name did not parse or the request was not routed.
    public var scenario: Scenario?
    /// The text of the last user message.
    public var prompt: String?
    /// The system prompt: OpenAI system/developer message, Anthropic `system`, Gemini `systemInstruction`.
    public var systemPrompt: String?
    /// The HTTP status sent; 0 while nothing has been sent (and for `fault=hang`).
    public var status: Int = 0
    /// When the first bytes of the request line were read.
    public var requestStartNs: UInt64
    /// When the whole request had been read.
    public var requestCompleteNs: UInt64
    /// The write of the first chunk carrying generated text or thinking.
    public var firstContentNs: UInt64?
    /// The last write of the response.
    public var lastByteNs: UInt64?
    /// The last write carrying body bytes: what a client's body callback sees last. A chunked
    /// stream's terminator (`0\r\n\r\n`) is written after it and carries none.
    public var lastBodyByteNs: UInt64?
    /// The write of every chunk carrying generated text or thinking, in order.
    public var contentChunkNs: [UInt64] = []
    /// With `serial=1`: the number in this request's answer (`answer-N`).
    public var serial: Int?
}
