import Foundation

/// What a run's results add up to, gathered one result at a time: everything a report says besides
/// listing the results (counts, summaries, the requests never started), for runs too large to hold.
/// Keeps numbers (per group, the latency and TTFT values percentiles need), never results.
/// Results must be added in sequence order: summaries list groups in first-seen order and add sums in order.
public struct RunTally: Sendable {
    /// The run as reported: a complete run has, by definition, nothing left not started.
    public var run: RunInfo
    /// Results added.
    public private(set) var done = 0
    public private(set) var passed = 0
    /// Failed requests (status `error`).
    public private(set) var errors = 0
    /// Answers that missed a threshold (status `ok`, not passed).
    public private(set) var thresholdFailures = 0
    /// Providers in the order of their first result.
    public private(set) var providers: [String] = []
    /// The highest repeat index seen of each test.
    public private(set) var lastRepeat: [String: Int] = [:]
    /// Each provider's results, all its models together.
    public private(set) var byProvider: [String: ProviderFigures] = [:]
    private var summaries: SummaryAccumulator
    private var progress: PlanProgress?

    public init(run: RunInfo) {
        self.run = run
        progress = run.plan.map(PlanProgress.init)
        summaries = SummaryAccumulator(slo: run.plan?.slo)
    }

    /// `results` in sequence order.
    public init(run: RunInfo, results: [BenchResult]) {
        self.init(run: run)
        for result in results { add(result) }
    }

    public mutating func add(_ result: BenchResult) { add(ResultFigures(result)) }

    public mutating func add(_ result: ResultFigures) {
        done += 1
        if result.passed { passed += 1 }
        if result.status == .error { errors += 1 } else if !result.passed { thresholdFailures += 1 }
        // One lookup each (a large run's pass makes a million of them).
        var newProvider = false
        byProvider[result.provider, default: { newProvider = true; return ProviderFigures() }()].add(result)
        if newProvider { providers.append(result.provider) }
        raise(&lastRepeat[result.test, default: 0], to: result.repeatIndex)
        summaries.add(result)
        progress?.add(result)
    }

    /// As `Summarizer.summarize` gives them. Sorts each group's values: ask once.
    public var summary: [GroupSummary] { Self.withCorpus(summaries.summaries, run.corpus) }

    /// Each group with the corpus figures the run stored for it.
    static func withCorpus(_ groups: [GroupSummary], _ corpus: [CorpusFigure]) -> [GroupSummary] {
        guard !corpus.isEmpty else { return groups }
        return groups.map { group in
            var group = group
            for figure in corpus where figure.provider == group.provider && figure.model == group.model && figure.category == group.category {
                if let value = figure.value { group.corpus[figure.scorer] = value }
            }
            return group
        }
    }

    /// Planned requests with no result: none for a complete run (it ran its whole plan) or one stored without a plan.
    public var notStartedCount: Int { run.status.isComplete ? 0 : progress?.notStartedCount ?? 0 }

    /// The requests never started, in plan order (test, repeat, provider).
    public func forEachNotStarted<E: Error>(_ body: (RunPlan.Item) throws(E) -> Void) throws(E) {
        guard !run.status.isComplete else { return }
        try progress?.forEachNotStarted(body)
    }

    public var notStarted: [RunPlan.Item] {
        var missing: [RunPlan.Item] = []
        forEachNotStarted { missing.append($0) }
        return missing
    }

    /// One line on an incomplete run, for the top of every human-readable report; nil when complete.
    public var incompleteNote: String? { Self.incompleteNote(run, done: done, notStarted: notStartedCount) }

    static func incompleteNote(_ run: RunInfo, done: Int, notStarted: Int) -> String? {
        guard !run.status.isComplete else { return nil }
        let planned = run.plan.map { " of \($0.count) planned" } ?? ""
        if run.status == .running {
            return "RUN IN PROGRESS (not finished yet). \(done) results so far\(planned); \(notStarted) not started yet."
        }
        let reason = run.statusReason.map { ": \($0)" } ?? ""
        return "INCOMPLETE RUN, \(run.status.rawValue)\(reason). \(done) results\(planned); \(notStarted) not started."
    }
}

