import PythonUnicode

/// sacreBLEU 2.x's BLEU tokenizers (sacrebleu/tokenizers/), code point for code point. Each takes
/// the segment already lowercased (if asked) and right-stripped, as `BLEU._preprocess_segment`
/// does, and returns a line that `str.split()` then cuts into tokens.
enum Tokenizer: String, CaseIterable {
    case mteval13a = "13a", intl, zh, char, none

    func tokenize(_ line: [Unicode.Scalar]) -> [Unicode.Scalar] {
        switch self {
        case .mteval13a: return Self.tokenize13a(line)
        case .intl: return Self.tokenizeIntl(line)
        case .zh: return Self.tokenizeZh(line)
        case .char: return Self.tokenizeChar(line)
        case .none: return line
        }
    }

    // MARK: 13a (tokenizer_13a.py): mteval-v13a.pl's language-independent part, then the regexps.

    static func tokenize13a(_ line: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var line = replacing(Array("<skipped>".unicodeScalars), with: [], in: line)
        line = replacing(["-", "\n"], with: [], in: line)
        line = replacing(["\n"], with: [" "], in: line)
        if line.contains("&") {
            // In this order, as str.replace one after the other: "&amp;lt;" becomes "<".
            line = replacing(Array("&quot;".unicodeScalars), with: ["\""], in: line)
            line = replacing(Array("&amp;".unicodeScalars), with: ["&"], in: line)
            line = replacing(Array("&lt;".unicodeScalars), with: ["<"], in: line)
            line = replacing(Array("&gt;".unicodeScalars), with: [">"], in: line)
        }
        return westernRegexps([" "] + line + [" "])
    }

    /// `str.replace`: every non-overlapping occurrence, left to right.
    static func replacing(_ pattern: [Unicode.Scalar], with replacement: [Unicode.Scalar], in line: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard !pattern.isEmpty, line.count >= pattern.count else { return line }
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
    static func westernRegexps(_ line: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // ([\{-\~\[-\` -\&\(-\+\:-\@\/]) -> " \1 "
        let spaced = spacingOut(line, where: isMtevalPunctuation)
        let periodOrComma: (Unicode.Scalar) -> Bool = { $0 == "." || $0 == "," }
        let digit: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
        // ([^0-9])([\.,]) -> "\1 \2 ": a period or comma unless a digit precedes it.
        var text = substitutingPairs(in: spaced, first: { !digit($0) }, second: periodOrComma) { [$0, " ", $1, " "] }
        // ([\.,])([^0-9]) -> " \1 \2": a period or comma unless a digit follows it.
        text = substitutingPairs(in: text, first: periodOrComma, second: { !digit($0) }) { [" ", $0, " ", $1] }
        // ([0-9])(-) -> "\1 \2 ": a dash after a digit.
        text = substitutingPairs(in: text, first: digit, second: { $0 == "-" }) { [$0, " ", $1, " "] }
        return PythonUnicode.normalizeSpaces(text)
    }

    /// The class `[\{-\~\[-\` -\&\(-\+\:-\@\/]`: ASCII punctuation and the space, less `'`, `,`, `-` and `.`.
    static func isMtevalPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
        default: return false
        }
    }

    /// `re.sub(r"(CLASS)", r" \1 ", line)`: a space on either side of each code point in the class.
    static func spacingOut(_ line: [Unicode.Scalar], where inClass: (Unicode.Scalar) -> Bool) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(line.count + line.count / 2)
        for scalar in line {
            if inClass(scalar) {
                out.append(" ")
                out.append(scalar)
                out.append(" ")
            } else {
                out.append(scalar)
            }
        }
        return out
    }

    /// `re.sub` of a pattern matching exactly two code points: matches are found left to right and
    /// never overlap, so after a match the search goes on past its second code point.
    static func substitutingPairs(in line: [Unicode.Scalar], first: (Unicode.Scalar) -> Bool, second: (Unicode.Scalar) -> Bool,
                                  replacement: (Unicode.Scalar, Unicode.Scalar) -> [Unicode.Scalar]) -> [Unicode.Scalar]
    {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(line.count + line.count / 4)
        var index = 0
        while index < line.count {
            if index + 1 < line.count, first(line[index]), second(line[index + 1]) {
                out.append(contentsOf: replacement(line[index], line[index + 1]))
                index += 2
            } else {
                out.append(line[index])
                index += 1
            }
        }
        return out
    }

    // MARK: intl (tokenizer_intl.py): mteval-v14.pl's international tokenization, with the `regex` module's categories.

    static func tokenizeIntl(_ line: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // (\P{N})(\p{P}) -> "\1 \2 "
        var text = substitutingPairs(in: line, first: { !PythonUnicode.isNumber($0) }, second: PythonUnicode.isPunctuation) { [$0, " ", $1, " "] }
        // (\p{P})(\P{N}) -> " \1 \2"
        text = substitutingPairs(in: text, first: PythonUnicode.isPunctuation, second: { !PythonUnicode.isNumber($0) }) { [" ", $0, " ", $1] }
        // (\p{S}) -> " \1 "
        return PythonUnicode.normalizeSpaces(spacingOut(text, where: PythonUnicode.isSymbol))
    }

    // MARK: zh (tokenizer_zh.py): each "Chinese" code point on its own, then the 13a regexps.

    static func tokenizeZh(_ line: [Unicode.Scalar]) -> [Unicode.Scalar] {
        westernRegexps(spacingOut(PythonUnicode.strip(line), where: isSacreBLEUChinese))
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
