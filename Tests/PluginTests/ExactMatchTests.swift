import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchTestSupport
import Testing

/// The exact_match scorer, loaded with dlopen like any plugin, against its references: every case in
/// Tests/Fixtures/exact_match/cases.json (written by generate.py beside it with lm-evaluation-harness's
/// own exact_match and SQuAD's normalize_answer, versions recorded there) must get the same verdict.
struct ExactMatchTests {
    static let fixture: JSONValue = {
        let text = try! String(contentsOfFile: TestPaths.repo("Tests/Fixtures/exact_match/cases.json"), encoding: .utf8)
        return try! JSONValue.parse(text)
    }()

    @Test func theFixtureComesFromTheRealPackagesAndCoversEveryMode() throws {
        #expect(Self.fixture["versions"]?["lm_eval"]?.stringValue?.hasPrefix("0.4.") == true)
        let cases = try #require(Self.fixture["cases"]?.arrayValue)
        #expect(cases.count >= 69 * 17)
        let values = cases.compactMap { $0["value"]?.doubleValue }
        #expect(values.count == cases.count && values.contains(0) && values.contains(1), "the cases must exercise both outcomes")
        let modes = Set(cases.map { $0["options"]?["mode"]?.stringValue ?? "exact" })
        #expect(modes == ["exact", "normalized", "contains", "regex"])
        let forms = Set(cases.compactMap { $0["options"]?["unicode_normalize"]?.stringValue })
        #expect(forms == ["nfc", "nfkc"])
    }

    @Test func agreesWithLMEvaluationHarnessAndSQuADOnEveryFixtureCase() throws {
        let plugin = try #require(builtInCatalog().plugin(id: "exact_match"))
        let cases = try #require(Self.fixture["cases"]?.arrayValue)
        // One instance per distinct set of options, as a suite has one per scorer entry.
        var instances: [String: PluginInstance] = [:]
        var failures: [String] = []
        for (index, testCase) in cases.enumerated() {
            let options = testCase["options"]?.objectValue ?? [:]
            let config = JSONValue.object(options).jsonText
            let instance: PluginInstance
            do {
                instance = try instances[config] ?? PluginInstance(plugin: plugin, configJSON: config)
            } catch {
                failures.append("case \(index) \(config): refused: \(error)")
                continue
            }
            instances[config] = instance
            let output = testCase["output"]?.stringValue ?? ""
            let expected = testCase["expected"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let outcome = ScorerCall.evaluate(instance, spec: ScorerSpec(scorer: "exact_match", options: options),
                                              output: output, expected: expected, testName: "t")
            if outcome.value != testCase["value"]?.doubleValue {
                failures.append("case \(index) \(config) \(output.debugDescription) vs \(expected.map(\.debugDescription)): "
                    + "\(outcome.value.map { "\($0)" } ?? outcome.error ?? "nil"), reference \(testCase["value"]?.jsonText ?? "nil")")
            }
        }
        let differing = failures.count
        #expect(differing == 0, "\(differing) of \(cases.count) cases differ:\n\(failures.prefix(30).joined(separator: "\n"))")
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
