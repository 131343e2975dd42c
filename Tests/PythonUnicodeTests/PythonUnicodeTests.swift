import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import PythonUnicode
import Testing

/// PythonUnicode against Python itself, on every code point: the facts Tests/Fixtures/bleu/generate.py
/// wrote from CPython's `str` and the `regex` module (their versions are in the file).
struct PythonUnicodeTests {
    static let facts: JSONValue = {
        let text = try! String(contentsOfFile: TestPaths.repo("Tests/Fixtures/bleu/cases.json"), encoding: .utf8)
        return try! JSONValue.parse(text)["python"]!
    }()

    /// Code point ranges [first, last] as the generator wrote them.
    static func ranges(_ value: JSONValue?) -> [ClosedRange<UInt32>] {
        (value?.arrayValue ?? []).compactMap { pair in
            guard let bounds = pair.arrayValue, bounds.count == 2, let first = bounds[0].doubleValue, let last = bounds[1].doubleValue else { return nil }
            return UInt32(first)...UInt32(last)
        }
    }

    static func contains(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var low = 0, high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if ranges[middle].contains(value) { return true }
            if value < ranges[middle].lowerBound { high = middle - 1 } else { low = middle + 1 }
        }
        return false
    }

    /// Every code point but the surrogates.
    static var allScalars: some Sequence<Unicode.Scalar> { (UInt32(0)...0x10FFFF).lazy.compactMap(Unicode.Scalar.init) }

    /// Code points that Python's Unicode database (older than Swift's) assigns: the ones where the
    /// two can be compared.
    static let assigned = ranges(facts["unicode_assigned"])

    @Test func isSpaceIsPythonsIsSpaceOnEveryCodePoint() {
        let python = Self.ranges(Self.facts["isspace"])
        #expect(python.count > 5)
        let disagreeing = Self.allScalars.filter { PythonUnicode.isSpace($0) != Self.contains(python, $0.value) }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(20).map { String($0.value, radix: 16) })")
    }

    @Test func lowerIsPythonsLowerOnEveryAssignedCodePoint() throws {
        let table = try #require(Self.facts["lower"]?.objectValue)
        #expect(table.count > 1000)
        var disagreeing: [String] = []
        for scalar in Self.allScalars where Self.contains(Self.assigned, scalar.value) {
            let python = table[String(scalar.value)]?.arrayValue?.compactMap { $0.doubleValue.flatMap { Unicode.Scalar(UInt32($0)) } } ?? [scalar]
            if PythonUnicode.lower([scalar]) != python { disagreeing.append(String(scalar.value, radix: 16)) }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(20))")
    }

    @Test func lowerTurnsCapitalSigmaFinalWherePythonDoes() throws {
        let cases = try #require(Self.facts["lower_strings"]?.arrayValue)
        #expect(cases.count > 10)
        for pair in cases {
            let input = try #require(pair.arrayValue?.first?.stringValue), python = try #require(pair.arrayValue?.last?.stringValue)
            #expect(PythonUnicode.lower(Array(input.unicodeScalars)) == Array(python.unicodeScalars), "\(input.debugDescription)")
        }
    }

    /// sacreBLEU's `intl` tokenizer asks the `regex` module for \p{P}, \p{S} and \p{N}.
    @Test(arguments: ["P", "S", "N"])
    func categoriesAreTheRegexModulesOnEveryAssignedCodePoint(category: String) {
        let regex = Self.ranges(Self.facts["regex_categories"]?[category])
        let swift: (Unicode.Scalar) -> Bool
        switch category {
        case "P": swift = PythonUnicode.isPunctuation
        case "S": swift = PythonUnicode.isSymbol
        default: swift = PythonUnicode.isNumber
        }
        #expect(regex.count > 100)
        let disagreeing = Self.allScalars.filter { Self.contains(Self.assigned, $0.value) && swift($0) != Self.contains(regex, $0.value) }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(20).map { String($0.value, radix: 16) })")
    }

    @Test func splitAndStripAreStrSplitAndStrStrip() {
        let text = Array("\u{A0} a\u{3000}b\u{200B}c\t\n d \u{1C}".unicodeScalars)
        #expect(PythonUnicode.split(text).map { String(String.UnicodeScalarView($0)) } == ["a", "b\u{200B}c", "d"])
        #expect(String(String.UnicodeScalarView(PythonUnicode.strip(text))) == "a\u{3000}b\u{200B}c\t\n d")
        #expect(String(String.UnicodeScalarView(PythonUnicode.rstrip(text))) == "\u{A0} a\u{3000}b\u{200B}c\t\n d")
        #expect(PythonUnicode.split([]).isEmpty && PythonUnicode.strip([" ", "\u{85}"]).isEmpty)
    }
}
