import Foundation
import LLMBenchCore
import Synchronization

/// Executes a plan (Docs/runs.md "Stages"): the cache answers what it can, admission decides
/// which request goes next (provider concurrency, rate limits, back-off, budget), the request
/// stage sends one attempt at a time, then each result is scored, priced, handed to the store and
/// to the observers as it completes. The runner keeps counts, never the results.
public struct Runner {
    public struct Outcome: Sendable {
        public var run: RunInfo
        public var counts: RunCounts
        /// Set when the store failed: the run stopped writing and must be reported as aborted.
        public var storeFailure: LLMBenchError?
        /// The run was cancelled (`RunContext.cancel()`): requests not yet started were not sent.
        public var cancelled: Bool
        /// Measured items of the whole plan, done ones included.
        public var planned: Int
    }

    public let prepared: PreparedRun
    public let settings: RunSettings
    public let context: RunContext

    public init(prepared: PreparedRun, settings: RunSettings = RunSettings(), context: RunContext = RunContext()) {
        self.prepared = prepared
        self.settings = settings
        self.context = context
    }

    /// Runs `plan` as run `info` (new, or resumed when `resuming`).
    public func run(_ plan: Plan, store: any ResultStore, info: RunInfo, resuming: Bool = false) throws(LLMBenchError) -> Outcome {
        var info = info
        context.addSecrets(prepared.redactor.secrets)
        context.addServiceProviders(prepared.serviceProviders)
        context.useEmbeddingCache(store)
        let spentBefore: [String: Double]
        if resuming {
            try store.resumeRun(info)
            spentBefore = try store.spending(runID: info.id)
        } else {
            try store.beginRun(info, suitePath: prepared.suite.sourcePath)
            spentBefore = [:]
        }
        let prepared = self.prepared, context = self.context
        let stages = Stages(prepared: prepared, context: context, writer: StoreWriter(store: store, runID: info.id),
                            slowScorers: settings.concurrency)
        let cachedAnswers = settings.cache
            ? try CacheStage.answers(plan.items, prepared: prepared, store: store, ttlSeconds: settings.cacheTTLSeconds) : [:]
        let spentBeforeUSD = spentBefore.values.reduce(0, +)
        let summary = PlanSummary(planned: plan.planned, alreadyDone: plan.alreadyDone, warmups: plan.items.count(where: \.warmup),
                                  cached: cachedAnswers.count, spentBeforeUSD: spentBeforeUSD)
        for observer in context.observers { observer.runStarted(info, plan: summary) }
        for (index, cached) in cachedAnswers.sorted(by: { $0.key < $1.key }) { stages.finishCached(plan.items[index], answer: cached) }

        let toSend = cachedAnswers.isEmpty ? plan.items : plan.items.indices.filter { cachedAnswers[$0] == nil }.map { plan.items[$0] }
        // A lane for every provider under test (in their order: an item's `provider` is its index),
        // then for those only scorers call, whose calls wait in admission too.
        let underTest = Set(prepared.providers.map(\.config.id))
        let laneProviders = prepared.providers + prepared.serviceProviders.filter { !underTest.contains($0.config.id) }
        let scheduler = Scheduler(
            items: toSend, lanes: laneProviders.map { provider in
                Scheduler.LaneSettings(
                    id: provider.config.id,
                    concurrency: min(settings.concurrency, settings.providerConcurrency[provider.config.id] ?? provider.config.concurrency ?? settings.concurrency),
                    rateLimit: provider.config.rateLimit.overridden(by: settings.rateLimits[provider.config.id]),
                    budgetUSD: provider.config.budgetUSD)
            },
            budgetUSD: settings.budgetUSD, alertFractions: settings.budgetAlerts, spentBeforeUSD: spentBeforeUSD,
            spentBeforeByProvider: spentBefore, context: context, key: prepared.key(of:), estimate: prepared.estimate(of:))
        context.useServiceAdmission(scheduler) { alert in
            stages.alerts.withLock { $0.append(alert) }
            for observer in context.observers { observer.budgetAlert(alert) }
        }
        defer { context.useServiceAdmission(nil, alert: { _ in }) }
        WorkerThreads.run(count: min(settings.concurrency, max(1, toSend.count))) { _ in
            while let work = scheduler.next() {
                switch work {
                case .attempt(let job):
                    let request = prepared.request(job.item)
                    let provider = prepared.providers[job.item.provider]
                    let (error, retryInMs) = RequestStage.attempt(job, policy: provider.config.retry, redactor: prepared.redactor, context: context) {
                        provider.instance.complete(requestJSON: request, timeouts: provider.config.timeouts, run: context)
                    }
                    scheduler.attemptEnded(job, error: error, retryInMs: retryInMs)
                    for (provider, waited) in scheduler.takeWaits() {
                        for observer in context.observers { observer.rateLimitWait(provider: provider, waitedMs: waited) }
                    }
                    for observer in context.observers { observer.attemptEnded(job.key, attempt: job.log[job.log.count - 1], willRetry: retryInMs != nil) }
                    if retryInMs == nil { stages.finish(job, scheduler: scheduler) }
                case .finish(let job):
                    if let reason = job.notRetried, !job.log.isEmpty {
                        job.log[job.log.count - 1].error?.message += " (not retried: \(reason))"
                    }
                    stages.finish(job, scheduler: scheduler)
                }
            }
        }
        stages.slowScoring.finish()
        let failure = stages.writer.close()
        let end = scheduler.summary()
        var counts = stages.counts.withLock { $0 }
        counts.notStarted = end.notStarted
        counts.spentUSD = end.spentUSD
        counts.rateLimitWaits = end.waits
        info.finishedAt = WallClock.nowUnix()
        let cancelled = context.isCancelled
        if let failure {
            (info.status, info.statusReason) = (.storeFailed, "the store failed, results after the failure were not saved: \(failure.message)")
        } else if cancelled {
            (info.status, info.statusReason) = (.interrupted, "cancelled (Ctrl-C or SIGTERM): requests in flight were stopped, the rest never started")
        } else if !end.stopped.isEmpty {
            (info.status, info.statusReason) = (.budgetStopped, end.stopped.joined(separator: "; ") + " (\(end.notStarted) requests not started; spent $\(Money.text(end.spentUSD)))")
        } else {
            info.status = .complete
        }
        if failure == nil {
            // Scorers' figures for whole groups (corpus BLEU); a failure here loses no result.
            do {
                info.corpus = try CorpusStage.figures(prepared: prepared, store: store, runID: info.id, context: context)
                if !info.corpus.isEmpty { try store.recordCorpus(runID: info.id, figures: info.corpus) }
            } catch {
                info.notices.append("corpus figures were not computed: \(error.message)")
            }
        }
        info.notices += stages.alerts.withLock { $0 }.map(\.message)
        for (provider, wait) in end.waits.sorted(by: { $0.key < $1.key }) {
            info.notices.append("rate limit: \(wait.count) requests to '\(provider)' waited \(String(format: "%.1f", wait.totalMs / 1000)) s in all (never counted in a latency)")
        }
        do {
            try store.finishRun(id: info.id, finishedAt: info.finishedAt!, notices: info.notices, status: info.status, reason: info.statusReason)
        } catch {
            // A failed store may refuse this too; the run then reads as ended without finishing.
            if failure == nil { throw error }
        }
        for observer in context.observers { observer.runEnded(info, counts: counts) }
        return Outcome(run: info, counts: counts, storeFailure: failure, cancelled: cancelled, planned: plan.planned)
    }

