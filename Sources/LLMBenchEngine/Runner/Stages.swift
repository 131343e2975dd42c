import Foundation
import LLMBenchCore
import Synchronization

/// The stages after the request: a job's attempts become a result (redacted, priced, timed),
/// the result is scored, handed to the store and to the observers. Called from worker threads.
final class Stages: @unchecked Sendable {
    let prepared: PreparedRun
    let context: RunContext
    let writer: StoreWriter
    let counts = Mutex(RunCounts())
    let alerts = Mutex<[BudgetAlert]>([])

    /// Where results whose scorers may block (slow, or given a deadline) are scored, so that the
    /// request worker goes back to admission at once.
    let slowScoring: WorkQueue

    init(prepared: PreparedRun, context: RunContext, writer: StoreWriter, slowScorers: Int) {
        self.prepared = prepared
        self.context = context
        self.writer = writer
        slowScoring = WorkQueue(threads: slowScorers)
    }

    /// A job with no further attempt: build, price, score (here, or off the request workers when a
    /// scorer may block), store, tell.
    func finish(_ job: Job, scheduler: Scheduler) {
        let result = ResultBuilder.result(job, prepared: prepared)
        let tokens = result.usage.map { $0.inputTokens + $0.outputTokens }
        scheduler.completed(job, costUSD: result.costUSD, tokens: tokens) { alert in
            alerts.withLock { $0.append(alert) }
            for observer in context.observers { observer.budgetAlert(alert) }
        }
        let test = prepared.suite.tests[job.item.test]
        let item = job.item
        guard result.status == .ok, prepared.scoresSlowly(item.test) else {
            var scored = result
            if result.status == .ok { Runner.score(&scored, test: test, index: item.test, prepared: prepared, context: context) }
            deliver(scored, item: item)
            return
        }
        slowScoring.submit { [self] in
            var scored = result
            Runner.score(&scored, test: test, index: item.test, prepared: prepared, context: context)
            deliver(scored, item: item)
        }
    }

    /// An item answered from the store: the stored answer, re-scored with this run's scorers,
    /// costing nothing here; its times stay as measured then, marked cached.
    func finishCached(_ item: Plan.Item, answer: BenchResult) {
        let test = prepared.suite.tests[item.test]
        var result = answer
        result.test = test.name
        result.category = test.category
        result.repeatIndex = item.repeatIndex
        result.cached = true
        result.warmup = false
        result.costUSD = 0
        result.startedAt = WallClock.nowUnix()
        result.scores = []
        result.quality = nil
        Runner.score(&result, test: test, index: item.test, prepared: prepared, context: context)
        deliver(result, item: item)
    }

    private func deliver(_ result: BenchResult, item: Plan.Item) {
        // Every answer can serve a later run's cache, except those that came from it.
        let cacheKey = result.cached || result.status != .ok ? nil : prepared.cacheKey(item)
        writer.submit(EncodedResult(sequence: item.sequence, result: result, cacheKey: cacheKey))
        counts.withLock { counts in
            if result.warmup { counts.warmups += 1; return }
            counts.results += 1
            if result.status == .error { counts.errors += 1 }
            if !result.passed { counts.failed += 1 }
            if result.cached { counts.cached += 1 }
        }
        for observer in context.observers { observer.resultReady(result) }
    }
}

/// A job's attempts as a result: the final attempt's answer, redacted; usage (estimated when the
/// provider reported none); cost; times. Never throws: every fault becomes part of the result.
enum ResultBuilder {
    static func result(_ job: Job, prepared: PreparedRun) -> BenchResult {
        let test = prepared.suite.tests[job.item.test]
        let provider = prepared.providers[job.item.provider]
        let outcome = job.final
        let log = job.log
        var result = BenchResult(
            test: test.name, category: test.category, provider: provider.config.id, plugin: provider.config.plugin,
            model: provider.config.model, repeatIndex: job.item.repeatIndex, status: .ok, attempts: log.count,
            attemptLog: log.count == 1 && log[0].status == .ok ? [] : log, waitMs: job.waitMs,
            http: outcome.transport.requestStartNs == nil ? nil : outcome.transport.info, chunkGapsMs: outcome.transport.chunkGapsMs,
            simulated: provider.instance.plugin.isSimulated, startedAt: job.startedAt, warmup: job.item.warmup)
        result.output = prepared.redactor.redact(outcome.outputText)
        result.reasoning = outcome.reasoningText.map(prepared.redactor.redact)
        result.truncated = outcome.truncated
        result.finishReason = outcome.finishReason
        result.usage = TokenCounts.usage(outcome: outcome, test: test, provider: provider, succeeded: log.last?.error == nil)
        if let usage = result.usage, let price = provider.price { result.costUSD = price.costUSD(usage) }
        if let error = log.last?.error {
            result.status = .error
            result.error = error
            result.passed = false
            return result
        }
        let timing = CallTiming(outcome)
        result.latencyMs = timing.latencyMs
        result.ttftMs = timing.ttftMs
        result.ttfotMs = timing.ttfotMs
        return result
    }
}

