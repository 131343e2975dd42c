import PythonUnicode

/// sacreBLEU 2.x's BLEU tokenizers (sacrebleu/tokenizers/), code point for code point. Each takes
/// the segment already lowercased (if asked) and right-stripped, as `BLEU._preprocess_segment`
/// does, and returns a line that `str.split()` then cuts into tokens.
public enum Tokenizer: String, CaseIterable, Sendable {
    case mteval13a = "13a", intl, zh, char, none

    public func tokenize(_ line: [Unicode.Scalar]) -> [Unicode.Scalar] { tokenize(line, normalizingSpaces: true) }

    /// With `normalizingSpaces: false` the tokenizers' closing `" ".join(line.split())` is left
    /// out: the same tokens for a caller that splits the line anyway (BLEU's statistics).
    func tokenize(_ line: [Unicode.Scalar], normalizingSpaces: Bool) -> [Unicode.Scalar] {
        switch self {
        case .mteval13a: return Self.tokenize13a(line, normalizingSpaces: normalizingSpaces)
        case .intl: return Self.tokenizeIntl(line, normalizingSpaces: normalizingSpaces)
        case .zh: return Self.tokenizeZh(line, normalizingSpaces: normalizingSpaces)
        case .char: return Self.tokenizeChar(line)
        case .none: return line
        }
    }

    // MARK: 13a (tokenizer_13a.py): mteval-v13a.pl's language-independent part, then the regexps.

    static func tokenize13a(_ line: [Unicode.Scalar], normalizingSpaces: Bool = true) -> [Unicode.Scalar] {
        // One look at the line tells which replacements can apply: most lines need none of them.
        var hasLess = false, hasNewline = false, hasAmpersand = false
        for scalar in line {
            switch scalar {
            case "<": hasLess = true
            case "\n": hasNewline = true
            case "&": hasAmpersand = true
            default: break
            }
        }
        var line = line
        if hasLess { line = replacing(Array("<skipped>".unicodeScalars), with: [], in: line) }
        if hasNewline {
            line = replacing(["-", "\n"], with: [], in: line)
            line = replacing(["\n"], with: [" "], in: line)
        }
        if hasAmpersand {
            // In this order, as str.replace one after the other: "&amp;lt;" becomes "<".
            line = replacing(Array("&quot;".unicodeScalars), with: ["\""], in: line)
            line = replacing(Array("&amp;".unicodeScalars), with: ["&"], in: line)
            line = replacing(Array("&lt;".unicodeScalars), with: ["<"], in: line)
            line = replacing(Array("&gt;".unicodeScalars), with: [">"], in: line)
        }
        return westernRegexps(line, padded: true, normalizingSpaces: normalizingSpaces)
    }

    /// `str.replace`: every non-overlapping occurrence, left to right.
    static func replacing(_ pattern: [Unicode.Scalar], with replacement: [Unicode.Scalar], in line: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard !pattern.isEmpty, line.count >= pattern.count, line.contains(pattern[0]) else { return line }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(line.count)
        var index = 0
        while index < line.count {
            if line[index] == pattern[0], index + pattern.count <= line.count, line[index..<index + pattern.count].elementsEqual(pattern) {
                out.append(contentsOf: replacement)
                index += pattern.count
            } else {
                out.append(line[index])
                index += 1
            }
        }
        return out
    }

    /// tokenizer_re.py's TokenizerRegexp, shared by 13a and zh; `[0-9]` there is ASCII digits only.
    /// `padded`: the line as if written `" " + line + " "` (13a does so; zh does not).
    ///
    /// Its four `re.sub` calls run as one pass (`RegexpStages`): each pair substitution holds back
    /// one code point, the possible first of a pair, and passes on what it has decided; as re.sub,
    /// it finds matches left to right without overlap, so the stages compose as the calls do. (One
    /// pass instead of four was a seventh of a corpus score.)
    static func westernRegexps(_ line: [Unicode.Scalar], padded: Bool = false, normalizingSpaces: Bool = true) -> [Unicode.Scalar] {
        let text = line.withUnsafeBufferPointer { source in
            // Each stage at most doubles what it is given, the spacing triples it: 24 times at worst.
            [Unicode.Scalar](unsafeUninitializedCapacity: (source.count + 2) * 24) { out, written in
                var stages = RegexpStages(out: out.baseAddress!)
                if padded { stages.input(" ") }
                for scalar in source { stages.input(scalar) }
                if padded { stages.input(" ") }
                stages.finish()
                written = stages.count
            }
        }
        return normalizingSpaces ? PythonUnicode.normalizeSpaces(text) : text
    }

