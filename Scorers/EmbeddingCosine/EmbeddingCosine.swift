import LLMBenchPluginKit
import VectorSimilarity

/// Cosine similarity of the output's embedding and each reference's, embedded by a provider of the
/// suite through the host's provider service (ABI 1.2). Docs/embedding-cosine.md.
///
/// `value` is max(0, best cosine): the engine's values are in [0, 1], and an answer pointing away
/// from every reference is as bad as one at right angles. `details` keep the raw cosines in
/// [-1, 1]. `passed` is best cosine >= 0.75 unless the suite sets a threshold.
struct EmbeddingCosine: ScorerPlugin {
    static let id = "embedding_cosine"
    static let displayName = "Embedding cosine"
    static let version = "1.0.0"
    /// It waits on a provider: called off the request workers.
    static let capabilities: ScorerCapabilities = [.slow]
    static let defaultThreshold = 0.75
    static let knownOptions: Set<String> = ["embedder"]

    let embedder: String

    init(options: [String: Any], host: PluginHost) throws(PluginError) {
        try PluginOptions.rejectUnknown(options, known: Self.knownOptions, plugin: Self.id)
        guard let embedder = options["embedder"] as? String, !embedder.isEmpty else {
            throw PluginError(.invalidRequest, "embedding_cosine needs option 'embedder': the id of a suite provider that offers embeddings (mark it under_test: false if it is not benchmarked)")
        }
        self.embedder = embedder
    }

    func score(_ request: ScoreRequest) throws(PluginError) -> ScoreResult {
        guard !request.expected.isEmpty else {
            throw PluginError(.invalidRequest, "embedding_cosine needs at least one reference: set 'expected' on the test")
        }
        // One call for the output and every reference.
        let vectors = try request.host.embed(providerID: embedder, inputs: [request.output] + request.expected)
        var cosines: [Double] = []
        for reference in vectors.dropFirst() {
            do throws(Cosine.Problem) {
                cosines.append(try Cosine.similarity(vectors[0], reference))
            } catch {
                throw PluginError(.malformedResponse, "embedding_cosine: provider '\(embedder)': \(error.message)")
            }
        }
        let best = cosines.max()!
        let bestIndex = cosines.firstIndex(of: best)!
        return ScoreResult(
            value: max(0, best), passed: best >= Self.defaultThreshold,
            explanation: "cosine \(best) with reference \(bestIndex + 1) of \(cosines.count)",
            details: ["cosines": cosines, "best_reference": bestIndex, "embedder": embedder, "dimensions": vectors[0].count])
    }
}

@_cdecl("llmbench_plugin_entry")
public func llmbench_plugin_entry() -> UnsafeRawPointer { PluginExport.scorer(EmbeddingCosine.self) }