/// The cache stage (`--cache`): answers from the store for the items whose identical request
/// (plugin, model, base URL, options, messages) was answered before, within the TTL. The k-th
/// identical request of this run takes the k-th newest stored answer, so repeats stay distinct
/// answers; those beyond what is stored are sent.
enum CacheStage {
    static func answers(_ items: [Plan.Item], prepared: PreparedRun, store: any ResultStore,
                        ttlSeconds: Double?) throws(LLMBenchError) -> [Int: BenchResult]
    {
        let since = ttlSeconds.map { WallClock.nowUnix() - $0 } ?? -Double.greatestFiniteMagnitude
        var byKey: [Int64: [Int]] = [:]
        for (index, item) in items.enumerated() where !item.warmup {
            byKey[prepared.cacheKey(item), default: []].append(index)
        }
        var answers: [Int: BenchResult] = [:]
        for (key, indices) in byKey {
            // The key is 64 bits of a SHA-256; the answer must also come from the same plugin and model.
            let provider = prepared.providers[items[indices[0]].provider].config
            let stored = try store.cachedAnswers(cacheKey: key, since: since, limit: indices.count)
                .filter { $0.plugin == provider.plugin && $0.model == provider.model }
            for (index, answer) in zip(indices, stored) { answers[index] = answer }
        }
        return answers
    }

    /// What identifies a request to the cache: plugin, model, base URL, the options the plugin
    /// receives and the messages; never the test's name, category or the API key. The first 64 bits
    /// of the SHA-256 of their canonical JSON: two different requests share a key with odds of
    /// about one in 10^8 among a million stored ones, and a hit must match plugin and model too.
    static func key(test: TestCase, provider: ProviderConfig) -> Int64 {
        let sent = ProviderRequest(test: test, providerOptions: provider.options)
        let material: JSONValue = .object([
            "v": 1, "plugin": .string(provider.plugin), "model": .string(provider.model), "base_url": JSONValue(provider.baseURL),
            "options": .object(sent.options),
            "messages": .array(sent.messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }),
        ])
        return Int64(bitPattern: UInt64(Digest.sha256Hex(material.jsonText).prefix(16), radix: 16)!)
    }
}

/// The corpus stage, when a run ends: for each scorer of the suite whose plugin has ABI 1.2's
/// `aggregate` (BLEU), one figure per provider × model and per provider × model × category, from
/// the details each result's score carries. One pass over the run's stored results, so a resumed
/// run's figures cover all of it; nothing at all when no scorer aggregates.
enum CorpusStage {
    private struct Group: Hashable {
        var provider: String
        var model: String
        var category: String?
        var scorer: String
    }

    static func figures(prepared: PreparedRun, store: any ResultStore, runID: String, context: RunContext) throws(LLMBenchError)
        -> [CorpusFigure]
    {
        // The scorer specs that aggregate, by id: a scorer used with several option sets is
        // aggregated with the first one's options (its results' details were made each with its own).
        var specs: [String: (ScorerSpec, PluginInstance)] = [:]
        for test in prepared.suite.tests {
            for spec in test.scorers where specs[spec.scorer] == nil {
                if let instance = prepared.scorers[ScorerKey.make(spec)], instance.plugin.hasAggregate { specs[spec.scorer] = (spec, instance) }
            }
        }
        guard !specs.isEmpty else { return [] }
        var order: [Group] = []
        var items: [Group: [JSONValue]] = [:]
        try store.forEachResult(runID: runID, matching: .all) { result in
            for score in result.scores where specs[score.scorer] != nil && score.error == nil {
                for category in [nil, result.category] {
                    let group = Group(provider: result.provider, model: result.model, category: category, scorer: score.scorer)
                    if items[group] == nil { order.append(group) }
                    items[group, default: []].append(score.details)
                }
            }
        }
        // Overall groups first, as the summaries are.
        let sorted = order.filter { $0.category == nil } + order.filter { $0.category != nil }
        return sorted.compactMap { group in
            guard let (spec, instance) = specs[group.scorer], let details = items[group],
                  let outcome = ScorerCall.aggregate(instance, spec: spec, details: details, run: context) else { return nil }
            return CorpusFigure(provider: group.provider, model: group.model, category: group.category, scorer: group.scorer,
                                value: outcome.value, passed: outcome.passed, details: outcome.details, error: outcome.error, n: details.count)
        }
    }
}

/// A fixed set of threads running submitted work in order of submission; `finish` waits for all of it.
final class WorkQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var work: [@Sendable () -> Void] = []
    private var head = 0
    private var closed = false
    private var started = false
    private let threads: Int
    private let group = DispatchGroup()

    init(threads: Int) { self.threads = max(1, threads) }

    func submit(_ body: @escaping @Sendable () -> Void) {
        condition.lock()
        if !started {
            started = true
            for _ in 0..<threads {
                group.enter()
                let thread = Thread { [self] in
                    loop()
                    group.leave()
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
        }
        work.append(body)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while head == work.count && !closed { condition.wait() }
            guard head < work.count else {
                condition.unlock()
                return
            }
            let body = work[head]
            head += 1
            if head == work.count {
                work.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            body()
        }
    }

    /// Waits until everything submitted has run.
    func finish() {
        condition.lock()
        closed = true
        condition.broadcast()
        let wasStarted = started
        condition.unlock()
        if wasStarted { group.wait() }
    }
}