    /// The regexps of tokenizer_re.py, in order, each as a stage writing into the next.
    struct RegexpStages {
        /// Code points as their values; `none` marks a stage holding nothing (no code point is it).
        let out: UnsafeMutablePointer<UInt32>
        var count = 0
        var heldA = none
        var heldB = none
        var heldC = none
        static let none = UInt32.max

        init(out: UnsafeMutablePointer<Unicode.Scalar>) {
            // Unicode.Scalar is its UInt32 value.
            self.out = UnsafeMutableRawPointer(out).assumingMemoryBound(to: UInt32.self)
        }

        static let space = UInt32(0x20), period = UInt32(0x2E), comma = UInt32(0x2C), dash = UInt32(0x2D)
        @inline(__always) static func isPeriodOrComma(_ value: UInt32) -> Bool { value == period || value == comma }
        @inline(__always) static func isDigit(_ value: UInt32) -> Bool { value &- 0x30 < 10 }
        /// A period, comma or dash: the code points that the three pair patterns need.
        @inline(__always) static func pairs(_ value: UInt32) -> Bool { value == period || value == comma || value == dash }

        /// `([\{-\~\[-\` -\&\(-\+\:-\@\/])` -> `" \1 "`.
        @inline(__always) mutating func input(_ scalar: Unicode.Scalar) {
            // The common case, kept here so that it is inlined into the caller's loop (see a).
            if !Tokenizer.isMtevalPunctuation(scalar) && !Self.pairs(scalar.value) && !Self.pairs(heldB) {
                shift(scalar.value)
                return
            }
            if Tokenizer.isMtevalPunctuation(scalar) {
                a(Self.space)
                a(scalar.value)
                a(Self.space)
            } else {
                a(scalar.value)
            }
        }

        /// `([^0-9])([\.,])` -> `"\1 \2 "`: a period or comma unless a digit precedes it.
        @inline(__always) mutating func a(_ next: UInt32) {
            // Most code points can start or end no match anywhere: with neither the new one nor the
            // one B holds a period, comma or dash, A, B and C each pass on what they hold (see b, c).
            if !Self.pairs(next) && !Self.pairs(heldB) {
                shift(next)
                return
            }
            let held = heldA
            if held != Self.none {
                if !Self.isDigit(held) && Self.isPeriodOrComma(next) {
                    heldA = Self.none
                    b(held); b(Self.space); b(next); b(Self.space)
                    return
                }
                b(held)
            }
            heldA = next
        }

        /// Each stage passes on what it holds and takes what it is given: A, B and C when no pattern
        /// can match (neither `next` nor what B holds is a period, comma or dash).
        @inline(__always) mutating func shift(_ next: UInt32) {
            if heldA != Self.none {
                if heldB != Self.none {
                    if heldC != Self.none { put(heldC) }
                    heldC = heldB
                }
                heldB = heldA
            }
            heldA = next
        }

        /// `([\.,])([^0-9])` -> `" \1 \2"`: a period or comma unless a digit follows it.
        @inline(__always) mutating func b(_ next: UInt32) {
            let held = heldB
            if held != Self.none {
                if Self.isPeriodOrComma(held) && !Self.isDigit(next) {
                    heldB = Self.none
                    c(Self.space); c(held); c(Self.space); c(next)
                    return
                }
                c(held)
            }
            heldB = next
        }

        /// `([0-9])(-)` -> `"\1 \2 "`: a dash after a digit.
        @inline(__always) mutating func c(_ next: UInt32) {
            let held = heldC
            if held != Self.none {
                if Self.isDigit(held) && next == Self.dash {
                    heldC = Self.none
                    put(held); put(Self.space); put(next); put(Self.space)
                    return
                }
                put(held)
            }
            heldC = next
        }

        @inline(__always) mutating func put(_ value: UInt32) {
            out[count] = value
            count += 1
        }

        /// The end of the line: what each stage holds goes on, in order.
        mutating func finish() {
            if heldA != Self.none { let held = heldA; heldA = Self.none; b(held) }
            if heldB != Self.none { let held = heldB; heldB = Self.none; c(held) }
            if heldC != Self.none { let held = heldC; heldC = Self.none; put(held) }
        }
    }

