import Foundation
import LLMBenchPluginKit
import SacreBLEU

/// BLEU as sacreBLEU 2.x computes it (sacrebleu/metrics/bleu.py), with its option names: sentence
/// BLEU per result (as `sentence_bleu`), corpus BLEU per group of results from the sentences'
/// summed n-gram statistics (as `corpus_score`). Checked case by case against sacreBLEU itself
/// (Tests/Fixtures/bleu). `value` is BLEU / 100. Docs/bleu.md says what is identical and how.
struct BLEU: AggregatingScorerPlugin {
    static let id = "bleu"
    static let displayName = "BLEU (sacreBLEU)"
    static let version = "1.0.0"
    /// The sacreBLEU release the scorer is checked against; its signature names it, as sacreBLEU's does.
    static let sacreBLEUVersion = "2.6.0"
    /// Far above any use (sacreBLEU's default is 4), low enough that a typo cannot exhaust memory.
    static let maxNgramOrderLimit = 100

    static let knownOptions: Set<String> = ["tokenize", "lowercase", "smooth_method", "smooth_value", "effective_order", "max_ngram_order"]

    let bleu: SacreBLEU
    var tokenizer: Tokenizer { bleu.tokenizer }
    var lowercase: Bool { bleu.lowercase }
    var smoothing: Smoothing { bleu.smoothing }
    var smoothValue: Double? { bleu.smoothValue }
    /// nil: on for a result (as `sentence_bleu`), off for a group (as `corpus_bleu`).
    let effectiveOrder: Bool?
    var maxNgramOrder: Int { bleu.maxNgramOrder }

    init(options: [String: Any], host: PluginHost) throws(PluginError) {
        try PluginOptions.rejectUnknown(options, known: Self.knownOptions, plugin: Self.id)
        let tokenizer = try PluginOptions.choice(options, "tokenize", default: Tokenizer.mteval13a, plugin: Self.id)
        let lowercase = try PluginOptions.flag(options, "lowercase", plugin: Self.id) ?? false
        let smoothing = try PluginOptions.choice(options, "smooth_method", default: Smoothing.exp, plugin: Self.id)
        effectiveOrder = try PluginOptions.flag(options, "effective_order", plugin: Self.id)
        let smoothValue: Double?
        if options["smooth_value"] != nil {
            guard smoothing.defaultValue != nil else {
                throw PluginError(.invalidRequest, "bleu option 'smooth_value' applies only to smooth_method floor or add-k, not \(smoothing.rawValue)")
            }
            guard let value = options.number("smooth_value"), value.isFinite, value >= 0 else {
                throw PluginError(.invalidRequest, "bleu option 'smooth_value' must be a number of at least 0")
            }
            smoothValue = value
        } else {
            smoothValue = nil
        }
        let maxNgramOrder: Int
        if options["max_ngram_order"] != nil {
            guard let order = options.integer("max_ngram_order"), (1...Self.maxNgramOrderLimit).contains(order) else {
                throw PluginError(.invalidRequest, "bleu option 'max_ngram_order' must be a whole number from 1 to \(Self.maxNgramOrderLimit)")
            }
            maxNgramOrder = order
        } else {
            maxNgramOrder = 4
        }
        bleu = SacreBLEU(tokenizer: tokenizer, lowercase: lowercase, smoothing: smoothing, smoothValue: smoothValue, maxNgramOrder: maxNgramOrder)
    }

    func score(_ request: ScoreRequest) throws(PluginError) -> ScoreResult {
        guard !request.expected.isEmpty else {
            throw PluginError(.invalidRequest, "bleu needs at least one reference: set 'expected' on the test")
        }
        let statistics = bleu.statistics(hypothesis: request.output, references: request.expected)
        let referenceCount = request.expected.count
        return result(statistics, effectiveOrder: effectiveOrder ?? true, references: "\(referenceCount)",
                      extra: ["stats": statistics.flat, "nrefs": referenceCount])
    }

    /// Corpus BLEU over the results' statistics (`stats` and `nrefs` in each one's details).
    func aggregate(_ request: AggregateRequest) throws(PluginError) -> ScoreResult {
        var sum: SegmentStatistics?
        var referenceCounts = Set<Int>()
        for (index, item) in request.items.enumerated() {
            guard let flat = Self.wholeNumbers(item["stats"]), let statistics = SegmentStatistics(flat: flat, order: maxNgramOrder),
                  let references = item.integer("nrefs")
            else {
                throw PluginError(.invalidRequest,
                                  "bleu cannot aggregate item \(index + 1): its details lack the 'stats' (\(2 + 2 * maxNgramOrder) whole numbers for max_ngram_order \(maxNgramOrder)) and 'nrefs' that bleu's score gives")
            }
            sum = sum.map { $0 + statistics } ?? statistics
            referenceCounts.insert(references)
        }
        guard let sum else { throw PluginError(.invalidRequest, "bleu has no results to aggregate") }
        // sacreBLEU's signature says "var" when segments have different numbers of references.
        let references = referenceCounts.count == 1 ? "\(referenceCounts.first!)" : "var"
        return result(sum, effectiveOrder: effectiveOrder ?? false, references: references, extra: ["segments": request.items.count])
    }

    func result(_ statistics: SegmentStatistics, effectiveOrder: Bool, references: String, extra: [String: Any]) -> ScoreResult {
        let bleu = self.bleu.score(statistics, effectiveOrder: effectiveOrder)
        var details: [String: Any] = [
            "score": bleu.score, "counts": bleu.counts.map(Self.jsonNumber), "totals": bleu.totals.map(Self.jsonNumber),
            "precisions": bleu.precisions, "bp": bleu.brevityPenalty, "ratio": bleu.ratio, "sys_len": bleu.hypothesisLength,
            "ref_len": bleu.referenceLength, "signature": signature(references: references, effectiveOrder: effectiveOrder),
        ]
        details.merge(extra) { _, new in new }
        // A perfect match is 100.00000000000004 in sacreBLEU's floating point; a value stays within [0, 1].
        return ScoreResult(value: min(bleu.score / 100, 1), explanation: bleu.summary, details: details)
    }

    /// sacreBLEU's BLEUSignature.format(): "nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0".
    func signature(references: String, effectiveOrder: Bool) -> String {
        var smooth = smoothing.rawValue
        if let fallback = smoothing.defaultValue { smooth += "[\(String(format: "%.2f", smoothValue ?? fallback))]" }
        return "nrefs:\(references)|case:\(lowercase ? "lc" : "mixed")|eff:\(effectiveOrder ? "yes" : "no")|tok:\(tokenizer.rawValue)"
            + "|smooth:\(smooth)|version:\(Self.sacreBLEUVersion)"
    }

    /// A whole count as an integer, as sacreBLEU has it; add-k with a fractional k makes fractions.
    static func jsonNumber(_ value: Double) -> Any { isWhole(value) ? Int(value) : value }

    /// A JSON array of whole numbers, however they were written (1 or 1.0); nil if it is not one.
    static func wholeNumbers(_ value: Any?) -> [Int]? {
        guard let numbers = JSONReader.numbers(value), numbers.allSatisfy(isWhole) else { return nil }
        return numbers.map { Int($0) }
    }

    static func isWhole(_ value: Double) -> Bool { value.rounded() == value && abs(value) < 9e15 }
}

@_cdecl("llmbench_plugin_entry")
public func llmbench_plugin_entry() -> UnsafeRawPointer { PluginExport.scorer(BLEU.self) }
