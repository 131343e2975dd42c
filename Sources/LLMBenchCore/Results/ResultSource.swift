/// Which of a run's results to read; a nil field matches every result.
public struct ResultFilter: Sendable, Hashable {
    public var provider: String?
    public var model: String?
    public var category: String?
    /// Only the results that did not pass: a failed request, or an answer below a threshold.
    public var onlyFailures: Bool
    /// Warm-up requests too (`warmup: N`): stored, but no report or statistic counts them.
    public var warmups: Bool
    /// At most this many (the first in sequence order); nil for all.
    public var limit: Int?
    /// Passes over this many of those that match first (a page of results).
    public var offset: Int

    public init(provider: String? = nil, model: String? = nil, category: String? = nil, onlyFailures: Bool = false,
                warmups: Bool = false, limit: Int? = nil, offset: Int = 0)
    {
        self.offset = max(0, offset)
        self.provider = provider
        self.model = model
        self.category = category
        self.onlyFailures = onlyFailures
        self.warmups = warmups
        self.limit = limit
    }

    /// Every measured result (warm-ups aside), as reports read a run.
    public static let all = ResultFilter()
    /// Everything stored, warm-ups included.
    public static let stored = ResultFilter(warmups: true)

    /// Whether `result` meets the filter's conditions (`limit` and `offset` aside: they count what meets them).
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
    /// The figures of the same results with as much of each result as `detail` asks for. A store reads
    /// the figures from its columns and decodes a result's JSON only where asked.
    func forEachRow(matching filter: ResultFilter, detail: ResultDetail, _ body: (ResultRow) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    /// The same results as JSON text, exactly as `BenchResult.writeJSON` writes them (the bytes are
    /// valid only during the call). A store hands over the text it keeps when this build wrote it.
    func forEachResultJSON(matching filter: ResultFilter, _ body: (UnsafeBufferPointer<UInt8>) throws(LLMBenchError) -> Void) throws(LLMBenchError)
}

/// How much of each result a pass reads besides its figures. With either, a cached answer comes
/// whole too: its figures leave out the times and cost it was stored with.
public enum ResultDetail: Sendable {
    /// The whole result of each failure (a failed request or a missed threshold), to explain it.
    case failures
    /// The answer and the error message of every result (`ResultText`), to list them.
    case text
}

/// A result's answer and its error's message.
public struct ResultText: Sendable, Equatable {
    public var output: String
    public var errorMessage: String?

    public init(output: String, errorMessage: String?) {
        self.output = output
        self.errorMessage = errorMessage
    }
}

/// One result as a pass reads it: its figures, and what `ResultDetail` asked for.
public struct ResultRow: Sendable {
    public var figures: ResultFigures
    /// The whole result of a failure (with `.failures`) and of a cached answer; nil for others. A source
    /// may give it for every result (one that holds them anyway): readers prefer it to the figures.
    public var result: BenchResult?
    /// With `.text`.
    public var text: ResultText?

    public init(figures: ResultFigures, result: BenchResult? = nil, text: ResultText? = nil) {
        self.figures = figures
        self.result = result
        self.text = text
    }

    /// Every detail, from the whole result.
    public init(_ result: BenchResult) {
        self.init(figures: ResultFigures(result), result: result, text: ResultText(output: result.output, errorMessage: result.error?.message))
    }
}

extension ResultSource {
    public func forEachRow(matching filter: ResultFilter, detail: ResultDetail,
                           _ body: (ResultRow) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    {
        try forEachResult(matching: filter) { result throws(LLMBenchError) in try body(ResultRow(result)) }
    }

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
        var left = filter.limit ?? Int.max, skip = filter.offset
        for result in results where left > 0 && filter.matches(result) {
            guard skip == 0 else { skip -= 1; continue }
            left -= 1
            try body(result)
        }
    }
}
