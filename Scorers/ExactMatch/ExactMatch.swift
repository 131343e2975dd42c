import Foundation
import LLMBenchPluginKit
import PythonUnicode

/// Compares an answer with the expected value(s). Value 1 when any reference matches, else 0.
///
/// Modes: `exact` (after the options below, as lm-evaluation-harness's exact_match), `normalized`
/// (SQuAD's normalize_answer on both sides), `contains` (a reference occurs in the output), `regex`
/// (a reference, as a pattern, matches somewhere in the output). Options: `unicode_normalize`
/// (none, nfc or nfkc, first), then lm-evaluation-harness's, in its order: `regexes_to_ignore`
/// (each removed from both sides), `ignore_case`, `ignore_punctuation` (ASCII punctuation removed),
/// `ignore_numbers` (ASCII digits removed). Text is compared by code points, as Python compares
/// it, never with `String ==`, which holds canonically equivalent strings equal.
/// Checked case by case against both references: Tests/Fixtures/exact_match, Docs/exact-match.md.
struct ExactMatch: ScorerPlugin {
    static let id = "exact_match"
    static let displayName = "Exact match"
    static let version = "1.1.0"

    enum Mode: String, CaseIterable { case exact, normalized, contains, regex }
    enum UnicodeNormalization: String, CaseIterable { case none, nfc, nfkc }

    static let knownOptions: Set<String> = ["mode", "unicode_normalize", "ignore_case", "ignore_punctuation", "ignore_numbers", "regexes_to_ignore"]

    let mode: Mode
    let unicodeNormalization: UnicodeNormalization
    let ignoreCase: Bool
    let ignorePunctuation: Bool
    let ignoreNumbers: Bool
    let regexesToIgnore: [NSRegularExpression]

    init(options: [String: Any], host: PluginHost) throws(PluginError) {
        try PluginOptions.rejectUnknown(options, known: Self.knownOptions, plugin: "exact_match")
        mode = try PluginOptions.choice(options, "mode", default: Mode.exact, plugin: "exact_match")
        unicodeNormalization = try PluginOptions.choice(options, "unicode_normalize", default: UnicodeNormalization.none, plugin: "exact_match")
        ignoreCase = try PluginOptions.flag(options, "ignore_case", plugin: "exact_match") ?? false
        ignorePunctuation = try PluginOptions.flag(options, "ignore_punctuation", plugin: "exact_match") ?? false
        ignoreNumbers = try PluginOptions.flag(options, "ignore_numbers", plugin: "exact_match") ?? false
        var patterns: [String] = []
        if let raw = options["regexes_to_ignore"] {
            if let one = raw as? String { patterns = [one] } else if let list = raw as? [String] { patterns = list } else {
                throw PluginError(.invalidRequest, "exact_match option 'regexes_to_ignore' must be a list of patterns")
            }
        }
        regexesToIgnore = try patterns.map { pattern throws(PluginError) in try Self.compile(pattern) }
    }

