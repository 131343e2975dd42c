import Foundation
import LLMBenchCore
import Synchronization

/// Runs every test × provider × repeat of a prepared suite under a global concurrency limit,
/// scores each answer, prices it, and hands it to the store the moment it completes.
public struct Runner {
    public struct Options: Sendable {
        public var concurrency: Int
        public init(concurrency: Int = 4) { self.concurrency = max(1, concurrency) }
    }

    public struct Outcome: Sendable {
        public var run: RunInfo
        public var results: [BenchResult]
        /// Set when the store failed: the run stopped writing and must be reported as aborted.
        public var storeFailure: LLMBenchError?
        /// The run was cancelled (`Runner.cancel()`): requests not yet started were not sent.
        public var cancelled: Bool
        public var planned: Int
    }

    /// Stops the run: no new request starts, calls in flight are asked to stop (their results are
    /// recorded as `cancelled`), back-off waits end. Safe from any thread, and from a signal handler's queue.
    public static func cancel() { RunCancellation.cancel() }

    struct PlanItem: Sendable {
        var test: Int
        var provider: Int
        var repeatIndex: Int
    }

    public let prepared: PreparedRun
    public let options: Options

    public init(prepared: PreparedRun, options: Options) {
        self.prepared = prepared
        self.options = options
    }

    /// Test-major order, so that providers are compared on the same test at about the same time.
    func plan() -> [PlanItem] {
        var items: [PlanItem] = []
        items.reserveCapacity(prepared.plannedCount)
        for (t, test) in prepared.suite.tests.enumerated() {
            for r in 0..<test.repeatCount {
                for p in prepared.providers.indices { items.append(PlanItem(test: t, provider: p, repeatIndex: r)) }
            }
        }
        return items
    }

