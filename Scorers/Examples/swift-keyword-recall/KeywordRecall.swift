import LLMBenchPluginKit

/// A template for a scorer plugin in Swift on `LLMBenchPluginKit`: the share of a reference's
/// words that the answer contains, taking the best reference. A copy of this folder, with the
/// id, the scoring and plugin.json changed, is a new scorer (README.md says how to build it).
///
/// Options (checked once, in `init`; unknown ones are refused, so a misspelling is an error at the
/// suite's line rather than a default silently used): `ignore_case` (default true) and
/// `min_word_length` (words shorter than this in a reference are not counted; default 1).
struct KeywordRecall: ScorerPlugin {
    static let id = "swift-keyword-recall"
    static let displayName = "Keyword recall (Swift template)"
    static let version = "1.0.0"

    static let knownOptions: Set<String> = ["ignore_case", "min_word_length"]

    let ignoreCase: Bool
    let minWordLength: Int

    init(options: [String: Any], host: PluginHost) throws(PluginError) {
        try PluginOptions.rejectUnknown(options, known: Self.knownOptions, plugin: Self.id)
        ignoreCase = try PluginOptions.flag(options, "ignore_case", plugin: Self.id) ?? true
        if options["min_word_length"] != nil {
            guard let length = options.integer("min_word_length"), length >= 1 else {
                throw PluginError(.invalidRequest, "\(Self.id) option 'min_word_length' must be a whole number >= 1")
            }
            minWordLength = length
        } else {
            minWordLength = 1
        }
    }

    /// Reentrant: called from many threads at once, so it only reads `self`.
    func score(_ request: ScoreRequest) throws(PluginError) -> ScoreResult {
        guard !request.expected.isEmpty else { throw PluginError(.invalidRequest, "\(Self.id) needs 'expected' on the test") }
        let answer = Set(words(request.output))
        var best = (recall: 0.0, found: 0, wanted: 0)
        for reference in request.expected {
            let wanted = Set(words(reference).filter { $0.count >= minWordLength })
            let found = wanted.intersection(answer).count
            let recall = wanted.isEmpty ? 1 : Double(found) / Double(wanted.count)
            if recall >= best.recall { best = (recall, found, wanted.count) }
        }
        return ScoreResult(value: best.recall, explanation: "\(best.found) of \(best.wanted) keywords",
                           details: ["found": best.found, "keywords": best.wanted])
    }

    private func words(_ text: String) -> [String] {
        let folded = ignoreCase ? text.lowercased() : text
        return folded.split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }
}

@_cdecl("llmbench_plugin_entry")
public func llmbench_plugin_entry() -> UnsafeRawPointer { PluginExport.scorer(KeywordRecall.self) }
