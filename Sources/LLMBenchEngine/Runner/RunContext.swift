import Foundation
import LLMBenchCore
import Synchronization

/// Receives what a run does as it happens: progress lines, OpenTelemetry and the live dashboard
/// hang off it. Called from worker threads, concurrently: implementations synchronise themselves
/// and return quickly (they hold a worker while they run).
public protocol RunObserver: AnyObject, Sendable {
    func runStarted(_ run: RunInfo, plan: PlanSummary)
    /// One try of a request ended; `willRetry` says whether another follows.
    func attemptEnded(_ key: ItemKey, attempt: AttemptRecord, willRetry: Bool)
    /// A request waited for its provider's rate limit (or a Retry-After pause) before it started.
    func rateLimitWait(provider: String, waitedMs: Double)
    /// A result is complete (scored, priced) and handed to the store.
    func resultReady(_ result: BenchResult)
    func budgetAlert(_ alert: BudgetAlert)
    func runEnded(_ run: RunInfo, counts: RunCounts)
}

extension RunObserver {
    public func runStarted(_ run: RunInfo, plan: PlanSummary) {}
    public func attemptEnded(_ key: ItemKey, attempt: AttemptRecord, willRetry: Bool) {}
    public func rateLimitWait(provider: String, waitedMs: Double) {}
    public func resultReady(_ result: BenchResult) {}
    public func budgetAlert(_ alert: BudgetAlert) {}
    public func runEnded(_ run: RunInfo, counts: RunCounts) {}
}

/// What observers learn of a plan when the run starts.
public struct PlanSummary: Sendable {
    /// Measured requests of the whole plan, done ones included.
    public var planned: Int
    /// Done before this process started (a resumed run).
    public var alreadyDone: Int
    public var warmups: Int
    /// Answered from the store (`--cache`) before any request was sent.
    public var cached: Int
    public var spentBeforeUSD: Double
}

/// A budget passed one of its alert fractions.
public struct BudgetAlert: Sendable, Equatable {
    /// nil: the run's budget; else the provider whose own budget it is.
    public var provider: String?
    public var fraction: Double
    public var budgetUSD: Double
    public var spentUSD: Double

    public var message: String {
        let whose = provider.map { "provider '\($0)' budget" } ?? "budget"
        return "budget alert: \(Int((fraction * 100).rounded())) % of the \(whose) of $\(Money.text(budgetUSD)) reached ($\(Money.text(spentUSD)) spent)"
    }
}

/// How a run's requests ended, for the command's last line and its exit code.
public struct RunCounts: Sendable {
    public var results = 0
    public var errors = 0
    public var failed = 0
    public var cached = 0
    public var warmups = 0
    /// Planned items never started: budget reached, cancelled, or the store failed.
    public var notStarted = 0
    public var spentUSD = 0.0
    /// Per provider: how many requests waited for a rate limit, and for how long in total.
    public var rateLimitWaits: [String: (count: Int, totalMs: Double)] = [:]
}

enum Money {
    /// Dollars with as many decimals as a small amount needs: 12.30, 0.0042.
    static func text(_ usd: Double) -> String {
        if usd == 0 { return "0.00" }
        if abs(usd) >= 0.01 { return String(format: "%.2f", usd) }
        return String(format: "%.2g", usd)
    }
}

/// One run's own state, passed down to every stage and to the plugin calls it makes: its
/// cancellation, where its plugins' log lines go (secrets removed), and its observers. Two runs in
/// one process never see each other's cancel or logs.
public final class RunContext: @unchecked Sendable {
    public typealias LogSink = @Sendable (PluginLog.Line) -> Void

    private let cancelled = Atomic<Bool>(false)
    private let wakers = Mutex<[@Sendable () -> Void]>([])
    /// The suite's prepared providers by id, under test or not, for the provider service.
    private let services = Mutex<[String: PreparedRun.Provider]>([:])
    let logSink: LogSink?
    private(set) var redactor: SecretRedactor
    public let observers: [any RunObserver]

    public init(logSink: LogSink? = nil, observers: [any RunObserver] = []) {
        self.logSink = logSink
        self.observers = observers
        redactor = SecretRedactor(secrets: [])
    }

    /// Stops the run: no new request starts, calls in flight are asked to stop (their results are
    /// recorded as `cancelled`), waits end. Safe from any thread, and from a signal handler's queue.
    public func cancel() {
        cancelled.store(true, ordering: .relaxed)
        for wake in wakers.withLock({ $0 }) { wake() }
    }

    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// Called on `cancel()`: a stage that waits registers how to wake it.
    func onCancel(_ wake: @escaping @Sendable () -> Void) { wakers.withLock { $0.append(wake) } }

    /// The run's secrets, known once its providers are prepared; set before any call is made.
    func addSecrets(_ secrets: [String]) { redactor = SecretRedactor(secrets: redactor.secrets + secrets) }

    /// The providers a scorer may call through the host's `provider_call`; set before any call is made.
    func addServiceProviders(_ providers: [PreparedRun.Provider]) {
        services.withLock { for provider in providers { $0[provider.config.id] = provider } }
    }

    func serviceProvider(id: String) -> PreparedRun.Provider? { services.withLock { $0[id] } }

    /// Where the provider service's calls wait to be admitted (the run's scheduler: concurrency,
    /// rate limits, budget) while the run's requests are being sent; nil outside (llmbench score).
    private let admission = Mutex<(scheduler: Scheduler, alert: @Sendable (BudgetAlert) -> Void)?>(nil)
    func useServiceAdmission(_ scheduler: Scheduler?, alert: @escaping @Sendable (BudgetAlert) -> Void) {
        admission.withLock { $0 = scheduler.map { ($0, alert) } }
    }
    var serviceAdmission: (scheduler: Scheduler, alert: @Sendable (BudgetAlert) -> Void)? { admission.withLock { $0 } }

    /// Where the provider service keeps embeddings between runs (the run's store); set before any call.
    private(set) var embeddingCache: (any ResultStore)?
    func useEmbeddingCache(_ store: any ResultStore) { embeddingCache = store }

    var serviceProviderIDs: [String] { services.withLock { $0.keys.sorted() } }

    func log(_ line: PluginLog.Line) {
        guard let logSink else { return }
        var line = line
        line.message = redactor.redact(line.message)
        logSink(line)
    }

    /// Runs `body` with this run as the calling thread's current run, so that the host table's
    /// `log` and `is_cancelled` (which receive only the plugin's context) reach it.
    func asCurrent<T>(_ body: () throws -> T) rethrows -> T {
        let previous = CurrentRun.get()
        CurrentRun.set(self)
        defer { CurrentRun.set(previous) }
        return try body()
    }
}

/// The run a thread is making a plugin call for: plugins call `log` and `is_cancelled` on the
/// thread that called them (the ABI's contract), so a thread-local finds the run.
enum CurrentRun {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static func get() -> RunContext? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<RunContext>.fromOpaque(raw).takeUnretainedValue()
    }

    /// The caller keeps `context` alive while it is current (`RunContext.asCurrent` does).
    static func set(_ context: RunContext?) {
        pthread_setspecific(key, context.map { UnsafeRawPointer(Unmanaged.passUnretained($0).toOpaque()) })
    }
}
