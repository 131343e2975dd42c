import CLLMBenchPluginABI
import Foundation
import LLMBenchPluginTesting
import LLMBenchTestSupport
import Testing

/// `LLMBenchPluginTesting` drives a scorer as a plugin author would test one: the Swift scorer
/// template, built as a product, loaded and called through the C ABI.
struct ScriptedScorerTests {
    let plugin: PluginLibrary
    init() throws { plugin = try PluginLibrary.load(path: TestPaths.builtPlugin("LLMBenchExampleKeywordRecall")) }

    @Test func scoresOneRequestAndRefusesABadOptionAtCreate() throws {
        #expect(plugin.id == "swift-keyword-recall" && plugin.table.pointee.kind == Int32(LLMBENCH_KIND_SCORER.rawValue))
        let options: [String: Any] = ["ignore_case": false]
        let outcome = try plugin.score(options: options, request: scoreRequest(output: "paris is big", expected: ["Paris is big"], options: options))
        #expect(outcome.status == PluginStatus.ok)
        #expect(outcome.result?["value"] as? Double == 2.0 / 3.0, "case kept: 'Paris' is missing")
        #expect(outcome.result?["explanation"] as? String == "2 of 3 keywords")

        let missing = try plugin.score(request: scoreRequest(output: "x"))
        #expect(missing.status == PluginStatus.of(LLMBENCH_ERR_INVALID_REQUEST))
        #expect(missing.error?.data.contains("needs 'expected'") == true)

        let refused = plugin.create(["min_word_length": 0], host: ScriptedHost([]))
        #expect(refused.instance == nil && refused.status == PluginStatus.of(LLMBENCH_ERR_INVALID_REQUEST))
        #expect(refused.message == "swift-keyword-recall option 'min_word_length' must be a whole number >= 1")
    }
}