    static func compile(_ pattern: String) throws(PluginError) -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern)
        } catch {
            throw PluginError(.invalidRequest, "invalid regular expression '\(pattern)': \(error.localizedDescription)")
        }
    }

    func score(_ request: ScoreRequest) throws(PluginError) -> ScoreResult {
        guard !request.expected.isEmpty else {
            throw PluginError(.invalidRequest, "exact_match needs 'expected' on the test")
        }
        let output = prepare(request.output)
        let normalizedOutput = mode == .normalized ? Self.squadNormalize(output) : []
        for (index, reference) in request.expected.enumerated() {
            let matched: Bool
            switch mode {
            case .exact: matched = Self.droppingTrailingNULs(output) == Self.droppingTrailingNULs(prepare(reference))
            case .normalized: matched = normalizedOutput == Self.squadNormalize(prepare(reference))
            case .contains: matched = Self.contains(output, prepare(reference))
            case .regex:
                let regex = try Self.compile(normalize(reference))
                let text = String(String.UnicodeScalarView(output))
                matched = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            }
            if matched {
                return ScoreResult(value: 1, explanation: "matches reference \(index + 1) (\(mode.rawValue))",
                                   details: ["mode": mode.rawValue, "matched_reference": index])
            }
        }
        return ScoreResult(value: 0, explanation: "matches none of \(request.expected.count) reference(s) (\(mode.rawValue))",
                           details: ["mode": mode.rawValue])
    }

    /// `unicode_normalize`, then lm-evaluation-harness's order: regexes, case, punctuation, numbers.
    func prepare(_ text: String) -> [Unicode.Scalar] {
        var text = normalize(text)
        for (index, regex) in regexesToIgnore.enumerated() {
            // lm-evaluation-harness reads the text back out of a numpy array for each pattern after
            // the first, which drops trailing NULs.
            if mode == .exact && index > 0 { text = String(String.UnicodeScalarView(Self.droppingTrailingNULs(Array(text.unicodeScalars)))) }
            text = regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "")
        }
        var scalars = Array(text.unicodeScalars)
        if ignoreCase {
            let width = scalars.count
            scalars = PythonUnicode.lower(scalars)
            // numpy's np.char.lower writes into an array as wide as the text was: a lowercase that
            // grows (U+0130 İ becomes two code points) loses its last code points.
            if mode == .exact && scalars.count > width { scalars.removeLast(scalars.count - width) }
        }
        if ignorePunctuation { scalars.removeAll { Self.asciiPunctuation.contains($0) } }
        if ignoreNumbers { scalars.removeAll { ("0"..."9").contains($0) } }
        return scalars
    }

    func normalize(_ text: String) -> String {
        switch unicodeNormalization {
        case .none: return text
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .nfkc: return text.precomposedStringWithCompatibilityMapping
        }
    }

    /// numpy's fixed-width strings, through which lm-evaluation-harness compares, end at the first
    /// of their trailing NULs.
    static func droppingTrailingNULs(_ scalars: [Unicode.Scalar]) -> ArraySlice<Unicode.Scalar> {
        scalars[..<(scalars.lastIndex { $0 != "\0" }.map { $0 + 1 } ?? 0)]
    }

    /// Python's `reference in output`, code point by code point; the empty reference is in every output.
    static func contains(_ output: [Unicode.Scalar], _ reference: [Unicode.Scalar]) -> Bool {
        guard reference.count <= output.count else { return false }
        return (0...(output.count - reference.count)).contains { output[$0..<($0 + reference.count)].elementsEqual(reference) }
    }

    /// Python's string.punctuation.
    static let asciiPunctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars)

    /// Python's \w (str.isalnum() or "_"). Unlike ICU's \w it excludes combining marks, and unlike
    /// UAX #29 word boundaries it splits "the’s" after "the".
    static func isPythonWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "_" { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return scalar.properties.numericType != nil
        }
    }

    /// SQuAD v1.1's normalize_answer — lower, drop ASCII punctuation, `re.sub(r"\b(a|an|the)\b", " ")`,
    /// `" ".join(text.split())` — in one pass over the lowered text: a run of word characters that
    /// is exactly a, an or the acts as a space; whitespace ends a token; tokens are joined by one space.
    /// UTF-8 out, so equal results are equal code points.
    static func squadNormalize(_ text: [Unicode.Scalar]) -> [UInt8] {
        // UTF-8 buffers: appending scalars to String views was the scorer's main cost.
        var out: [UInt8] = []
        var token: [UInt8] = []
        var word: [UInt8] = []
        out.reserveCapacity(text.count)
        func endToken() {
            guard !token.isEmpty else { return }
            if !out.isEmpty { out.append(0x20) }
            out.append(contentsOf: token)
            token.removeAll(keepingCapacity: true)
        }
        func endWord() {
            guard !word.isEmpty else { return }
            if word == articleA || word == articleAn || word == articleThe { endToken() } else { token.append(contentsOf: word) }
            word.removeAll(keepingCapacity: true)
        }
        for scalar in PythonUnicode.lower(text) {
            let value = scalar.value
            if value < 128 {
                // The same three tests as below, looked up: most answers are ASCII.
                let kind = asciiKinds[Int(value)]
                if kind == .punctuation { continue }
                if kind == .word {
                    word.append(UInt8(value))
                    continue
                }
                endWord()
                if kind == .space { endToken() } else { token.append(UInt8(value)) }
                continue
            }
            if asciiPunctuation.contains(scalar) { continue }
            if isPythonWordCharacter(scalar) {
                UTF8.encode(scalar) { word.append($0) }
                continue
            }
            endWord()
            if PythonUnicode.isSpace(scalar) { endToken() } else { UTF8.encode(scalar) { token.append($0) } }
        }
        endWord()
        endToken()
        return out
    }

    static let articleA = Array("a".utf8), articleAn = Array("an".utf8), articleThe = Array("the".utf8)

    enum ASCIIKind { case punctuation, word, space, other }
    /// What `squadNormalize` makes of each ASCII code point, from the same predicates it uses for the rest.
    static let asciiKinds: [ASCIIKind] = (0..<128).map { value in
        let scalar = Unicode.Scalar(UInt8(value))
        if asciiPunctuation.contains(scalar) { return .punctuation }
        if isPythonWordCharacter(scalar) { return .word }
        return PythonUnicode.isSpace(scalar) ? .space : .other
    }
}

@_cdecl("llmbench_plugin_entry")
public func llmbench_plugin_entry() -> UnsafeRawPointer { PluginExport.scorer(ExactMatch.self) }
