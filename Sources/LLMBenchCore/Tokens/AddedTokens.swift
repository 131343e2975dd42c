/// The `added_tokens` of a tokenizer.json (special tokens such as `<|im_end|>`, and others such as
/// `<think>`), found in text before anything else, as `tokenizers` finds them: leftmost-longest
/// matches, those marked `normalized` in the normalized text and the others in the raw text; a
/// `single_word` token only between non-word characters; `lstrip`/`rstrip` take the whitespace beside it.
struct AddedTokens: Sendable {
    struct Token: Sendable {
        var content: [UInt8]
        var id: Int
        var singleWord: Bool
        var lstrip: Bool
        var rstrip: Bool
        var normalized: Bool
    }

    /// A piece of text, or an added token found there.
    struct Segment {
        var text: String
        var tokenID: Int?
    }

    /// Per matching pass (raw text, normalized text), the tokens by their first byte, longest first.
    private let raw: [UInt8: [Token]]
    private let normalized: [UInt8: [Token]]

    init(_ tokens: [Token]) {
        func index(_ tokens: [Token]) -> [UInt8: [Token]] {
            Dictionary(grouping: tokens.filter { !$0.content.isEmpty }, by: { $0.content[0] })
                .mapValues { $0.sorted { $0.content.count > $1.content.count } }
        }
        raw = index(tokens.filter { !$0.normalized })
        normalized = index(tokens.filter(\.normalized))
    }

    /// `text` cut around the tokens of one pass, in order; empty pieces are left out.
    func split(_ text: String, normalized pass: Bool) -> [Segment] {
        let byFirstByte = pass ? normalized : raw
        guard !byFirstByte.isEmpty, !text.isEmpty else { return text.isEmpty ? [] : [Segment(text: text)] }
        let bytes = Array(text.utf8)
        var segments: [Segment] = []
        var pieceStart = 0
        var position = 0
        while position < bytes.count {
            guard let candidates = byFirstByte[bytes[position]],
                  let token = candidates.first(where: { Self.matches($0.content, in: bytes, at: position) })
            else {
                position += 1
                continue
            }
            var start = position, stop = position + token.content.count
            position = stop
            if token.singleWord {
                let wordBefore = start > 0 && Self.lastScalar(bytes[..<start]).map(Self.isWordCharacter) == true
                let wordAfter = stop < bytes.count && Self.firstScalar(bytes[stop...]).map(Self.isWordCharacter) == true
                if wordBefore || wordAfter { continue }
            }
            if token.lstrip { start = max(pieceStart, Self.whitespaceRunStart(bytes, before: start)) }
            if token.rstrip {
                stop = Self.whitespaceRunEnd(bytes, after: stop)
                position = stop
            }
            if pieceStart < start { segments.append(Segment(text: Self.text(bytes[pieceStart..<start]))) }
            segments.append(Segment(text: Self.text(bytes[start..<stop]), tokenID: token.id))
            pieceStart = stop
        }
        if pieceStart < bytes.count { segments.append(Segment(text: Self.text(bytes[pieceStart...]))) }
        return segments
    }

    private static func matches(_ content: [UInt8], in bytes: [UInt8], at position: Int) -> Bool {
        guard position + content.count <= bytes.count else { return false }
        for i in 0..<content.count where bytes[position + i] != content[i] { return false }
        return true
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    private static func firstScalar(_ bytes: ArraySlice<UInt8>) -> Unicode.Scalar? { text(bytes.prefix(4)).unicodeScalars.first }

    private static func lastScalar(_ bytes: ArraySlice<UInt8>) -> Unicode.Scalar? { text(bytes.suffix(4)).unicodeScalars.last }

    /// The regex crate's Unicode `\w`: letters, marks, decimal digits, connector punctuation, joiners.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let p = scalar.properties
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return p.isAlphabetic || p.isJoinControl
        }
    }

    /// Where the run of whitespace that ends at `end` starts (Unicode White_Space, as `\s`).
    /// One character at a time, so a token after a long text costs only its whitespace.
    private static func whitespaceRunStart(_ bytes: [UInt8], before end: Int) -> Int {
        var start = end
        while start > 0 {
            var lead = start - 1
            while lead > 0 && bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
            guard let scalar = firstScalar(bytes[lead..<start]), scalar.properties.isWhitespace else { break }
            start = lead
        }
        return start
    }

    private static func whitespaceRunEnd(_ bytes: [UInt8], after start: Int) -> Int {
        var end = start
        while end < bytes.count, let scalar = firstScalar(bytes[end...]), scalar.properties.isWhitespace {
            end += UTF8.width(scalar)
        }
        return end
    }
}
