import Foundation

/// A tokenizer.json `normalizer`: none, the Unicode normal forms, lowercase, or a sequence of them.
indirect enum TextNormalizer: Sendable {
    case none
    case nfc, nfd, nfkc, nfkd
    /// Per character, without context, as Rust's `char::to_lowercase`.
    case lowercase
    case sequence([TextNormalizer])

    func apply(_ text: String) -> String {
        switch self {
        case .none: text
        case .nfc: text.precomposedStringWithCanonicalMapping
        case .nfd: text.decomposedStringWithCanonicalMapping
        case .nfkc: text.precomposedStringWithCompatibilityMapping
        case .nfkd: text.decomposedStringWithCompatibilityMapping
        case .lowercase: text.unicodeScalars.map(\.properties.lowercaseMapping).joined()
        case .sequence(let steps): steps.reduce(text) { $1.apply($0) }
        }
    }
}

/// A pre-tokenizer step that cuts words into smaller ones: `Split` with a regex kept as its own
/// piece (`Isolated`) or dropped (`Removed`), and `Digits`. Empty pieces are dropped, as in `tokenizers`.
enum PreTokenizerSplit: Sendable {
    case regex(PatternSplit)
    /// Numbers (Unicode N*) one character a piece, or in runs.
    case digits(individual: Bool)

    func split(_ text: String) -> [String] {
        switch self {
        case .regex(let pattern): return pattern.split(text)
        case .digits(let individual):
            var pieces: [String] = []
            var current = String.UnicodeScalarView()
            var currentIsDigits = false
            for scalar in text.unicodeScalars {
                let isDigit = Self.isNumeric(scalar)
                if !current.isEmpty && (isDigit != currentIsDigits || (isDigit && individual)) {
                    pieces.append(String(current))
                    current = String.UnicodeScalarView()
                }
                current.append(scalar)
                currentIsDigits = isDigit
            }
            if !current.isEmpty { pieces.append(String(current)) }
            return pieces
        }
    }

    /// Rust's `char::is_numeric`: general categories Nd, Nl and No.
    static func isNumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }
}

/// A regex split. `tokenizers` uses Oniguruma; ICU (NSRegularExpression) reads these patterns the
/// same way, `\s` as Unicode White_Space included, which the fixtures check.
struct PatternSplit: @unchecked Sendable {
    /// Used from many threads: NSRegularExpression is immutable and documented thread-safe.
    let regex: NSRegularExpression
    /// Matches are dropped rather than kept as pieces.
    let removesMatches: Bool

    init(pattern: String, removesMatches: Bool = false) throws {
        regex = try NSRegularExpression(pattern: pattern)
        self.removesMatches = removesMatches
    }

    func split(_ text: String) -> [String] {
        let ns = text as NSString
        var pieces: [String] = []
        var last = 0
        for match in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) where match.range.length > 0 {
            if match.range.location > last { pieces.append(ns.substring(with: NSRange(location: last, length: match.range.location - last))) }
            if !removesMatches { pieces.append(ns.substring(with: match.range)) }
            last = match.range.location + match.range.length
        }
        if last < ns.length { pieces.append(ns.substring(from: last)) }
        return pieces
    }
}

/// The `ByteLevel` pre-tokenizer, always the last step: an optional space before each piece, the
/// GPT-2 split when `use_regex`, then bytes (which the model maps to GPT-2's printable characters).
struct ByteLevelStep: Sendable {
    /// GPT-2's pattern, as `tokenizers` writes it.
    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let gpt2 = try! PatternSplit(pattern: gpt2Pattern)

    var addPrefixSpace: Bool
    var useRegex: Bool

    func split(_ text: String) -> [String] {
        let text = addPrefixSpace && !text.hasPrefix(" ") ? " " + text : text
        return useRegex ? Self.gpt2.split(text) : (text.isEmpty ? [] : [text])
    }
}