    /// Runs each scorer; the test passes when every scorer meets its threshold. Quality is their mean.
    static func score(_ result: inout BenchResult, test: TestCase, index: Int, prepared: PreparedRun, context: RunContext) {
        guard !test.scorers.isEmpty else {
            result.passed = true
            return
        }
        var outcomes: [ScoreOutcome] = []
        for (spec, scorer) in prepared.testScorers[index] {
            let request = ScorerCall.Request(messages: test.messages, provider: result.provider, model: result.model, category: test.category,
                                             repeatIndex: result.repeatIndex)
            guard let deadlineMs = ScorerCall.deadlineMs(spec, scorer) else {
                // The usual case, in place: no closure or thread per result and scorer.
                outcomes.append(ScorerCall.evaluate(scorer, spec: spec, output: result.output, expected: test.expected, testName: test.name,
                                                    request: request, run: context))
                continue
            }
            let output = result.output
            outcomes.append(ScorerCall.withDeadline(deadlineMs, spec: spec) {
                ScorerCall.evaluate(scorer, spec: spec, output: output, expected: test.expected, testName: test.name,
                                    request: request, run: context)
            })
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
        let sent = ProviderRequest(test: test, providerOptions: provider.options)
        var w = JSONWriter()
        w.raw("{")
        w.key("messages", first: true)
        w.write(.array(sent.messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }))
        w.key("model"); w.string(provider.model)
        w.key("options"); w.write(.object(sent.options))
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

public enum RunID {
    /// Sortable and unique enough for one store: 20261129T041200Z-3f9a1c.
    public static func make(now: Double = WallClock.nowUnix()) -> String {
        let stamp = Timestamps.iso8601(now).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        return "\(stamp)-\(String(UInt32.random(in: 0...0xFFFFFF), radix: 16))"
    }
}