    /// Runs the whole plan. `onResult` is called from worker threads, once per result, as it completes.
    public func run(store: any ResultStore, runID: String = RunID.make(),
                    onResult: (@Sendable (BenchResult) -> Void)? = nil) throws(LLMBenchError) -> Outcome
    {
        let items = plan()
        var info = RunInfo(id: runID, suite: prepared.suite.name, suiteDigest: prepared.suite.digest, startedAt: WallClock.nowUnix(),
                           prices: prepared.prices, concurrency: options.concurrency, notices: prepared.notices, status: .running,
                           plan: prepared.plan)
        try store.beginRun(info, suitePath: prepared.suite.sourcePath)
        let writer = StoreWriter(store: store, runID: runID)
        let slots = ResultSlots(count: items.count)
        let next = Atomic<Int>(0)
        let prepared = self.prepared
        WorkerThreads.run(count: min(options.concurrency, max(1, items.count))) { _ in
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < items.count, !RunCancellation.isCancelled else { return }
                let result = Self.execute(items[index], prepared: prepared)
                slots.set(index, result)
                writer.submit(sequence: index, result: result)
                onResult?(result)
            }
        }
        let failure = writer.close()
        info.finishedAt = WallClock.nowUnix()
        let cancelled = RunCancellation.isCancelled
        if let failure {
            (info.status, info.statusReason) = (.storeFailed, "the store failed, results after the failure were not saved: \(failure.message)")
        } else if cancelled {
            (info.status, info.statusReason) = (.interrupted, "cancelled (Ctrl-C or SIGTERM): requests in flight were stopped, the rest never started")
        } else {
            info.status = .complete
        }
        do {
            try store.finishRun(id: runID, finishedAt: info.finishedAt!, notices: info.notices, status: info.status, reason: info.statusReason)
        } catch {
            // A failed store may refuse this too; the run then reads as ended without finishing.
            if failure == nil { throw error }
        }
        return Outcome(run: info, results: slots.all(), storeFailure: failure, cancelled: cancelled, planned: items.count)
    }

    /// One request, with its retries, and its scores. Never throws: every fault becomes part of the result.
    static func execute(_ item: PlanItem, prepared: PreparedRun) -> BenchResult {
        let test = prepared.suite.tests[item.test]
        let provider = prepared.providers[item.provider]
        let startedAt = WallClock.nowUnix()
        var request = prepared.requestPrefixes[item.test * prepared.providers.count + item.provider]
        request.append(contentsOf: requestEnd(repeatIndex: item.repeatIndex))
        let attempts = Attempts.run(policy: provider.config.retry, redactor: prepared.redactor) {
            provider.instance.complete(requestJSON: request, timeouts: provider.config.timeouts)
        }
        let outcome = attempts.final
        var result = BenchResult(
            test: test.name, category: test.category, provider: provider.config.id, plugin: provider.config.plugin,
            model: provider.config.model, repeatIndex: item.repeatIndex, status: .ok, attempts: attempts.log.count,
            attemptLog: attempts.log.count == 1 && attempts.log[0].status == .ok ? [] : attempts.log, waitMs: attempts.waitMs,
            http: outcome.transport.requestStartNs == nil ? nil : outcome.transport.info, chunkGapsMs: outcome.transport.chunkGapsMs,
            simulated: provider.instance.plugin.isSimulated, startedAt: startedAt)
        result.output = prepared.redactor.redact(outcome.outputText)
        result.reasoning = outcome.reasoningText.map(prepared.redactor.redact)
        result.truncated = outcome.truncated
        result.finishReason = outcome.finishReason
        result.usage = TokenCounts.usage(outcome: outcome, test: test, provider: provider, succeeded: attempts.log.last?.error == nil)
        if let usage = result.usage, let price = provider.price { result.costUSD = price.costUSD(usage) }
        if let error = attempts.log.last?.error {
            result.status = .error
            result.error = error
            result.passed = false
            return result
        }
        let timing = CallTiming(outcome)
        result.latencyMs = timing.latencyMs
        result.ttftMs = timing.ttftMs
        result.ttfotMs = timing.ttfotMs
        score(&result, test: test, prepared: prepared)
        return result
    }

    /// Runs each scorer; the test passes when every scorer meets its threshold. Quality is their mean.
    static func score(_ result: inout BenchResult, test: TestCase, prepared: PreparedRun) {
        guard !test.scorers.isEmpty else {
            result.passed = true
            return
        }
        var outcomes: [ScoreOutcome] = []
        for spec in test.scorers {
            guard let scorer = prepared.scorers[ScorerKey.make(spec)] else { continue }
            outcomes.append(ScorerCall.evaluate(scorer, spec: spec, output: result.output, expected: test.expected, testName: test.name))
        }
        result.scores = outcomes
        // A scorer that failed counts as 0: an answer that cannot be scored is not a good one.
        result.quality = Statistics.mean(outcomes.map { $0.value ?? 0 })
        result.passed = outcomes.count == test.scorers.count && outcomes.allSatisfy(\.passed)
    }

    /// The request up to its repeat number (Docs/plugin-abi.md "Completion request"), built once per
    /// test × provider and reused for every repeat: `requestEnd` appends the number and closes it.
    /// Written field by field, so `test.repeat` comes last by construction, whatever keys the other
    /// objects hold or however a writer would order them.
    static func requestPrefix(test: TestCase, provider: ProviderConfig) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{")
        w.key("messages", first: true)
        w.write(.array(test.messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }))
        w.key("model"); w.string(provider.model)
        w.key("options"); w.write(.object(provider.options.merging(test.options) { _, testValue in testValue }))
        w.key("test"); w.raw("{")
        w.key("category", first: true); w.string(test.category)
        w.key("expected"); w.write(.array(test.expected.map { .string($0) }))
        w.key("name"); w.string(test.name)
        w.key("repeat")
        return w.bytes
    }

    /// The repeat number and the two objects it closes.
    static func requestEnd(repeatIndex: Int) -> [UInt8] { Array("\(repeatIndex)}}".utf8) }
}

/// Results in plan order, filled in by many threads.
final class ResultSlots: @unchecked Sendable {
    private var slots: [BenchResult?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: BenchResult) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    func all() -> [BenchResult] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}

public enum RunID {
    /// Sortable and unique enough for one store: 20261129T041200Z-3f9a1c.
    public static func make(now: Double = WallClock.nowUnix()) -> String {
        let stamp = Timestamps.iso8601(now).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        return "\(stamp)-\(String(UInt32.random(in: 0...0xFFFFFF), radix: 16))"
    }
}
