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
        commandName: "run", abstract: "Run a suite against its providers, store every result, and print the comparison.")

    @Argument(help: "The suite file (YAML).") var suite: String
    @Option(name: .customLong("provider"), help: ArgumentHelp("Run only this provider id (repeatable).", valueName: "ID"))
    var providers: [String] = []
    @OptionGroup var store: StoreOptions
    @OptionGroup var plugins: PluginOptions
    @OptionGroup var pricing: PricingOptions
    @Option(help: "How many requests run at once.") var concurrency: Int = 4
    @Option(help: ArgumentHelp("Also write the JSON report here.", valueName: "FILE")) var json: String?
    @Option(help: ArgumentHelp("Also write JUnit XML here.", valueName: "FILE")) var junit: String?
    @Option(help: ArgumentHelp("Also write a Markdown report here.", valueName: "FILE")) var markdown: String?
    @Option(name: .customLong("fail-on"), help: "Exit 1 when: threshold (a test failed or errored), error (a request errored), never.")
    var failOn: FailOn = .threshold

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() throws {
        let storePath = store.path ?? SQLiteResultStore.defaultPath()
        let runID = RunID.make()
        ExitGuard.arm(storePath: storePath, runID: runID)
        let suite: Suite
        let prices: PriceTable
        do {
            suite = try UserFiles.loadSuite(self.suite)
            prices = try pricing.load(suitePath: self.suite)
        } catch {
            throw failInput(error.errors)
        }
        let preparation = RunPreparation(catalog: plugins.catalog(), prices: prices, selectedProviders: providers)
        let prepared: PreparedRun
        do { prepared = try preparation.prepare(suite) } catch { throw failInput(error.errors) }
        for notice in prepared.notices { printError("notice: \(notice)") }

        // Ctrl-C or SIGTERM: stop starting requests, let those in flight stop, keep every result.
        let interrupts = [SIGINT, SIGTERM].map { signalNumber -> DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                printError("stopping: no new requests; results so far are kept")
                Runner.cancel()
            }
            source.resume()
            return source
        }
        defer { interrupts.forEach { $0.cancel() } }
        let outcome: Runner.Outcome
        // The summaries are added up as results complete, so the table needs no pass over the store.
        let running = RunningTally(plan: prepared.plan)
        do {
            let store = try SQLiteResultStore(path: storePath)
            outcome = try Runner(prepared: prepared, options: .init(concurrency: concurrency)).run(store: store, runID: runID) {
                running.add($0)
            }
        } catch {
            printError(error.description)
            throw Exit.aborted
        }
        // Reports that list results read them back from the store, one at a time, so memory does not grow with the run.
        let tally: RunTally
        do throws(LLMBenchError) {
            let stored = try SQLiteResultStore(readingFrom: storePath).results(of: outcome.run.id)
            // After a store failure the results that completed are not all stored: report what is.
            let report = outcome.storeFailure == nil
                ? StreamingReport(tally: running.finished(as: outcome.run), results: stored)
                : StreamingReport(run: outcome.run, results: stored)
            tally = try report.tally()
            try ReportDestination.write(report, as: .table, to: nil)
            for (path, format) in [(json, ReportFormat.json), (junit, .junit), (markdown, .markdown)] {
                guard let path else { continue }
                try ReportDestination.write(report, as: format, to: path)
            }
        } catch {
            printError(error.description)
            throw Exit.aborted
        }
        if outcome.cancelled {
            printError("run \(outcome.run.id) cancelled: \(tally.done) of \(outcome.planned) results stored in \(storePath)")
            throw Exit.aborted
        }
        if let failure = outcome.storeFailure {
            printError("error: the store failed, results after the failure were not saved: \(failure.message)")
            throw Exit.aborted
        }
        let errors = tally.errors
        let failed = tally.done - tally.passed
        printError("run \(outcome.run.id): \(tally.done) results, \(tally.passed) passed, \(failed - errors) failed, \(errors) errors; stored in \(storePath) (llmbench report \(outcome.run.id))")
        let code: Int32
        switch failOn {
        case .never: code = 0
        case .error: code = errors > 0 ? Exit.thresholdFailed.rawValue : 0
        case .threshold: code = failed > 0 ? Exit.thresholdFailed.rawValue : 0
        }
        // Everything is stored and written: exit now rather than free every result one by one,
        // which takes a noticeable part of a large run's time.
        fflush(nil)
        ExitGuard.disarm()
        Foundation.exit(code)
    }
}
