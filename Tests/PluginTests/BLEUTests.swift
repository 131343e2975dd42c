import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchTestSupport
import Testing

/// The bleu scorer, loaded with dlopen like any plugin, against sacreBLEU itself: every case in
/// Tests/Fixtures/bleu/cases.json (written by generate.py beside it, with the sacreBLEU version it
/// ran) must give the same score to 1e-9, the same counts, lengths and signature, and the same
/// summary line; corpus cases go through the ABI 1.2 aggregate.
struct BLEUTests {
    static let fixture: JSONValue = {
        let text = try! String(contentsOfFile: TestPaths.repo("Tests/Fixtures/bleu/cases.json"), encoding: .utf8)
        return try! JSONValue.parse(text)
    }()

    /// One plugin instance per distinct set of options, as a suite has one per scorer entry.
    final class Instances {
        let plugin: LoadedPlugin
        var byOptions: [String: PluginInstance] = [:]
        init() throws { plugin = try #require(builtInCatalog().plugin(id: "bleu")) }

        func instance(_ options: [String: JSONValue]) throws -> PluginInstance {
            let key = JSONValue.object(options).jsonText
            if let existing = byOptions[key] { return existing }
            let made = try PluginInstance(plugin: plugin, configJSON: key)
            byOptions[key] = made
            return made
        }
    }

    static func close(_ a: Double?, _ b: Double?, tolerance: Double = 1e-9) -> Bool {
        guard let a, let b else { return false }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    /// Where the scorer's details or value differ from sacreBLEU's figures; empty when they agree.
    static func differences(_ outcome: ScoreOutcome, _ expected: JSONValue) -> [String] {
        var found: [String] = []
        if let error = outcome.error { return ["error: \(error)"] }
        let details = outcome.details
        let score = expected["score"]?.doubleValue ?? .nan
        if !close(outcome.value, min(score / 100, 1)) { found.append("value \(outcome.value ?? .nan) vs \(score / 100)") }
        if !close(details["score"]?.doubleValue, score) { found.append("score \(details["score"]?.doubleValue ?? .nan) vs \(score)") }
        for key in ["bp", "ratio"] where !close(details[key]?.doubleValue, expected[key]?.doubleValue) {
            found.append("\(key) \(details[key]?.doubleValue ?? .nan) vs \(expected[key]?.doubleValue ?? .nan)")
        }
        for key in ["counts", "totals", "sys_len", "ref_len", "signature"] where details[key] != expected[key] {
            found.append("\(key) \(details[key]?.jsonText ?? "nil") vs \(expected[key]?.jsonText ?? "nil")")
        }
        let precisions = details["precisions"]?.arrayValue ?? [], sacre = expected["precisions"]?.arrayValue ?? []
        if precisions.count != sacre.count || zip(precisions, sacre).contains(where: { !close($0.doubleValue, $1.doubleValue) }) {
            found.append("precisions \(details["precisions"]?.jsonText ?? "nil") vs \(expected["precisions"]?.jsonText ?? "nil")")
        }
        if outcome.explanation != expected["formatted"]?.stringValue {
            found.append("summary \(outcome.explanation ?? "nil") vs \(expected["formatted"]?.stringValue ?? "nil")")
        }
        return found
    }

    static func options(_ testCase: JSONValue) -> [String: JSONValue] { testCase["options"]?.objectValue ?? [:] }
    static func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }

    @Test func theFixturesComeFromSacreBLEU2() throws {
        let version = try #require(Self.fixture["sacrebleu_version"]?.stringValue)
        #expect(version.hasPrefix("2."))
        let sentences = Self.fixture["sentence"]?.arrayValue ?? [], corpora = Self.fixture["corpus"]?.arrayValue ?? []
        #expect(sentences.count >= 500 && corpora.count >= 50)
        // Every tokenizer and smoothing method, and scores that are neither 0 nor perfect.
        let signatures = sentences.compactMap { $0["signature"]?.stringValue }
        for part in ["tok:13a", "tok:intl", "tok:zh", "tok:char", "tok:none", "smooth:exp", "smooth:none", "smooth:floor", "smooth:add-k", "case:lc", "eff:no", "nrefs:3"] {
            #expect(signatures.contains { $0.contains(part) }, "\(part)")
        }
        #expect(sentences.contains { ($0["score"]?.doubleValue ?? 0) > 0 && ($0["score"]?.doubleValue ?? 100) < 99 })
    }

