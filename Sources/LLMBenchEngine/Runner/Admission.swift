import Foundation
import LLMBenchCore

/// What a request is expected to take before it is sent: the budget and the tokens-per-minute
/// limit are checked against it (Docs/runs.md "Budget").
struct RequestEstimate: Sendable {
    var inputTokens: Int
    /// The request's output limit (`TokenCounts.outputLimit`) when set, else `defaultOutputBound`.
    var outputBound: Int
    /// nil: the model has no price, so the budget cannot count it.
    var costUSD: Double?

    /// The output bound of a request that sets none: generous, so a budget is not passed by surprise.
    static let defaultOutputBound = 4096

    var tokens: Double { Double(inputTokens + outputBound) }

    init(inputTokens: Int, outputBound: Int, costUSD: Double?) {
        self.inputTokens = inputTokens
        self.outputBound = outputBound
        self.costUSD = costUSD
    }

    /// The prompt is counted as a result's input would be when the provider reports none
    /// (`TokenCounts.countInput`: the tokenizer when there is one, the chat template included).
    init(test: TestCase, provider: ProviderConfig, tokenizer: BPETokenizer? = nil, price: PriceEntry?) {
        let request = TokenCounts.Request(test: test, provider: provider, pluginStreams: false)
        inputTokens = TokenCounts.countInput(request, settings: provider.tokens, tokenizer: tokenizer).tokens
        let options = provider.options.merging(test.options) { _, testValue in testValue }
        outputBound = TokenCounts.outputLimit(options) ?? Self.defaultOutputBound
        costUSD = price?.costUSD(Usage(inputTokens: inputTokens, outputTokens: outputBound, estimated: true))
    }
}

/// One request on its way through admission, the request stage and back (for a retry).
final class Job: @unchecked Sendable {
    let item: Plan.Item
    let key: ItemKey
    let estimate: RequestEstimate
    var log: [AttemptRecord] = []
    /// Back-off and rate-limit waits, in ms: never part of a latency.
    var waitMs = 0.0
    var final = CallOutcome()
    var startedAt = 0.0
    var deadlineNs: UInt64 = 0
    /// When the last attempt ended, and when the next may start.
    var lastEndNs: UInt64 = 0
    var readyAtNs: UInt64 = 0
    var admittedNs: UInt64 = 0
    /// Why a planned retry was not made (the run was cancelled or its budget reached).
    var notRetried: String?
    /// What admission set aside of the budget for the attempt in flight (its estimate).
    var reservedUSD = 0.0

    init(item: Plan.Item, key: ItemKey, estimate: RequestEstimate) {
        self.item = item
        self.key = key
        self.estimate = estimate
    }
}

/// The admission stage: which request starts next, and when. It holds the run's global
/// concurrency (the worker count), each provider's concurrency (adaptive on 429), its
/// request and token buckets, Retry-After pauses, back-off timers and the budget. A request
/// waiting for any of them holds no worker: workers only ever wait here, for whichever request
/// of any provider may go first.
final class Scheduler: @unchecked Sendable {
    enum Work {
        /// Send the job's next attempt.
        case attempt(Job)
        /// No further attempt will be made (the run was cancelled or its budget reached while the job
        /// waited to retry): record it with the attempts it has.
        case finish(Job)
    }

    struct LaneSettings {
        var id: String
        var concurrency: Int
        var rateLimit: RateLimit
        var budgetUSD: Double?
    }

    /// One provider's queue and limits.
    fileprivate final class Lane {
        let id: String
        var pending: [Plan.Item] = []
        var head = 0
        /// Jobs waiting to retry, by `readyAtNs`.
        var retries: [Job] = []
        var inFlight = 0
        var limit: Int
        let maxLimit: Int
        var successesSinceChange = 0
        var lastDecreaseNs: UInt64 = 0
        var requests: TokenBucket?
        var tokens: TokenBucket?
        var pausedUntilNs: UInt64 = 0
        var blockedSinceNs: UInt64?
        var warmupsLeft = 0
        var budgetUSD: Double?
        var spentUSD = 0.0
        var reservedUSD = 0.0
        var alertsFired = 0
        var stopped: String?
        var waitCount = 0
        var waitTotalMs = 0.0

        init(_ settings: LaneSettings, nowNs: UInt64) {
            id = settings.id
            limit = settings.concurrency
            maxLimit = settings.concurrency
            requests = settings.rateLimit.requestsPerMinute.map { TokenBucket(ratePerMinute: $0, capacity: 1, nowNs: nowNs) }
            tokens = settings.rateLimit.tokensPerMinute.map { TokenBucket(ratePerMinute: $0, capacity: $0 / 60, nowNs: nowNs) }
            budgetUSD = settings.budgetUSD
        }

        var hasPending: Bool { head < pending.count }
    }

