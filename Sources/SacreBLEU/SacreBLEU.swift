import PythonUnicode

/// sacreBLEU 2.x's BLEU (sacrebleu/metrics/bleu.py) as a library: its preprocessing and
/// tokenizers, each segment's sufficient statistics, and the score from them. The `bleu` scorer
/// plugin (Scorers/BLEU) is this behind the plugin ABI; Benchmarks/bleu.sh times it in process.
public struct SacreBLEU: Sendable {
    public var tokenizer: Tokenizer
    public var lowercase: Bool
    public var smoothing: Smoothing
    public var smoothValue: Double?
    public var maxNgramOrder: Int

    public init(tokenizer: Tokenizer = .mteval13a, lowercase: Bool = false, smoothing: Smoothing = .exp, smoothValue: Double? = nil,
                maxNgramOrder: Int = 4)
    {
        self.tokenizer = tokenizer
        self.lowercase = lowercase
        self.smoothing = smoothing
        self.smoothValue = smoothValue
        self.maxNgramOrder = maxNgramOrder
    }

    /// `BLEU._preprocess_segment`: lowercase if asked, strip the end, tokenize.
    public func preprocess(_ text: String) -> [Unicode.Scalar] { preprocess(text, normalizingSpaces: true) }

    func preprocess(_ text: String, normalizingSpaces: Bool) -> [Unicode.Scalar] {
        // One walk over the text (Array(text.unicodeScalars) counts first, then copies).
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { scalars.append(scalar) }
        if lowercase { scalars = PythonUnicode.lower(scalars) }
        // rstrip() in place, without the copy PythonUnicode.rstrip makes.
        while let last = scalars.last, PythonUnicode.isSpace(last) { scalars.removeLast() }
        return tokenizer.tokenize(scalars, normalizingSpaces: normalizingSpaces)
    }

    /// One segment's statistics against its references (the lines are split into tokens there,
    /// so the tokenizers' closing space normalisation is skipped).
    public func statistics(hypothesis: String, references: [String]) -> SegmentStatistics {
        SegmentStatistics(hypothesis: preprocess(hypothesis, normalizingSpaces: false),
                          references: references.map { preprocess($0, normalizingSpaces: false) }, order: maxNgramOrder)
    }

    /// `sentence_bleu` (effective order on) or, on summed statistics, `corpus_score` (off).
    public func score(_ statistics: SegmentStatistics, effectiveOrder: Bool) -> BLEUScore {
        BLEUScore(statistics, smoothing: smoothing, smoothValue: smoothValue, effectiveOrder: effectiveOrder)
    }

    /// `corpus_bleu(hypotheses, [references])` with one reference per segment.
    public func corpusScore(hypotheses: [String], references: [String]) -> BLEUScore {
        var sum = SegmentStatistics(hypothesisLength: 0, referenceLength: 0, correct: Array(repeating: 0, count: maxNgramOrder),
                                    total: Array(repeating: 0, count: maxNgramOrder))
        for (hypothesis, reference) in zip(hypotheses, references) { sum = sum + statistics(hypothesis: hypothesis, references: [reference]) }
        return score(sum, effectiveOrder: false)
    }
}
