import ArgumentParser
import LLMBenchCore
import LLMBenchEngine
import LLMBenchReports

extension ReportFormat: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Render a stored run again.")

    @Argument(help: "The run id (see the end of `llmbench run`).") var runID: String?
    @Flag(help: "The most recent run.") var last = false
    @Option(help: "table, json, markdown, csv, junit or html (one self-contained file).") var format: ReportFormat = .table
    @Option(help: ArgumentHelp("Write here instead of standard output.", valueName: "FILE")) var output: String?
    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp("List what got significantly worse since this run: a run id, 'last' (the run of the same suite before this one) or a tag (its newest run).", valueName: "RUN_ID|last|TAG"))
    var baseline: String?
    @Flag(name: .customLong("fail-on-regression"), help: "With --baseline: exit 1 when anything got significantly worse.")
    var failOnRegression = false
    @Flag(help: "Also give each model's costs at today's prices (or --on DATE's) beside those at run time.") var reprice = false
    @Option(help: ArgumentHelp("With --reprice: the prices in force on this day.", valueName: "YYYY-MM-DD")) var on: String?
    @OptionGroup var pricing: PricingOptions

    func validate() throws {
        if (runID == nil) == !last { throw ValidationError("give a RUN_ID or --last, not both and not neither") }
        if failOnRegression && baseline == nil { throw ValidationError("--fail-on-regression goes with --baseline") }
        if on != nil && !reprice { throw ValidationError("--on goes with --reprice") }
        if let on, !Timestamps.isDate(on) { throw ValidationError("--on takes a day, YYYY-MM-DD, not '\(on)'") }
    }

    func run() throws {
        var found = false
        do throws(LLMBenchError) {
            let store = try store.openForReading()
            // One snapshot for every pass the format makes, even while a run writes into the store.
            try store.withSnapshot { () throws(LLMBenchError) in
                let last = try runID == nil ? store.lastRunID() : nil
                guard let id = runID ?? last else { throw LLMBenchError(.usage, "the store has no runs yet") }
                guard let run = try store.run(id: id) else { throw LLMBenchError(.usage, "no run '\(id)' in the store") }
                // A baseline that does not exist is an error before any report is written.
                let base = try baseline.map { name throws(LLMBenchError) in try Self.baselineRun(name, for: run, in: store) }
                let regressions = try base.map { base throws(LLMBenchError) in try Self.regressions(of: run, against: base, in: store) }
                try ReportDestination.write(StreamingReport(run: run, results: store.results(of: id)), as: format, to: output,
                                            options: RenderOptions(regressions: base.map { ($0.id, regressions!.list) }))
                if reprice {
                    var repricing = Repricing(table: try Self.prices(pricing, run: run), on: on ?? Timestamps.date(WallClock.nowUnix()))
                    try store.results(of: id).forEachResult(matching: .all) { repricing.add($0) }
                    if format == .table && output == nil { print(repricing.text, terminator: "") } else { printError(String(repricing.text.dropLast())) }
                }
                if let regressions {
                    // After a table on the terminal, below it; otherwise on standard error, beside the report.
                    if format == .table && output == nil { print(regressions.text, terminator: "") } else { printError(String(regressions.text.dropLast())) }
                    found = !regressions.list.isEmpty
                }
            }
        } catch where error.code == .output {
            printError(error.description)
            throw Exit.aborted
        } catch {
            throw failInput([error])
        }
        if found && failOnRegression { throw ExitCode(1) }
    }

    /// The price tables searched as `run` would search them now (Docs/pricing.md): --pricing, the
    /// suite's folder, $LLMBENCH_PRICING_PATH, ~/.llmbench/pricing, the shipped tables.
    static func prices(_ pricing: PricingOptions, run: RunInfo) throws(LLMBenchError) -> PriceTable {
        do { return try pricing.load(suitePath: run.suitePath) } catch {
            throw error.errors.first ?? LLMBenchError(.invalidFile, "the price tables could not be read")
        }
    }

    /// The baseline run `name` names for `run`: an id, `last` (the newest run of the same suite
    /// started before it) or a tag (its newest run other than `run`).
    static func baselineRun(_ name: String, for run: RunInfo, in store: SQLiteResultStore) throws(LLMBenchError) -> RunInfo {
        if name != "last", let byID = try store.run(id: name), byID.id != run.id { return byID }
        let candidates = name == "last"
            ? try store.runs(matching: RunFilter(suite: run.suite, until: run.startedAt), limit: 50)
            : try store.runs(matching: RunFilter(tag: name), limit: 50)
        guard let found = candidates.map(\.run).first(where: { $0.id != run.id }) else {
            throw LLMBenchError(.usage, name == "last"
                ? "no earlier run of suite '\(run.suite)' in the store to compare with"
                : "no run '\(name)' in the store, and no other run tagged '\(name)'")
        }
        return found
    }

    static func regressions(of run: RunInfo, against base: RunInfo, in store: SQLiteResultStore) throws(LLMBenchError)
        -> (list: [Regression], text: String)
    {
        var comparison = RunComparison()
        try store.results(of: base.id).forEachResult(matching: .all) { comparison.add($0, inB: false) }
        try store.results(of: run.id).forEachResult(matching: .all) { comparison.add($0, inB: true) }
        let rows = comparison.rows()
        let list = Regression.find(in: rows)
        var text = "Regressions against \(base.id)\(base.tags.isEmpty ? "" : " (\(base.tags.joined(separator: ", ")))"), on the items both ran:"
        if rows.isEmpty {
            text += " none comparable (no provider ran the same items).\n"
        } else if list.isEmpty {
            text += " none significant (p < 0.05).\n"
        } else {
            text += "\n" + list.map { "  \($0.provider)\($0.category.map { " / \($0)" } ?? ""): \($0.change) (p=\(String(format: "%.3g", $0.pValue)))\n" }.joined()
        }
        return (list, text)
    }
}
