import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchTestSupport
import Testing

/// The scorer templates of Scorers/Examples, each installed as a user would (a plugin folder with
/// its plugin.json) and used in a run of a suite: the scores are the template's.
struct ScorerTemplateTests {
    /// Answers of known word counts, echoed by the mock provider, scored by `scorer`.
    static func suite(scorer: String, options: String) -> String {
        """
        version: 1
        name: template
        providers:
          - {id: p, plugin: mock, model: m, options: {mode: echo}}
        defaults:
          scorers: [{scorer: \(scorer), threshold: 1, options: \(options)}]
        tests:
          - {name: short, prompt: "Paris is the capital", expected: "the capital is Paris"}
          - {name: long, prompt: "it is Lyon, not the capital of France", expected: "Paris is the capital of France"}
        """
    }

    /// A plugin folder under `dir` holding `files` (copied) and the template's plugin.json.
    static func install(_ template: String, files: [String], in dir: TemporaryDirectory) throws -> String {
        let folder = dir.subdirectory("plugins/\(template)")
        for file in files + [TestPaths.repo("Scorers/Examples/\(template)/plugin.json")] {
            try FileManager.default.copyItem(atPath: file, toPath: (folder as NSString).appendingPathComponent((file as NSString).lastPathComponent))
        }
        return dir.file("plugins")
    }

    @Test func theCTemplateIsCompiledLoadedAndScoresARun() throws {
        let dir = TemporaryDirectory()
        let folder = dir.subdirectory("plugins/c-word-limit")
        try CCompiler.sharedLibrary(sources: [TestPaths.repo("Scorers/Examples/c-word-limit/word_limit.c")], output: "\(folder)/libc_word_limit.so")
        try FileManager.default.copyItem(atPath: TestPaths.repo("Scorers/Examples/c-word-limit/plugin.json"), toPath: "\(folder)/plugin.json")
        let (outcome, _, _) = try runSuite(Self.suite(scorer: "c-word-limit", options: "{max_words: 4}"), extraPluginDirs: [dir.file("plugins")])
        let scores = outcome.results.map { $0.scores.first }
        #expect(scores.map { $0?.value } == [1, 0.5], "4 words, then 8 words against a limit of 4")
        #expect(scores.map { $0?.passed } == [true, false])
        #expect(scores[1]?.explanation == "8 of at most 4 words")
        #expect(scores[1]?.details["words"] == 8 && scores[1]?.details["max_words"] == 4)

        let refused = try SuiteParser().parse(Self.suite(scorer: "c-word-limit", options: "{max_words: 0}"), path: "inline.yaml")
        #expect(throws: LLMBenchErrors.self) {
            try RunPreparation(catalog: builtInCatalog(extra: [dir.file("plugins")]), prices: PriceTable()).prepare(refused)
        }
        let problems = RunPreparation(catalog: builtInCatalog(extra: [dir.file("plugins")]), prices: PriceTable()).validate(refused).problems
        #expect(problems.map(\.message) == ["scorer 'c-word-limit': c-word-limit option 'max_words' must be a whole number >= 1"])
    }

    @Test func theSwiftTemplateIsBuiltAsAProductAndScoresARun() throws {
        let dir = TemporaryDirectory()
        let plugins = try Self.install("swift-keyword-recall", files: [TestPaths.builtPlugin("LLMBenchExampleKeywordRecall")], in: dir)
        let catalog = builtInCatalog(extra: [plugins])
        let template = try #require(catalog.plugin(id: "swift-keyword-recall"), "\(catalog.refused)")
        let realPlugins = try #require(realpathOf(plugins))
        #expect(template.kind == .scorer && template.path.hasPrefix(realPlugins))
        let (outcome, _, _) = try runSuite(Self.suite(scorer: "swift-keyword-recall", options: "{min_word_length: 3}"), extraPluginDirs: [plugins])
        let scores = outcome.results.map { $0.scores.first }
        // Words of 3 letters or more: the answer has all 3 of the first reference's, and 3 of the
        // second's 4 (paris, the, capital, france: Paris is missing).
        #expect(scores.map { $0?.value } == [1, 0.75])
        #expect(scores.map { $0?.passed } == [true, false])
        #expect(scores[1]?.explanation == "3 of 4 keywords")
    }
}