    /// The class `[\{-\~\[-\` -\&\(-\+\:-\@\/]`: ASCII punctuation and the space, less `'`, `,`, `-` and `.`.
    static func isMtevalPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
        default: return false
        }
    }

    /// `re.sub(r"(CLASS)", r" \1 ", line)`: a space on either side of each code point in the class.
    /// (Written through buffers: appending one scalar at a time was most of a corpus score's time.)
    @inline(__always)
    static func spacingOut(_ line: [Unicode.Scalar], where inClass: (Unicode.Scalar) -> Bool) -> [Unicode.Scalar] {
        line.withUnsafeBufferPointer { source in
            [Unicode.Scalar](unsafeUninitializedCapacity: source.count * 3) { out, written in
                var n = 0
                for scalar in source {
                    if inClass(scalar) {
                        out[n] = " "
                        out[n + 1] = scalar
                        out[n + 2] = " "
                        n += 3
                    } else {
                        out[n] = scalar
                        n += 1
                    }
                }
                written = n
            }
        }
    }

    /// The two replacements the regexps use: `r"\1 \2 "` and `r" \1 \2"`.
    enum PairReplacement { case spaceAfterEach, spaceBeforeEach }

    /// `re.sub` of a pattern matching exactly two code points: matches are found left to right and
    /// never overlap, so after a match the search goes on past its second code point.
    @inline(__always)
    static func substitutingPairs(in line: [Unicode.Scalar], first: (Unicode.Scalar) -> Bool, second: (Unicode.Scalar) -> Bool,
                                  _ replacement: PairReplacement) -> [Unicode.Scalar]
    {
        line.withUnsafeBufferPointer { source in
            [Unicode.Scalar](unsafeUninitializedCapacity: source.count * 2) { out, written in
                var n = 0
                var index = 0
                while index < source.count {
                    if index + 1 < source.count, first(source[index]), second(source[index + 1]) {
                        switch replacement {
                        case .spaceAfterEach:
                            out[n] = source[index]
                            out[n + 1] = " "
                            out[n + 2] = source[index + 1]
                            out[n + 3] = " "
                        case .spaceBeforeEach:
                            out[n] = " "
                            out[n + 1] = source[index]
                            out[n + 2] = " "
                            out[n + 3] = source[index + 1]
                        }
                        n += 4
                        index += 2
                    } else {
                        out[n] = source[index]
                        n += 1
                        index += 1
                    }
                }
                written = n
            }
        }
    }

    // MARK: intl (tokenizer_intl.py): mteval-v14.pl's international tokenization, with the `regex` module's categories.

    static func tokenizeIntl(_ line: [Unicode.Scalar], normalizingSpaces: Bool = true) -> [Unicode.Scalar] {
        // (\P{N})(\p{P}) -> "\1 \2 "
        var text = substitutingPairs(in: line, first: { !PythonUnicode.isNumber($0) }, second: PythonUnicode.isPunctuation, .spaceAfterEach)
        // (\p{P})(\P{N}) -> " \1 \2"
        text = substitutingPairs(in: text, first: PythonUnicode.isPunctuation, second: { !PythonUnicode.isNumber($0) }, .spaceBeforeEach)
        // (\p{S}) -> " \1 "
        let spaced = spacingOut(text, where: PythonUnicode.isSymbol)
        return normalizingSpaces ? PythonUnicode.normalizeSpaces(spaced) : spaced
    }

    // MARK: zh (tokenizer_zh.py): each "Chinese" code point on its own, then the 13a regexps.

    static func tokenizeZh(_ line: [Unicode.Scalar], normalizingSpaces: Bool = true) -> [Unicode.Scalar] {
        westernRegexps(spacingOut(PythonUnicode.strip(line), where: isSacreBLEUChinese), normalizingSpaces: normalizingSpaces)
    }

    /// tokenizer_zh.py's `_UCODE_RANGES`, as Python reads them. Two of its bounds were written with
    /// five hex digits after `\u`, which takes four: `u'\u20000'` is U+2000 followed by "0", and
    /// `start <= char <= end` compares strings, so the "Extension B" range is really U+2001–U+2A6D
    /// (General Punctuation through Supplemental Arrows: “ ” — … € → and the like) and Extension B
    /// itself (U+20000…) is not Chinese there; likewise the "Compatibility Supplement" range is
    /// U+2F81–U+2FA1.
    static func isSacreBLEUChinese(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DB5, 0x4E00...0x9FA5, 0x9FA6...0x9FBB, 0xF900...0xFA2D, 0xFA30...0xFA6A, 0xFA70...0xFAD9,
             0x2001...0x2A6D, 0x2F81...0x2FA1, 0xFF00...0xFFEF, 0x2E80...0x2EFF, 0x3000...0x303F, 0x31C0...0x31EF,
             0x2F00...0x2FDF, 0x2FF0...0x2FFF, 0x3100...0x312F, 0x31A0...0x31BF, 0xFE10...0xFE1F, 0xFE30...0xFE4F,
             0x2600...0x26FF, 0x2700...0x27BF, 0x3200...0x32FF, 0x3300...0x33FF:
            return true
        default: return false
        }
    }

    // MARK: char (tokenizer_char.py): `" ".join(line)`, one token per code point (not per grapheme cluster).

    static func tokenizeChar(_ line: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(line.count * 2)
        for scalar in line {
            if !out.isEmpty { out.append(" ") }
            out.append(scalar)
        }
        return out
    }
}
