import LLMBenchPluginKit

/// Passes an answer of at least `min_characters` characters (default 1): the smallest scorer worth
/// building outside the repository, to show the package around it.
struct MinLengthScorer: ScorerPlugin {
    static let id = "min_length"
    let minCharacters: Int

    init(options: [String: Any], host: PluginHost) throws(PluginError) {
        try PluginOptions.rejectUnknown(options, known: ["min_characters"], plugin: Self.id)
        minCharacters = options.integer("min_characters") ?? 1
    }

    func score(_ request: ScoreRequest) throws(PluginError) -> ScoreResult {
        ScoreResult(value: request.output.count >= minCharacters ? 1 : 0, details: ["characters": request.output.count])
    }
}

@_cdecl("llmbench_plugin_entry")
public func llmbench_plugin_entry() -> UnsafeRawPointer { PluginExport.scorer(MinLengthScorer.self) }
