/// What Python 3 says about code points, for scorers that must agree with a Python reference
/// (sacreBLEU, SQuAD, lm-evaluation-harness) to the code point. Everything works on Unicode
/// scalars, never on Swift `Character`s or `String` comparison: those follow grapheme clusters and
/// canonical equivalence ("é" precomposed equals "e" + U+0301), where Python compares code points.
public enum PythonUnicode {
    /// `str.isspace()`: what `str.split()` and `str.strip()` with no argument treat as whitespace —
    /// Unicode's White_Space plus U+001C–U+001F (Python counts the separators of bidi class B and S),
    /// but not U+200B or U+FEFF.
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// `str.split()` with no argument: runs of whitespace separate, and none is ever empty.
    public static func split(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        var start: Int?
        for (index, scalar) in scalars.enumerated() {
            if isSpace(scalar) {
                if let first = start { words.append(scalars[first..<index]) }
                start = nil
            } else if start == nil {
                start = index
            }
        }
        if let first = start { words.append(scalars[first...]) }
        return words
    }

    /// `" ".join(text.split())`.
    public static func normalizeSpaces(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        scalars.withUnsafeBufferPointer { source in
            [Unicode.Scalar](unsafeUninitializedCapacity: source.count) { out, written in
                var n = 0
                var pendingSpace = false
                for scalar in source {
                    if isSpace(scalar) {
                        pendingSpace = n > 0
                    } else {
                        if pendingSpace {
                            out[n] = " "
                            n += 1
                        }
                        pendingSpace = false
                        out[n] = scalar
                        n += 1
                    }
                }
                written = n
            }
        }
    }

    /// `str.split()` as the ranges of its words in `scalars`.
    public static func splitRanges(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var words: [Range<Int>] = []
        words.reserveCapacity(scalars.count / 4 + 1)
        scalars.withUnsafeBufferPointer { source in
            var start = -1
            for index in 0..<source.count {
                if isSpace(source[index]) {
                    if start >= 0 { words.append(start..<index) }
                    start = -1
                } else if start < 0 {
                    start = index
                }
            }
            if start >= 0 { words.append(start..<source.count) }
        }
        return words
    }

    /// `str.strip()` with no argument.
    public static func strip(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return [] }
        let last = scalars.lastIndex { !isSpace($0) }!
        return Array(scalars[first...last])
    }

    /// `str.rstrip()` with no argument.
    public static func rstrip(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard let last = scalars.lastIndex(where: { !isSpace($0) }) else { return [] }
        return Array(scalars[...last])
    }

    /// `str.lower()`: each code point's full lowercase mapping (U+0130 İ becomes "i" + U+0307), and
    /// U+03A3 Σ becomes final ς where Unicode's Final_Sigma condition holds — after a cased letter
    /// and not before one, case-ignorable code points skipped either way — else σ. Swift's
    /// `lowercased()` always gives σ.
    public static func lower(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        for (index, scalar) in scalars.enumerated() {
            switch scalar.value {
            case 0x41...0x5A: out.append(Unicode.Scalar(scalar.value + 0x20)!)
            case 0..<0x80: out.append(scalar)
            case 0x3A3: out.append(isFinalSigma(scalars, at: index) ? "\u{3C2}" : "\u{3C3}")
            default: out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return out
    }

    /// `str.lower()` on a string; ASCII text takes Swift's own path, which agrees there.
    public static func lower(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: lower(Array(text.unicodeScalars)))
        return String(out)
    }

    /// CPython's `handle_capital_sigma`: \p{cased} \p{case-ignorable}* Σ !(\p{case-ignorable}* \p{cased}).
    static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        let before = scalars[..<index].lastIndex { !$0.properties.isCaseIgnorable }
        guard let before, scalars[before].properties.isCased else { return false }
        let after = scalars[(index + 1)...].firstIndex { !$0.properties.isCaseIgnorable }
        guard let after else { return true }
        return !scalars[after].properties.isCased
    }

    /// The `regex` module's `\p{P}` (punctuation: Pc Pd Ps Pe Pi Pf Po), which sacreBLEU's `intl`
    /// tokenizer uses.
    public static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// The `regex` module's `\p{S}` (symbols: Sm Sc Sk So).
    public static func isSymbol(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: return true
        default: return false
        }
    }

    /// The `regex` module's `\p{N}` (numbers: Nd Nl No), unlike `re`'s `\d` (Nd only) and unlike
    /// the ASCII `[0-9]` of sacreBLEU's `13a`.
    public static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
}
