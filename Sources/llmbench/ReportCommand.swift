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
        let report: RunReport
        do {
            let store = try store.openForReading()
            guard let id = try runID ?? store.lastRunID() else { throw LLMBenchError(.usage, "the store has no runs yet") }
            guard let run = try store.run(id: id) else { throw LLMBenchError(.usage, "no run '\(id)' in the store") }
            report = RunReport(run: run, results: try store.results(runID: id))
        } catch let error as LLMBenchError {
            throw failInput([error])
        }
        let text = try LLMBenchReports.render(report, as: format)
        if let output { try OutputFile.write(text, to: output) } else { print(text, terminator: "") }
    }
}