/// One provider's results, all its models together: what a report per provider (JUnit's testsuites)
/// says about it.
public struct ProviderFigures: Sendable {
    public private(set) var count = 0
    /// Failed requests (status `error`).
    public private(set) var errors = 0
    /// Answers that missed a threshold (status `ok`, not passed).
    public private(set) var thresholdFailures = 0
    /// The latency of every result, failed ones included, added in order.
    public private(set) var latencyMsTotal = 0.0
    /// In order of first appearance.
    public private(set) var models: [String] = []
    public private(set) var plugins: [String] = []
    private var pooled = GroupAccumulator()

    public init() {}

    mutating func add(_ result: ResultFigures) {
        count += 1
        if result.status == .error { errors += 1 } else if !result.passed { thresholdFailures += 1 }
        latencyMsTotal += result.latencyMs ?? 0
        if !models.contains(result.model) { models.append(result.model) }
        if !plugins.contains(result.plugin) { plugins.append(result.plugin) }
        pooled.add(result)
    }

    /// The summary of all the provider's results as one group, its models named together ("a, b").
    public func summary(provider: String) -> GroupSummary {
        pooled.summary(provider: provider, model: models.joined(separator: ", "), category: nil)
    }
}

/// A tally fed by results as they complete, in any order and from any thread (the runner's workers),
/// that adds them in plan order, which is the order the store keeps them in: its figures are those of
/// a pass over the store. A worker only appends a result's figures to a batch under a lock; the worker
/// that fills a batch adds it to the tally, so no worker waits on another's tally update. Holds the
/// figures of results that arrive before their turn — about as many as run at once, plus a batch.
public final class RunningTally: @unchecked Sendable {
    /// Results added in plan order, and those that came early, by plan position.
    private struct InOrder {
        var tally: RunTally
        /// The plan position whose result is added next.
        var next = 0
        var early: [Int: ResultFigures] = [:]

        mutating func add(_ figures: ResultFigures, at position: Int?) {
            // A result the plan does not name has no place to wait for: it is added at once.
            guard let position, position >= next else { return tally.add(figures) }
            early[position] = figures
            while let figures = early.removeValue(forKey: next) {
                tally.add(figures)
                next += 1
            }
        }
    }

    static let batchSize = 256
    private let plan: PlanProgress?
    private let arrivedLock = NSLock()
    private var arrived: [(position: Int?, figures: ResultFigures)] = []
    private let inOrderLock = NSLock()
    /// Its tally's `run` is a stand-in until `finished(as:)` names the run as it ended.
    private var inOrder: InOrder

    public init(plan: RunPlan?) {
        self.plan = plan.map(PlanProgress.init)
        inOrder = InOrder(tally: RunTally(run: RunInfo(id: "", suite: "", suiteDigest: "", startedAt: 0,
                                                         prices: PriceSnapshot(date: "", entries: []), status: .running, plan: plan)))
        arrived.reserveCapacity(Self.batchSize)
    }

    /// Safe from any thread.
    public func add(_ result: BenchResult) {
        let figures = ResultFigures(result)
        let position = plan?.position(of: figures)
        arrivedLock.lock()
        arrived.append((position, figures))
        var batch: [(position: Int?, figures: ResultFigures)] = []
        if arrived.count >= Self.batchSize {
            swap(&batch, &arrived)
            arrived.reserveCapacity(Self.batchSize)
        }
        arrivedLock.unlock()
        guard !batch.isEmpty else { return }
        inOrderLock.lock()
        for (position, figures) in batch { inOrder.add(figures, at: position) }
        inOrderLock.unlock()
    }