    @Test func sentenceBLEUIsSacreBLEUsOnEveryCase() throws {
        let instances = try Instances()
        let cases = try #require(Self.fixture["sentence"]?.arrayValue)
        var failures: [String] = []
        for (index, testCase) in cases.enumerated() {
            let options = Self.options(testCase)
            let outcome = ScorerCall.evaluate(try instances.instance(options), spec: ScorerSpec(scorer: "bleu", options: options),
                                              output: testCase["hypothesis"]?.stringValue ?? "", expected: Self.strings(testCase["references"]),
                                              testName: "t")
            let differences = Self.differences(outcome, testCase)
            if !differences.isEmpty {
                failures.append("case \(index) \(JSONValue.object(options).jsonText) \(testCase["hypothesis"]?.jsonText ?? "") "
                    + "(sacreBLEU tokens \(testCase["tokenized"]?.jsonText ?? "")): \(differences.joined(separator: "; "))")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) cases differ:\n\(failures.prefix(15).joined(separator: "\n"))")
    }

    @Test func corpusBLEUIsSacreBLEUsFromTheSentencesStatistics() throws {
        let instances = try Instances()
        let cases = try #require(Self.fixture["corpus"]?.arrayValue)
        var failures: [String] = []
        for (index, testCase) in cases.enumerated() {
            let options = Self.options(testCase)
            let instance = try instances.instance(options)
            let spec = ScorerSpec(scorer: "bleu", options: options)
            let segments = testCase["segments"]?.arrayValue ?? []
            let details = segments.map {
                ScorerCall.evaluate(instance, spec: spec, output: $0["hypothesis"]?.stringValue ?? "", expected: Self.strings($0["references"]), testName: "t").details
            }
            // Items come in no particular order: the group's figure must not depend on it.
            guard let outcome = ScorerCall.aggregate(instance, spec: spec, details: details.reversed()) else {
                failures.append("case \(index): no aggregate")
                continue
            }
            let differences = Self.differences(outcome, testCase)
            if !differences.isEmpty { failures.append("case \(index) \(JSONValue.object(options).jsonText): \(differences.joined(separator: "; "))") }
            if outcome.details["segments"] != JSONValue(segments.count) { failures.append("case \(index): segments \(outcome.details["segments"]?.jsonText ?? "nil")") }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) cases differ:\n\(failures.prefix(15).joined(separator: "\n"))")
    }

    @Test func aPerfectMatchIsValueOneAndPassesWithoutAThreshold() throws {
        let instances = try Instances()
        let outcome = ScorerCall.evaluate(try instances.instance([:]), spec: ScorerSpec(scorer: "bleu"), output: "the cat sat on the mat",
                                          expected: ["the cat sat on the mat"], testName: "t")
        #expect(outcome.value == 1 && outcome.passed)
        #expect(outcome.details["score"]?.doubleValue == 100.00000000000004, "sacreBLEU's own floating point, kept in the details")
        let half = ScorerCall.evaluate(try instances.instance([:]), spec: ScorerSpec(scorer: "bleu", threshold: 0.3),
                                       output: "the cat sat on a mat", expected: ["the cat sat on the mat"], testName: "t")
        #expect(half.passed && (half.value ?? 1) < 1)
    }

    @Test func aTestWithoutReferencesIsAScorerErrorNotAScore() throws {
        let instances = try Instances()
        let outcome = ScorerCall.evaluate(try instances.instance([:]), spec: ScorerSpec(scorer: "bleu"), output: "x", expected: [], testName: "t")
        #expect(outcome.value == nil && !outcome.passed)
        #expect(outcome.error?.contains("at least one reference") == true)
    }

    @Test(arguments: [
        (#"{"tokenize": "ja-mecab"}"#, "must be one of: 13a, intl, zh, char, none"),
        (#"{"smooth_method": "add_k"}"#, "must be one of: exp, floor, add-k, none"),
        (#"{"smooth_value": 0.2}"#, "applies only to smooth_method floor or add-k"),
        (#"{"smooth_method": "floor", "smooth_value": -1}"#, "at least 0"),
        (#"{"max_ngram_order": 0}"#, "from 1 to 100"),
        (#"{"max_ngram_order": 2.5}"#, "from 1 to 100"),
        (#"{"lowercase": "yes"}"#, "must be true or false"),
        (#"{"use_effective_order": true}"#, "unknown option 'use_effective_order'"),
    ])
    func refusesBadOptionsWhenTheScorerIsMade(options: String, message: String) throws {
        let plugin = try #require(builtInCatalog().plugin(id: "bleu"))
        do {
            _ = try PluginInstance(plugin: plugin, configJSON: options)
            Issue.record("\(options) was accepted")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func aggregateRefusesItemsWithoutBLEUStatistics() throws {
        let instances = try Instances()
        let spec = ScorerSpec(scorer: "bleu")
        let instance = try instances.instance([:])
        let good = ScorerCall.evaluate(instance, spec: spec, output: "a b c d", expected: ["a b c d"], testName: "t").details
        let wrongOrder = try ScorerCall.evaluate(instances.instance(["max_ngram_order": 2]), spec: spec, output: "a b", expected: ["a b"], testName: "t").details
        for items in [[good, .object(["mode": "exact"])], [wrongOrder], []] {
            let outcome = try #require(ScorerCall.aggregate(instance, spec: spec, details: items))
            #expect(outcome.value == nil && outcome.error != nil, "\(items)")
        }
        #expect(ScorerCall.aggregate(instance, spec: spec, details: [good])?.value == 1)
    }

    @Test func theManifestNamesTheLibraryAndIDItShipsWith() throws {
        let manifest = try JSONValue.parse(try String(contentsOfFile: TestPaths.repo("Scorers/BLEU/plugin.json"), encoding: .utf8))
        #expect(manifest["library"]?.stringValue == "libLLMBenchBLEU.so")
        let plugin = try #require(PluginCatalog().load(path: TestPaths.builtPlugin("LLMBenchBLEU")))
        #expect(manifest["id"]?.stringValue == plugin.id && plugin.kind == .scorer && plugin.hasAggregate)
    }
}
