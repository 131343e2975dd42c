import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchTestSupport
import Testing

struct ExactMatchTests {
    struct Case: Sendable, CustomStringConvertible {
        var output: String
        var expected: [String]
        var options: [String: JSONValue]
        var description: String { "\(options) \(output.debugDescription) vs \(expected)" }
    }

    /// Edge cases of SQuAD's normalize_answer and lm-evaluation-harness's exact_match.
    static let cases: [Case] = {
        let normalized: [String: JSONValue] = ["mode": "normalized"]
        var list: [Case] = [
            Case(output: "The Eiffel Tower", expected: ["eiffel tower"], options: normalized),
            Case(output: "  Paris.  ", expected: ["paris"], options: normalized),
            Case(output: "an apple a day", expected: ["apple day"], options: normalized),
            Case(output: "theatre", expected: ["atre"], options: normalized),
            Case(output: "the’s", expected: ["’s"], options: normalized),
            Case(output: "Ünïcödé Straße", expected: ["ünïcödé straße"], options: normalized),
            Case(output: "ΟΔΟΣ", expected: ["οδος", "οδοσ"], options: normalized),
            Case(output: "ΟΔΟΣ ΟΔΟΣ.", expected: ["οδος οδος"], options: normalized),
            Case(output: "ΟΔΟΣ", expected: ["οδοσ"], options: normalized),
            Case(output: "ΣΑΣ Σ", expected: ["σας σ"], options: ["mode": "exact", "ignore_case": true]),
            Case(output: "a\u{1C}b", expected: ["a b"], options: normalized),
            Case(output: "a\u{A0}b\u{3000}c", expected: ["a b c"], options: normalized),
            Case(output: "rock-n-roll", expected: ["rocknroll"], options: normalized),
            Case(output: "“quoted”", expected: ["quoted"], options: normalized),
            Case(output: "A", expected: [""], options: normalized),
            Case(output: "the_end", expected: ["end"], options: normalized),
            Case(output: "the\u{301} end", expected: ["\u{301} end"], options: normalized),
            Case(output: "an² the½ a٣", expected: ["an² the½ a٣"], options: normalized),
            Case(output: "A.N. THE", expected: ["", "an"], options: normalized),
            Case(output: "Paris", expected: ["paris"], options: ["mode": "exact"]),
            Case(output: "Paris", expected: ["paris"], options: ["mode": "exact", "ignore_case": true]),
            Case(output: "Hello, World!", expected: ["hello world"], options: ["ignore_case": true, "ignore_punctuation": true]),
            Case(output: "Room 101", expected: ["Room "], options: ["ignore_numbers": true]),
            Case(output: "1,234,567", expected: ["1234567"], options: ["regexes_to_ignore": [","]]),
            Case(output: "Answer: 42", expected: ["42"], options: ["regexes_to_ignore": ["^Answer:\\s*"]]),
            Case(output: "The answer is 42.", expected: ["42"], options: ["mode": "contains"]),
            Case(output: "The answer is 42.", expected: ["43", "answer"], options: ["mode": "contains"]),
            Case(output: "ID: AB-1234", expected: ["[A-Z]{2}-\\d{4}"], options: ["mode": "regex"]),
            Case(output: "id: ab-1234", expected: ["^[A-Z]{2}"], options: ["mode": "regex"]),
        ]
        list.append(Case(output: "İstanbul", expected: ["i̇stanbul"], options: ["mode": "exact", "ignore_case": true]))
        return list
    }()

    static func reference(_ cases: [Case]) throws -> [Double] {
        guard let python = Shell.which("python3") else { throw CCompiler.Failure(description: "python3 is needed for the reference check") }
        let input = cases.map {
            JSONValue.object(["output": .string($0.output), "expected": .array($0.expected.map { .string($0) }), "options": .object($0.options)]).jsonText
        }.joined(separator: "\n")
        let result = try Shell.run(python, [TestPaths.repo("Tests/PluginTests/Fixtures/exact_match_reference.py")], stdin: input)
        guard result.status == 0 else { throw CCompiler.Failure(description: "reference failed: \(result.stderr)") }
        return try result.stdout.split(separator: "\n").map { try JSONValue.parse(String($0))["value"]!.doubleValue! }
    }

    @Test func agreesWithThePythonReferenceOnEveryEdgeCase() throws {
        let expected = try Self.reference(Self.cases)
        let catalog = builtInCatalog()
        let plugin = try #require(catalog.plugin(id: "exact_match"))
        #expect(expected.count == Self.cases.count)
        #expect(expected.contains(0) && expected.contains(1), "the cases must exercise both outcomes")
        for (index, testCase) in Self.cases.enumerated() {
            let instance = try PluginInstance(plugin: plugin, configJSON: JSONValue.object(testCase.options).jsonText)
            let outcome = ScorerCall.evaluate(instance, spec: ScorerSpec(scorer: "exact_match", options: testCase.options),
                                              output: testCase.output, expected: testCase.expected, testName: "t")
            #expect(outcome.value == expected[index], "\(testCase)")
        }
    }

    @Test func refusesUnknownOptionsAndBadModesAtCreation() throws {
        let plugin = try #require(builtInCatalog().plugin(id: "exact_match"))
        #expect(throws: RequestError.self) { try PluginInstance(plugin: plugin, configJSON: #"{"mode": "fuzzy"}"#) }
        do {
            _ = try PluginInstance(plugin: plugin, configJSON: #"{"ignore_cse": true}"#)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(error.message.contains("unknown option 'ignore_cse'"))
        }
    }

    @Test func aTestWithoutExpectedValuesIsAScorerErrorNotAPass() throws {
        let plugin = try #require(builtInCatalog().plugin(id: "exact_match"))
        let instance = try PluginInstance(plugin: plugin, configJSON: "{}")
        let outcome = ScorerCall.evaluate(instance, spec: ScorerSpec(scorer: "exact_match"), output: "x", expected: [], testName: "t")
        #expect(outcome.value == nil)
        #expect(!outcome.passed)
        #expect(outcome.error?.contains("needs 'expected'") == true)
    }
}
