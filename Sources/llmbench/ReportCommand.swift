import ArgumentParser
import LLMBenchCore
import LLMBenchEngine
import LLMBenchReports

extension ReportFormat: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Render a stored run again.")

    @Argument(help: "The run id (see the end of `llmbench run`).") var runID: String?
    @Flag(help: "The most recent run.") var last = false
    @Option(help: "table, json, markdown, csv or junit.") var format: ReportFormat = .table
    @Option(help: ArgumentHelp("Write here instead of standard output.", valueName: "FILE")) var output: String?
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if (runID == nil) == !last { throw ValidationError("give a RUN_ID or --last, not both and not neither") }
    }

    func run() throws {
        do throws(LLMBenchError) {
            let store = try store.openForReading()
            // One snapshot for every pass the format makes, even while a run writes into the store.
            try store.withSnapshot { () throws(LLMBenchError) in
                let last = try runID == nil ? store.lastRunID() : nil
                guard let id = runID ?? last else { throw LLMBenchError(.usage, "the store has no runs yet") }
                guard let run = try store.run(id: id) else { throw LLMBenchError(.usage, "no run '\(id)' in the store") }
                try ReportDestination.write(StreamingReport(run: run, results: store.results(of: id)), as: format, to: output)
            }
        } catch where error.code == .output {
            printError(error.description)
            throw Exit.aborted
        } catch {
            throw failInput([error])
        }
    }
}