    private let condition = NSCondition()
    private let lanes: [Lane]
    /// Every lane by provider id: the providers under test (whose index is `Plan.Item.provider`),
    /// then those only scorers call (`under_test: false`).
    private let laneByID: [String: Lane]
    private let keyOf: (Plan.Item) -> ItemKey
    private let estimateOf: (Plan.Item) -> RequestEstimate
    private let context: RunContext
    private var inFlight = 0
    private var budgetUSD: Double?
    private let alertFractions: [Double]
    private var spentUSD: Double
    private var reservedUSD = 0.0
    private var alertsFired = 0
    /// Set when the run's budget stops it: nothing more is admitted.
    private(set) var stopReason: String?
    private var pendingAlerts: [BudgetAlert] = []
    private var pendingWaits: [(String, Double)] = []

    init(items: [Plan.Item], lanes settings: [LaneSettings], budgetUSD: Double?, alertFractions: [Double], spentBeforeUSD: Double,
         spentBeforeByProvider: [String: Double], context: RunContext, key: @escaping (Plan.Item) -> ItemKey,
         estimate: @escaping (Plan.Item) -> RequestEstimate)
    {
        let now = MonotonicClock.nowNs()
        lanes = settings.map { Lane($0, nowNs: now) }
        laneByID = Dictionary(lanes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for item in items {
            lanes[item.provider].pending.append(item)
            if item.warmup { lanes[item.provider].warmupsLeft += 1 }
        }
        for lane in lanes { lane.spentUSD = spentBeforeByProvider[lane.id] ?? 0 }
        self.budgetUSD = budgetUSD
        self.alertFractions = alertFractions
        self.spentUSD = spentBeforeUSD
        self.context = context
        self.keyOf = key
        self.estimateOf = estimate
        // Alerts already passed before a resume are not raised again.
        if let budgetUSD, budgetUSD > 0 { alertsFired = alertFractions.count(where: { spentBeforeUSD >= $0 * budgetUSD }) }
        for lane in lanes {
            if let b = lane.budgetUSD, b > 0 { lane.alertsFired = alertFractions.count(where: { lane.spentUSD >= $0 * b }) }
        }
        context.onCancel { [weak self] in self?.wake() }
    }

    func wake() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until some request may start (or a waiting one must be recorded as it is); nil when
    /// the run has nothing more to do.
    func next() -> Work? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if context.isCancelled || stopReason != nil {
                // Nothing new starts; a job waiting to retry is recorded with what it has.
                for lane in lanes where !lane.retries.isEmpty {
                    let job = lane.retries.removeFirst()
                    job.notRetried = context.isCancelled ? "the run was cancelled" : stopReason
                    return .finish(job)
                }
                return nil
            }
            let now = MonotonicClock.nowNs()
            var wakeAtNs = UInt64.max
            var candidates: [(lane: Lane, retry: Bool, rank: Int)] = []
            var outstanding = inFlight > 0
            for lane in lanes {
                if let stopped = lane.stopped {
                    if let job = lane.retries.first {
                        lane.retries.removeFirst()
                        job.notRetried = stopped
                        return .finish(job)
                    }
                    continue
                }
                if lane.hasPending || !lane.retries.isEmpty { outstanding = true }
                guard lane.inFlight < lane.limit else { continue }
                var candidate: (retry: Bool, item: Plan.Item)?
                if let job = lane.retries.first {
                    if job.readyAtNs <= now { candidate = (true, job.item) } else { wakeAtNs = min(wakeAtNs, job.readyAtNs) }
                }
                if candidate == nil, lane.hasPending {
                    let item = lane.pending[lane.head]
                    // Measured requests wait until the provider's warm-ups are done.
                    if item.warmup || lane.warmupsLeft == 0 { candidate = (false, item) }
                }
                guard let candidate else { continue }
                if now < lane.pausedUntilNs {
                    lane.blockedSinceNs = lane.blockedSinceNs ?? now
                    wakeAtNs = min(wakeAtNs, lane.pausedUntilNs)
                    continue
                }
                let estimate = candidate.retry ? lane.retries[0].estimate : estimateOf(candidate.item)
                let waitNs = bucketWaitNs(lane, estimate, now: now)
                if waitNs > 0 {
                    lane.blockedSinceNs = lane.blockedSinceNs ?? now
                    wakeAtNs = min(wakeAtNs, now + waitNs)
                    continue
                }
                // Retries first, then plan order across providers.
                candidates.append((lane, candidate.retry, candidate.retry ? Int.min + candidate.item.sequence : candidate.item.sequence))
            }
            var budgetChanged = false
            for candidate in candidates.sorted(by: { $0.rank < $1.rank }) {
                let lane = candidate.lane
                let job = candidate.retry ? lane.retries[0] : Job(item: lane.pending[lane.head], key: keyOf(lane.pending[lane.head]),
                                                                   estimate: estimateOf(lane.pending[lane.head]))
                if let refusal = budgetRefusal(lane, job.estimate) {
                    // Requests in flight hold part of the budget: try another provider, or wait for them.
                    if refusal.wait { continue }
                    if refusal.wholeRun { stopReason = refusal.reason } else { lane.stopped = refusal.reason }
                    budgetChanged = true
                    break
                }
                if candidate.retry { lane.retries.removeFirst() } else { lane.head += 1 }
                admit(job, lane: lane, now: now)
                return .attempt(job)
            }
            if budgetChanged { continue }
            guard outstanding else { return nil }
            if wakeAtNs == UInt64.max {
                condition.wait()
            } else {
                let seconds = Double(wakeAtNs - min(wakeAtNs, now)) / 1e9
                _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
            }
        }
    }

    /// How long the provider's request and token buckets make a request of `estimate` wait.
    private func bucketWaitNs(_ lane: Lane, _ estimate: RequestEstimate, now: UInt64) -> UInt64 {
        max(lane.requests?.waitNs(for: 1, nowNs: now) ?? 0, lane.tokens?.waitNs(for: estimate.tokens, nowNs: now) ?? 0)
    }

    /// What admitting a request of `estimate` to `lane` takes, for a job or a service call alike:
    /// its request and tokens from the buckets, its estimate set aside from the budgets, a slot.
    /// Returns what was set aside. Under the lock.
    private func take(_ lane: Lane, _ estimate: RequestEstimate, now: UInt64) -> Double {
        lane.requests?.take(1, nowNs: now)
        lane.tokens?.take(estimate.tokens, nowNs: now)
        let reserved = estimate.costUSD ?? 0
        reservedUSD += reserved
        lane.reservedUSD += reserved
        lane.inFlight += 1
        return reserved
    }

    private func admit(_ job: Job, lane: Lane, now: UInt64) {
        job.reservedUSD = take(lane, job.estimate, now: now)
        if let since = lane.blockedSinceNs {
            let waited = MonotonicClock.ms(from: since, to: now)
            lane.blockedSinceNs = nil
            lane.waitCount += 1
            lane.waitTotalMs += waited
            // A retry's whole gap since its last attempt is counted by the request stage.
            if job.log.isEmpty { job.waitMs += waited }
            pendingWaits.append((lane.id, waited))
        }
        inFlight += 1
        job.admittedNs = now
    }

    /// Why the budget will not let this request go: `wait` when requests in flight hold part of
    /// it (their real cost may leave room), else it stops the run (or the provider).
    private func budgetRefusal(_ lane: Lane, _ estimate: RequestEstimate) -> (reason: String, wait: Bool, wholeRun: Bool)? {
        let cost = estimate.costUSD ?? 0
        if let budgetUSD, spentUSD + reservedUSD + cost > budgetUSD {
            if reservedUSD > 0 { return ("", true, true) }
            return ("the budget of $\(Money.text(budgetUSD)) would be passed: $\(Money.text(spentUSD)) spent, the next request to '\(lane.id)' is estimated at $\(Money.text(cost))", false, true)
        }
        if let limit = lane.budgetUSD, lane.spentUSD + lane.reservedUSD + cost > limit {
            if lane.reservedUSD > 0 { return ("", true, false) }
            return ("provider '\(lane.id)' budget of $\(Money.text(limit)) would be passed: $\(Money.text(lane.spentUSD)) spent, its next request is estimated at $\(Money.text(cost))", false, false)
        }
        return nil
    }

    /// An attempt ended: frees its slot and adapts the provider's concurrency (halved on a 429,
    /// once per burst; one more after as many successes as the current limit). A Retry-After
    /// pauses the whole provider. `retryInMs` queues the job's next attempt.
    func attemptEnded(_ job: Job, error: RequestError?, retryInMs: Double?) {
        let now = MonotonicClock.nowNs()
        condition.lock()
        let lane = lanes[job.item.provider]
        lane.inFlight -= 1
        inFlight -= 1
        // A retry gives back what its attempt set aside; a final attempt keeps it until its cost
        // is counted (`completed`), so no request is admitted against money already spent.
        if retryInMs != nil { release(job, lane: lane) }
        adapt(lane, admittedNs: job.admittedNs, error: error, now: now)
        if let retryInMs {
            job.readyAtNs = now + UInt64(max(0, retryInMs) * 1_000_000)
            let place = lane.retries.firstIndex { $0.readyAtNs > job.readyAtNs } ?? lane.retries.count
            lane.retries.insert(job, at: place)
        }
        condition.broadcast()
        condition.unlock()
    }

    /// A job's result is final: its cost counts against the budgets and its real token count
    /// settles the tokens-per-minute bucket. Alerts it raises go to `alert` in the order they were
    /// passed, under the scheduler's lock (observers must not call back into the run).
    func completed(_ job: Job, costUSD: Double?, tokens: Int?, alert: (BudgetAlert) -> Void) {
        condition.lock()
        defer { condition.unlock() }
        let lane = lanes[job.item.provider]
        release(job, lane: lane)
        if job.item.warmup { lane.warmupsLeft -= 1 }
        if let tokens, !job.log.isEmpty { lane.tokens?.settle(job.estimate.tokens - Double(tokens)) }
        for raised in spend(costUSD, lane: lane) { alert(raised) }
        condition.broadcast()
    }

    /// Halves the provider's concurrency on a 429 (once per burst: not for attempts admitted before
    /// the last halving) and pauses it for a Retry-After; one more after as many successes as the
    /// current limit. Under the lock.
    private func adapt(_ lane: Lane, admittedNs: UInt64, error: RequestError?, now: UInt64) {
        if let error, error.kind == .rateLimited {
            if admittedNs >= lane.lastDecreaseNs {
                lane.limit = max(1, lane.limit / 2)
                lane.lastDecreaseNs = now
                lane.successesSinceChange = 0
            }
            if let after = error.retryAfterMs, after > 0 { lane.pausedUntilNs = max(lane.pausedUntilNs, now + UInt64(after) * 1_000_000) }
        } else if error == nil {
            lane.successesSinceChange += 1
            if lane.limit < lane.maxLimit && lane.successesSinceChange >= lane.limit {
                lane.limit += 1
                lane.successesSinceChange = 0
            }
        }
    }

    /// Counts money spent against the run's and the provider's budgets; the alerts it passes, in
    /// order. Under the lock.
    private func spend(_ costUSD: Double?, lane: Lane) -> [BudgetAlert] {
        var alerts: [BudgetAlert] = []
        if let costUSD, costUSD > 0 {
            spentUSD += costUSD
            lane.spentUSD += costUSD
            if let budgetUSD, budgetUSD > 0 {
                while alertsFired < alertFractions.count, spentUSD >= alertFractions[alertsFired] * budgetUSD {
                    alerts.append(BudgetAlert(provider: nil, fraction: alertFractions[alertsFired], budgetUSD: budgetUSD, spentUSD: spentUSD))
                    alertsFired += 1
                }
            }
            if let b = lane.budgetUSD, b > 0 {
                while lane.alertsFired < alertFractions.count, lane.spentUSD >= alertFractions[lane.alertsFired] * b {
                    alerts.append(BudgetAlert(provider: lane.id, fraction: alertFractions[lane.alertsFired], budgetUSD: b, spentUSD: lane.spentUSD))
                    lane.alertsFired += 1
                }
            }
        }
        return alerts
    }

    private func release(_ job: Job, lane: Lane) {
        reservedUSD -= job.reservedUSD
        lane.reservedUSD -= job.reservedUSD
        job.reservedUSD = 0
    }

    // MARK: The provider service: scorers' calls to a provider of the suite

    /// One admitted service call, to be given back with `serviceCallEnded`.
    struct ServiceTicket {
        fileprivate let lane: Lane
        fileprivate let reservedUSD: Double
        fileprivate let tokens: Double
        fileprivate let admittedNs: UInt64
    }

    /// A scorer's call to a provider (ABI 1.2 provider service) waits here as the run's requests
    /// do: for a slot of the provider's concurrency, its request and token buckets, a Retry-After
    /// pause, and room in the run's and the provider's budgets. It holds no request worker (scorers
    /// that call providers are slow scorers, run off the workers). Fails when the run is cancelled
    /// or a budget would be passed; a budget refusal stops the run (or the provider) as a request's
    /// would, since what scorers spend is spent.
    func admitServiceCall(providerID: String, estimate: RequestEstimate) -> Result<ServiceTicket, RequestError> {
        condition.lock()
        defer { condition.unlock() }
        guard let lane = laneByID[providerID] else {
            // Not a provider of this run: the service already refused it; nothing to limit.
            return .failure(RequestError(kind: .notFound, message: "provider '\(providerID)' has no place in this run's scheduler"))
        }
        while true {
            if context.isCancelled { return .failure(RequestError(kind: .cancelled, message: "the run was cancelled")) }
            if let reason = stopReason ?? lane.stopped {
                return .failure(RequestError(kind: .invalidRequest, message: "not sent: \(reason)"))
            }
            let now = MonotonicClock.nowNs()
            var wakeAtNs = UInt64.max
            if lane.inFlight >= lane.limit {
                // A slot frees at attemptEnded/serviceCallEnded, which broadcast.
            } else if now < lane.pausedUntilNs {
                wakeAtNs = lane.pausedUntilNs
            } else {
                let waitNs = bucketWaitNs(lane, estimate, now: now)
                if waitNs > 0 {
                    wakeAtNs = now + waitNs
                } else if let refusal = budgetRefusal(lane, estimate) {
                    if !refusal.wait {
                        if refusal.wholeRun { stopReason = refusal.reason } else { lane.stopped = refusal.reason }
                        condition.broadcast()
                        return .failure(RequestError(kind: .invalidRequest, message: "not sent: \(refusal.reason)"))
                    }
                } else {
                    let reserved = take(lane, estimate, now: now)
                    return .success(ServiceTicket(lane: lane, reservedUSD: reserved, tokens: estimate.tokens, admittedNs: now))
                }
            }
            if wakeAtNs == UInt64.max {
                condition.wait()
            } else {
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(wakeAtNs - min(wakeAtNs, now)) / 1e9))
            }
        }
    }

    /// A service call's attempt ended: its slot is free, a 429 adapts the provider's concurrency
    /// and a Retry-After pauses it (as for the run's requests), its cost counts against the budgets
    /// and its real token count settles the token bucket. Alerts it raises go to `alert`.
    func serviceCallEnded(_ ticket: ServiceTicket, error: RequestError?, costUSD: Double?, tokens: Int?, alert: (BudgetAlert) -> Void) {
        let now = MonotonicClock.nowNs()
        condition.lock()
        defer { condition.unlock() }
        let lane = ticket.lane
        lane.inFlight -= 1
        reservedUSD -= ticket.reservedUSD
        lane.reservedUSD -= ticket.reservedUSD
        adapt(lane, admittedNs: ticket.admittedNs, error: error, now: now)
        if let tokens { lane.tokens?.settle(ticket.tokens - Double(tokens)) }
        for raised in spend(costUSD, lane: lane) { alert(raised) }
        condition.broadcast()
    }

    /// Rate-limit waits since the last call, for the observers.
    func takeWaits() -> [(provider: String, waitedMs: Double)] {
        condition.lock()
        defer { condition.unlock() }
        let waits = pendingWaits
        pendingWaits.removeAll()
        return waits.map { (provider: $0.0, waitedMs: $0.1) }
    }

    /// After the workers are done: what never started, what stopped it, what was spent, the waits.
    func summary() -> (notStarted: Int, stopped: [String], spentUSD: Double, waits: [String: (count: Int, totalMs: Double)]) {
        condition.lock()
        defer { condition.unlock() }
        var notStarted = 0
        var stopped: [String] = stopReason.map { [$0] } ?? []
        var waits: [String: (count: Int, totalMs: Double)] = [:]
        for lane in lanes {
            notStarted += lane.pending[lane.head...].count(where: { !$0.warmup })
            if let reason = lane.stopped, stopReason == nil { stopped.append(reason) }
            if lane.waitCount > 0 { waits[lane.id] = (lane.waitCount, lane.waitTotalMs) }
        }
        return (notStarted, stopped, spentUSD, waits)
    }
}
