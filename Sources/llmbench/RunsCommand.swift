import ArgumentParser
import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchReports

/// `llmbench runs`: the stored runs, newest first, and whether each finished.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List the stored runs, newest first: status, results done and planned.")

    @OptionGroup var store: StoreOptions
    @Option(help: "How many runs to list.") var limit: Int = 20
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let runs: [(run: RunInfo, done: Int)]
        do { runs = try store.openForReading().runs(limit: limit) } catch { throw failInput([error]) }
        if json {
            print(JSONValue.array(runs.map { item in
                .object([
                    "id": .string(item.run.id), "suite": .string(item.run.suite), "started": .string(Timestamps.iso8601(item.run.startedAt)),
                    "status": .string(item.run.status.rawValue), "status_reason": JSONValue(item.run.statusReason),
                    "done": JSONValue(item.done), "planned": JSONValue(item.run.plan?.count),
                    "not_started": JSONValue(item.run.plan.map { max(0, $0.count - item.done) }),
                ])
            }).jsonText)
            return
        }
        guard !runs.isEmpty else {
            print("No runs stored yet.")
            return
        }
        var rows = [["RUN", "SUITE", "STARTED", "STATUS", "DONE", "NOT STARTED"]]
        for item in runs {
            let notStarted = item.run.plan.map { String(max(0, $0.count - item.done)) } ?? "?"
            rows.append([item.run.id, item.run.suite, Timestamps.iso8601(item.run.startedAt), item.run.status.label,
                         item.run.plan.map { "\(item.done)/\($0.count)" } ?? String(item.done), item.run.status.isComplete ? "0" : notStarted])
        }
        print(TextColumns.render(rows.map { $0.map(terminalSafe) }, rightAligned: [4, 5]), terminator: "")
        for item in runs where !item.run.status.isComplete && item.run.status != .running {
            print("\(item.run.id): \(terminalSafe(item.run.statusReason ?? item.run.status.label))")
        }
    }
}
