import CLLMBenchPluginABI

/// The sizes the engine holds one call to, whatever the server sends or the plugin emits, so that
/// a hostile or broken provider costs a bounded amount of memory per request (Docs/http.md). The
/// first three are stated to plugins in the ABI header.
package enum ResponseLimits {
    /// Text and reasoning kept per call, together, in bytes: no benchmark answer is that long.
    package static let answerBytes = Int(LLMBENCH_MAX_ANSWER_BYTES)
    /// A response body that is not streamed: plugins buffer it whole to parse it, so this is what
    /// one request may hold; it leaves room for a 16 MiB answer with its JSON escapes.
    package static let bodyBytes = Int(LLMBENCH_HTTP_MAX_BODY_BYTES)
    /// A streamed response body: not buffered (the answer and event limits bound memory), so this
    /// only ends a stream that never stops; about a million tokens of OpenAI chunks.
    package static let streamBytes = Int(LLMBENCH_HTTP_MAX_STREAM_BYTES)
    /// Status line and headers of one response.
    package static let headerBytes = 1 << 20
    /// Arrival stamps kept per attempt (8 bytes each); later chunks are counted, not stamped.
    package static let chunkStamps = 1 << 17
    /// An error message as recorded; the rest is dropped.
    package static let errorMessageBytes = 64 << 10
    /// A finish reason as recorded (real ones are a word).
    package static let finishReasonBytes = 256
}

/// Cutting UTF-8 text to a byte budget without splitting a character.
enum UTF8Cut {
    /// The length of `bytes` without the character its end cuts short, if any (at most 3 bytes
    /// fewer). Bytes before that are taken as they are.
    static func completeLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        var start = bytes.count
        // Back to the last byte that is not a continuation byte (10xxxxxx): the character's lead.
        while start > 0 && bytes.count - start < 4 && bytes[start - 1] & 0xC0 == 0x80 { start -= 1 }
        guard start > 0 else { return bytes.count }
        let lead = bytes[start - 1]
        let needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return bytes.count - (start - 1) >= needed ? bytes.count : start - 1
    }

    /// `text` cut to at most `limit` bytes on a character boundary.
    static func prefix(_ text: UnsafeRawBufferPointer, limit: Int) -> String {
        let cut = UnsafeRawBufferPointer(rebasing: text[0..<min(text.count, limit)])
        return String(decoding: UnsafeRawBufferPointer(rebasing: cut[0..<completeLength(cut)]), as: UTF8.self)
    }
}

extension CallOutcome {
    /// Appends a text or reasoning delta, keeping text and reasoning together within `limit`
    /// bytes. The delta that crosses the limit is cut where a character ends and marks the
    /// outcome `truncated`; later deltas are dropped. Returns false once the limit is reached.
    package mutating func appendAnswer(_ bytes: UnsafeRawBufferPointer, reasoning isReasoning: Bool,
                                       limit: Int = ResponseLimits.answerBytes) -> Bool
    {
        guard !truncated else { return false }
        let room = limit - text.count - reasoning.count
        if bytes.count <= room {
            if isReasoning { reasoning.append(contentsOf: bytes) } else { text.append(contentsOf: bytes) }
            return true
        }
        // Rare (once per call at most): cut, then drop a character the cut left unfinished.
        func cut(_ buffer: inout [UInt8]) {
            buffer.append(contentsOf: bytes.prefix(room))
            let complete = buffer.withUnsafeBytes { UTF8Cut.completeLength($0) }
            buffer.removeLast(buffer.count - complete)
        }
        if isReasoning { cut(&reasoning) } else { cut(&text) }
        truncated = true
        return false
    }
}
