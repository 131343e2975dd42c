import ArgumentParser
import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchReports

enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case never, error, threshold
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a suite against its providers, store every result, and print the comparison.",
        discussion: """
            Exit codes: 0 done, 1 a test failed (see --fail-on), 2 bad usage or input, 3 aborted (Ctrl-C, the store failed),
            4 a plugin called exit(), 5 stopped by the budget (--budget or a provider's budget_usd).
            """)

    @Argument(help: "The suite file (YAML). With --resume, the run's own suite file unless given.") var suite: String?
    @Option(name: .customLong("provider"), help: ArgumentHelp("Run only this provider id (repeatable).", valueName: "ID"))
    var providers: [String] = []
    @OptionGroup var store: StoreOptions
    @OptionGroup var plugins: PluginOptions
    @OptionGroup var pricing: PricingOptions
    @Option(help: "How many requests run at once, over all providers.") var concurrency: Int = 4
    @Option(name: .customLong("provider-concurrency"), help: ArgumentHelp("At most N requests of this provider at once (repeatable).", valueName: "ID=N"))
    var providerConcurrency: [String] = []
    @Option(help: ArgumentHelp("Requests per minute for a provider, or for all with *=N (repeatable).", valueName: "ID=N"))
    var rpm: [String] = []
    @Option(help: ArgumentHelp("Tokens per minute for a provider, or for all with *=N (repeatable).", valueName: "ID=N"))
    var tpm: [String] = []
    @Option(help: ArgumentHelp("Stop before a request that would take the run's spend past this many USD (exit code 5).", valueName: "USD"))
    var budget: Double?
    @Option(name: .customLong("budget-alerts"), help: ArgumentHelp("Fractions of a budget that raise an alert.", valueName: "0.5,0.8,1"))
    var budgetAlerts: String?
    @Flag(inversion: .prefixedNo, help: "Answer requests identical to stored ones (plugin, model, base URL, options, messages) from the store.")
    var cache = false
    @Option(name: .customLong("cache-ttl"), help: ArgumentHelp("Use cached answers no older than this (seconds, or 90m, 12h, 7d).", valueName: "AGE"))
    var cacheTTL: String?
    @Option(help: ArgumentHelp("Run a stratified sample of the tests: a count (50) or a fraction (0.1, 10%).", valueName: "N|FRACTION"))
    var sample: String?
    @Option(help: "The sample's seed (recorded with the run; chosen at random when not given).") var seed: UInt64?
    @Option(help: ArgumentHelp("Continue a run that was stopped (Ctrl-C, kill, crash, budget): RUN_ID or last.", valueName: "RUN_ID|last"))
    var resume: String?
    @Flag(help: "No progress line.") var quiet = false
    @Option(help: ArgumentHelp("Name the run (repeatable): `runs --tag`, `report --baseline TAG`.", valueName: "TAG"))
    var tag: [String] = []
    @Option(help: ArgumentHelp("Also write the JSON report here.", valueName: "FILE")) var json: String?
    @Option(help: ArgumentHelp("Also write JUnit XML here.", valueName: "FILE")) var junit: String?
    @Option(help: ArgumentHelp("Also write a Markdown report here.", valueName: "FILE")) var markdown: String?
    @Option(help: ArgumentHelp("Also write a self-contained HTML report here.", valueName: "FILE")) var html: String?
    @Option(name: .customLong("fail-on"), help: "Exit 1 when: threshold (a test failed or errored), error (a request errored), never.")
    var failOn: FailOn = .threshold

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        if let budget, !(budget > 0) || !budget.isFinite { throw ValidationError("--budget must be a positive number of USD") }
        if let sample, Sampling.size(parsing: sample) == nil {
            throw ValidationError("--sample takes a count of tests (50) or a fraction in (0, 1] (0.1 or 10%), not '\(sample)'")
        }
        if seed != nil && sample == nil { throw ValidationError("--seed goes with --sample") }
        if let bad = tag.first(where: { !RunInfo.isValidTag($0) }) {
            throw ValidationError("--tag '\(bad)' is not a tag: 1 to 100 letters, digits or ._-/:+@")
        }
        if resume == nil && suite == nil { throw ValidationError("give the suite file to run, or --resume RUN_ID|last") }
        if resume != nil {
            let chosen = [("--sample", sample != nil), ("--cache", cache), ("--provider", !providers.isEmpty),
                          ("--rpm", !rpm.isEmpty), ("--tpm", !tpm.isEmpty), ("--provider-concurrency", !providerConcurrency.isEmpty)]
            if let flag = chosen.first(where: \.1) {
                throw ValidationError("\(flag.0) cannot be combined with --resume: a resumed run keeps the settings it was started with")
            }
        }
        _ = try settings()
    }

    /// The command line's choices for a new run.
    func settings() throws -> RunSettings {
        var limits: [String: RateLimit] = [:]
        for (id, value) in try Self.perProvider(rpm, option: "--rpm") { limits[id, default: RateLimit()].requestsPerMinute = value }
        for (id, value) in try Self.perProvider(tpm, option: "--tpm") { limits[id, default: RateLimit()].tokensPerMinute = value }
        var perProvider: [String: Int] = [:]
        for (id, value) in try Self.perProvider(providerConcurrency, option: "--provider-concurrency") {
            guard value >= 1, value.rounded() == value else { throw ValidationError("--provider-concurrency \(id)=N needs a whole N >= 1") }
            perProvider[id] = Int(value)
        }
        var alerts = RunSettings.defaultBudgetAlerts
        if let budgetAlerts {
            let parsed = budgetAlerts.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil && $0! > 0 && $0! <= 1 }) else {
                throw ValidationError("--budget-alerts takes fractions in (0, 1] separated by commas, like 0.5,0.8,1")
            }
            alerts = parsed.map { $0! }
        }
        var ttl: Double?
        if let cacheTTL {
            guard let seconds = Self.seconds(cacheTTL) else { throw ValidationError("--cache-ttl takes seconds or a number with s, m, h or d (90m, 7d), not '\(cacheTTL)'") }
            ttl = seconds
        }
        let sampling = sample.flatMap(Sampling.size(parsing:)).map { Sampling(size: $0, seed: seed ?? UInt64.random(in: 0...UInt64(UInt32.max))) }
        return RunSettings(concurrency: concurrency, providerConcurrency: perProvider, rateLimits: limits, budgetUSD: budget,
                           budgetAlerts: alerts, cache: cache, cacheTTLSeconds: ttl, sampling: sampling)
    }

    /// `ID=N` options; `*=N` applies to every provider of the suite (expanded later).
    static func perProvider(_ values: [String], option: String) throws -> [(String, Double)] {
        try values.map { text in
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let value = Double(parts[1]), value > 0, value.isFinite else {
                throw ValidationError("\(option) takes ID=N with a provider id and a positive number, not '\(text)'")
            }
            return (parts[0], value)
        }
    }

    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let last = text.last, let unit = units[last], let value = Double(text.dropLast()), value >= 0 { return value * unit }
        if let value = Double(text), value >= 0 { return value }
        return nil
    }

    func run() throws {
        let storePath = store.path ?? SQLiteResultStore.defaultPath()
        func openStore() throws -> SQLiteResultStore {
            do { return try SQLiteResultStore(path: storePath) } catch {
                printError(error.description)
                throw Exit.aborted
            }
        }
        // A new run's store is created only once its suite has been read without a problem.
        var opened = try resume.map { _ in try openStore() }
        let start = try resume.map { try resumePoint($0, store: opened!) }
        let runID = start?.run.id ?? RunID.make()
        ExitGuard.arm(storePath: storePath, runID: runID)
        let suitePath = suite ?? start!.run.suitePath!
        let suite: Suite
        let prices: PriceTable
        do {
            suite = try UserFiles.loadSuite(suitePath)
            prices = try pricing.load(suitePath: suitePath)
        } catch {
            throw failInput(error.errors)
        }
        if let start { try Self.checkUnchanged(suite, for: start.run, path: suitePath) }
        let selected = start?.run.plan?.providers ?? providers
        let priceDate = start.map { $0.run.prices.date } ?? Timestamps.date(WallClock.nowUnix())
        let preparation = RunPreparation(catalog: plugins.catalog(), prices: prices, selectedProviders: selected, priceDate: priceDate)
        let prepared: PreparedRun
        do { prepared = try preparation.prepare(suite) } catch { throw failInput(error.errors) }
        for notice in prepared.notices { printError("notice: \(notice)") }

        var settings = try start?.run.plan?.settings ?? settings()
        if start != nil, let budget {
            // A run stopped by its budget continues with a larger one.
            settings.budgetUSD = budget
            if let budgetAlerts { settings.budgetAlerts = try self.settings().budgetAlerts; _ = budgetAlerts }
        }
        settings.rateLimits = Self.expandAll(settings.rateLimits, ids: prepared.providers.map(\.config.id))
        let runPlan = start?.run.plan ?? prepared.runPlan(settings: settings)
        if let sampling = settings.sampling, start == nil {
            printError("sample: \(runPlan.tests.count) of \(suite.tests.count) tests, stratified by category (--sample \(sampling.sizeText) --seed \(sampling.seed))")
        }
        let resultStore = try opened ?? openStore()
        opened = nil
        let plan: Plan
        var info: RunInfo
        do {
            if let start {
                plan = prepared.plan(for: runPlan, done: try resultStore.completedItemKeys(runID: runID),
                                     firstWarmupSequence: (try resultStore.lastSequence(runID: runID) ?? -1) + 1)
                info = start.run
                // The settings it continues with (a raised budget) are recorded for the next resume.
                info.plan?.settings = settings
                if !tag.isEmpty { try resultStore.addTags(runID: runID, tag) }
                printError("resuming run \(runID): \(plan.alreadyDone) of \(plan.planned) results are stored; \(plan.measuredCount) to go")
            } else {
                plan = prepared.plan(for: runPlan)
                info = RunInfo(id: runID, suite: suite.name, suiteDigest: suite.digest, startedAt: WallClock.nowUnix(), prices: prepared.prices,
                               concurrency: settings.concurrency, notices: prepared.notices, status: .running, plan: runPlan, tags: tag)
            }
        } catch {
            printError(error.description)
            throw Exit.aborted
        }

        let interval = ProcessInfo.processInfo.environment["LLMBENCH_PROGRESS_INTERVAL_S"].flatMap(Double.init) ?? 5
        // The summaries are added up as results complete, so the table needs no pass over the store.
        let running = RunningTally(plan: runPlan)
        let context = RunContext(observers: [TallyFeed(running)] + (quiet ? [] : [ProgressLine(plainEverySeconds: max(0, interval))]))
        // Ctrl-C or SIGTERM: stop starting requests, let those in flight stop, keep every result.
        let interrupts = [SIGINT, SIGTERM].map { signalNumber -> DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                printError("stopping: no new requests; results so far are kept (llmbench run --resume \(runID) continues)")
                context.cancel()
            }
            source.resume()
            return source
        }
        defer { interrupts.forEach { $0.cancel() } }
        let outcome: Runner.Outcome
        do {
            outcome = try Runner(prepared: prepared, settings: settings, context: context).run(plan, store: resultStore, info: info,
                                                                                             resuming: start != nil)
        } catch {
            printError(error.description)
            throw Exit.aborted
        }
        // Reports that list results read them back from the store, one at a time, so memory does not grow with the run.
        let tally: RunTally
        do throws(LLMBenchError) {
            let stored = try SQLiteResultStore(readingFrom: storePath).results(of: runID)
            // The tally made as results completed covers the whole run only when this process ran all of it
            // and stored all of it; a resumed run, or one whose store failed, is added up from the store.
            let report = outcome.storeFailure == nil && start == nil
                ? StreamingReport(tally: running.finished(as: outcome.run), results: stored)
                : StreamingReport(run: outcome.run, results: stored)
            tally = try report.tally()
            try ReportDestination.write(report, as: .table, to: nil)
            for (path, format) in [(json, ReportFormat.json), (junit, .junit), (markdown, .markdown), (html, .html)] {
                guard let path else { continue }
                try ReportDestination.write(report, as: format, to: path)
            }
        } catch {
            printError(error.description)
            throw Exit.aborted
        }
        let counts = outcome.counts
        let stored = "stored in \(storePath) (llmbench report \(runID))"
        if outcome.cancelled {
            printError("run \(runID) cancelled: \(tally.done) of \(outcome.planned) results \(stored); continue with llmbench run --resume \(runID)")
            throw Exit.aborted
        }
        if let failure = outcome.storeFailure {
            printError("error: the store failed, results after the failure were not saved: \(failure.message)")
            throw Exit.aborted
        }
        let cached = counts.cached > 0 ? " (\(counts.cached) from the cache)" : ""
        printError("run \(runID): \(tally.done) results\(cached), \(tally.passed) passed, \(tally.done - tally.passed - tally.errors) failed, \(tally.errors) errors; spent $\(String(format: "%.4f", counts.spentUSD)) in this process; \(stored)")
        var code: Int32
        switch failOn {
        case .never: code = 0
        case .error: code = counts.errors > 0 ? Exit.thresholdFailed.rawValue : 0
        case .threshold: code = counts.failed > 0 ? Exit.thresholdFailed.rawValue : 0
        }
        if outcome.run.status == .budgetStopped {
            printError("budget reached: \(outcome.run.statusReason ?? "")")
            printError("skipped \(counts.notStarted) requests; raise the budget and continue with llmbench run --resume \(runID)")
            code = Exit.budgetStopped.rawValue
        }
        // Everything is stored and written: exit now rather than free every result one by one,
        // which takes a noticeable part of a large run's time.
        fflush(nil)
        ExitGuard.disarm()
        Foundation.exit(code)
    }

    /// `*` in per-provider limits means every provider.
    static func expandAll(_ limits: [String: RateLimit], ids: [String]) -> [String: RateLimit] {
        guard let all = limits["*"] else { return limits }
        var expanded = limits.filter { $0.key != "*" }
        for id in ids { expanded[id] = all.overridden(by: expanded[id]) }
        return expanded
    }

    /// The run to continue: it must exist, be incomplete, and not be running in another process.
    func resumePoint(_ which: String, store: SQLiteResultStore) throws -> (run: RunInfo, Void) {
        do {
            guard let id = which == "last" ? try store.lastRunID() : which else {
                throw LLMBenchError(.usage, "--resume last: the store has no runs yet")
            }
            guard let run = try store.run(id: id) else {
                throw LLMBenchError(.usage, "--resume: no run '\(id)' in the store (llmbench runs lists them)")
            }
            switch run.status {
            case .complete: throw LLMBenchError(.usage, "run \(id) is complete: nothing to resume")
            case .running: throw LLMBenchError(.usage, "run \(id) is still running in another process; stop it first (Ctrl-C)")
            default: break
            }
            guard run.plan != nil else { throw LLMBenchError(.usage, "run \(id) was stored before runs kept their plan, so it cannot be resumed") }
            guard suite != nil || run.suitePath != nil else {
                throw LLMBenchError(.usage, "run \(id) does not record its suite file; give it: llmbench run SUITE --resume \(id)")
            }
            return (run, ())
        } catch let error as LLMBenchError {
            throw failInput([error])
        }
    }

    /// A resumed run must ask the same questions: the suite's digest must match, else the error
    /// names what changed.
    static func checkUnchanged(_ suite: Suite, for run: RunInfo, path: String) throws {
        guard suite.digest != run.suiteDigest else { return }
        var changes: [String] = []
        if let plan = run.plan {
            let now = Dictionary(suite.tests.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let removed = plan.tests.filter { now[$0.name] == nil }.map(\.name)
            if !removed.isEmpty { changes.append("tests removed: \(removed.prefix(5).joined(separator: ", "))\(removed.count > 5 ? " and \(removed.count - 5) more" : "")") }
            let repeats = plan.tests.filter { planned in now[planned.name].map { $0.repeatCount != planned.repeats } ?? false }.map(\.name)
            if !repeats.isEmpty { changes.append("repeat counts changed: \(repeats.prefix(5).joined(separator: ", "))") }
            let providerIDs = Set(suite.providers.map(\.id))
            let gone = plan.providers.filter { !providerIDs.contains($0) }
            if !gone.isEmpty { changes.append("providers removed: \(gone.joined(separator: ", "))") }
            let planned = Set(plan.tests.map(\.name))
            let added = suite.tests.filter { !planned.contains($0.name) }.count
            if added > 0 && run.plan?.settings?.sampling == nil { changes.append("\(added) tests added") }
        }
        if changes.isEmpty { changes.append("prompts, options, scorers or other settings changed (the file's digest differs)") }
        throw failInput([LLMBenchError(.invalidFile, "cannot resume run \(run.id): \(path) changed since the run started: \(changes.joined(separator: "; ")). Restore the file, or start a new run.")])
    }
}

/// Hands each measured result to the run's tally as it completes (warm-ups stay out of reports).
final class TallyFeed: RunObserver, @unchecked Sendable {
    private let tally: RunningTally
    init(_ tally: RunningTally) { self.tally = tally }
    func resultReady(_ result: BenchResult) { if !result.warmup { tally.add(result) } }
}
