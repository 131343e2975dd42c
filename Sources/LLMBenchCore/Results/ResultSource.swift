/// Which of a run's results to read; a nil field matches every result.
public struct ResultFilter: Sendable, Hashable {
    public var provider: String?
    public var model: String?
    public var category: String?
    /// Only the results that did not pass: a failed request, or an answer below a threshold.
    public var onlyFailures: Bool
    /// Warm-up requests too (`warmup: N`): stored, but no report or statistic counts them.
    public var warmups: Bool

    public init(provider: String? = nil, model: String? = nil, category: String? = nil, onlyFailures: Bool = false,
                warmups: Bool = false)
    {
        self.provider = provider
        self.model = model
        self.category = category
        self.onlyFailures = onlyFailures
        self.warmups = warmups
    }

    /// Every measured result (warm-ups aside), as reports read a run.
    public static let all = ResultFilter()
    /// Everything stored, warm-ups included.
    public static let stored = ResultFilter(warmups: true)

    public func matches(_ result: BenchResult) -> Bool {
        (provider.map { $0 == result.provider } ?? true) && (model.map { $0 == result.model } ?? true)
            && (category.map { $0 == result.category } ?? true) && (!onlyFailures || result.status == .error || !result.passed)
            && (warmups || !result.warmup)
    }
}

/// A run's results, handed over one at a time in sequence order, as many times as a reader asks:
/// the store reads them row by row, so a report of a large run need not hold them.
public protocol ResultSource {
    func forEachResult(matching filter: ResultFilter, _ body: (BenchResult) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    /// The figures of the same results, in the same order: what tallies read. A store reads them from
    /// its columns without decoding each result's JSON.
    func forEachFigures(matching filter: ResultFilter, _ body: (ResultFigures) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    /// The same results as JSON text, exactly as `BenchResult.writeJSON` writes them (the bytes are
    /// valid only during the call). A store hands over the text it keeps when this build wrote it.
    func forEachResultJSON(matching filter: ResultFilter, _ body: (UnsafeBufferPointer<UInt8>) throws(LLMBenchError) -> Void) throws(LLMBenchError)
}

extension ResultSource {
    public func forEachFigures(matching filter: ResultFilter, _ body: (ResultFigures) throws(LLMBenchError) -> Void) throws(LLMBenchError) {
        try forEachResult(matching: filter) { result throws(LLMBenchError) in try body(ResultFigures(result)) }
    }

    public func forEachResultJSON(matching filter: ResultFilter,
                                  _ body: (UnsafeBufferPointer<UInt8>) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    {
        try forEachResult(matching: filter) { result throws(LLMBenchError) in
            var writer = JSONWriter()
            result.writeJSON(into: &writer)
            try writer.bytes.withUnsafeBufferPointer { bytes throws(LLMBenchError) in try body(bytes) }
        }
    }
}

/// Results already in memory, in sequence order.
public struct ResultList: ResultSource, Sendable {
    public var results: [BenchResult]

    public init(_ results: [BenchResult]) { self.results = results }

    public func forEachResult(matching filter: ResultFilter, _ body: (BenchResult) throws(LLMBenchError) -> Void) throws(LLMBenchError) {
        for result in results where filter.matches(result) { try body(result) }
    }
}