    /// Everything added, in plan order past the requests that never ran, for the run as it ended
    /// (whose plan is the one given at the start). Call once every result is in.
    public func finished(as run: RunInfo) -> RunTally {
        arrivedLock.lock()
        let rest = arrived
        arrived = []
        arrivedLock.unlock()
        inOrderLock.lock()
        defer { inOrderLock.unlock() }
        for (position, figures) in rest { inOrder.add(figures, at: position) }
        var tally = inOrder.tally
        for position in inOrder.early.keys.sorted() { tally.add(inOrder.early[position]!) }
        tally.run = run
        return tally
    }
}

/// Which planned requests have a result: one bit each, in plan order (test, repeat, provider), so
/// that the requests a large run never started are found without a set of keys.
public struct PlanProgress: Sendable {
    public let plan: RunPlan
    private let layout: Layout
    private var done: [UInt64]
    private var doneCount = 0
    private let itemCount: Int

    /// Where each planned request sits in plan order.
    private struct Layout: Sendable {
        /// Position of each test's first request.
        var firstItem: [Int] = []
        var repeats: [Int] = []
        var providerCount = 0
        /// Names map to every test (or provider) so named, as the plan's own comparison by name does.
        var testsNamed: [String: [Int]] = [:]
        var providersNamed: [String: [Int]] = [:]

        /// Every position in the plan of a request like `result`: one, unless names repeat.
        func forEachPosition(of result: ResultFigures, _ body: (Int) -> Void) {
            guard let tests = testsNamed[result.test], let providers = providersNamed[result.provider] else { return }
            for t in tests where result.repeatIndex >= 0 && result.repeatIndex < repeats[t] {
                for p in providers { body(firstItem[t] + result.repeatIndex * providerCount + p) }
            }
        }
    }

    public init(_ plan: RunPlan) {
        self.plan = plan
        var layout = Layout(providerCount: plan.providers.count)
        var count = 0
        for (t, test) in plan.tests.enumerated() {
            layout.firstItem.append(count)
            layout.repeats.append(test.repeats)
            layout.testsNamed[test.name, default: []].append(t)
            count += max(0, test.repeats) * plan.providers.count
        }
        for (p, provider) in plan.providers.enumerated() { layout.providersNamed[provider, default: []].append(p) }
        self.layout = layout
        itemCount = count
        done = Array(repeating: 0, count: (count + 63) / 64)
    }

    /// The result's place in plan order, which is its sequence in the store; nil when the plan does not name it.
    public func position(of result: ResultFigures) -> Int? {
        var first: Int?
        layout.forEachPosition(of: result) { first = min(first ?? $0, $0) }
        return first
    }

    /// Marks the result's planned request as done; a result the plan does not name changes nothing.
    public mutating func add(_ result: ResultFigures) {
        let layout = self.layout
        layout.forEachPosition(of: result) { bit in
            let (word, mask) = (bit / 64, UInt64(1) << UInt64(bit % 64))
            if done[word] & mask == 0 {
                done[word] |= mask
                doneCount += 1
            }
        }
    }

    public mutating func add(_ result: BenchResult) { add(ResultFigures(result)) }

    public var notStartedCount: Int { itemCount - doneCount }

    /// The planned requests with no result, in plan order.
    public func forEachNotStarted<E: Error>(_ body: (RunPlan.Item) throws(E) -> Void) throws(E) {
        for (t, test) in plan.tests.enumerated() {
            for r in 0..<max(0, test.repeats) {
                for (p, provider) in plan.providers.enumerated() {
                    let bit = layout.firstItem[t] + r * plan.providers.count + p
                    if done[bit / 64] & (UInt64(1) << UInt64(bit % 64)) == 0 {
                        try body(RunPlan.Item(test: test.name, category: test.category, provider: provider, repeatIndex: r))
                    }
                }
            }
        }
    }

    public var notStarted: [RunPlan.Item] {
        var missing: [RunPlan.Item] = []
        forEachNotStarted { missing.append($0) }
        return missing
    }
}

/// `value` becomes `candidate` when that is larger.
@inline(__always) private func raise(_ value: inout Int, to candidate: Int) {
    if candidate > value { value = candidate }
}
