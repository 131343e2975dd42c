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
    @Option(help: "Only runs of this suite (its name).") var suite: String?
    @Option(help: "Only runs with this tag.") var tag: String?
    @Option(help: ArgumentHelp("Only runs started on or after this day (UTC) or time.", valueName: "YYYY-MM-DD|ISO-8601")) var since: String?
    @Option(help: ArgumentHelp("Only runs started before this day (UTC) or time.", valueName: "YYYY-MM-DD|ISO-8601")) var until: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value, Self.time(value) == nil { throw ValidationError("\(flag) takes a day (2026-12-01) or an ISO-8601 time, not '\(value)'") }
        }
    }

    /// Unix seconds of `YYYY-MM-DD` (midnight UTC) or an ISO-8601 time.
    static func time(_ text: String) -> Double? {
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if text.count == 10, let date = day.date(from: text) { return date.timeIntervalSince1970 }
        return ISO8601DateFormatter().date(from: text)?.timeIntervalSince1970
    }

    func run() throws {
        let runs: [(run: RunInfo, done: Int)]
        let filter = RunFilter(suite: suite, tag: tag, since: since.flatMap(Self.time), until: until.flatMap(Self.time))
        do { runs = try store.openForReading().runs(matching: filter, limit: limit) } catch { throw failInput([error]) }
        if json {
            print(JSONValue.array(runs.map { item in
                .object([
                    "id": .string(item.run.id), "suite": .string(item.run.suite), "started": .string(Timestamps.iso8601(item.run.startedAt)),
                    "status": .string(item.run.status.rawValue), "status_reason": JSONValue(item.run.statusReason),
                    "done": JSONValue(item.done), "planned": JSONValue(item.run.plan?.count),
                    "not_started": JSONValue(item.run.plan.map { max(0, $0.count - item.done) }),
                    "tags": .array(item.run.tags.map { .string($0) }),
                ])
            }).jsonText)
            return
        }
        guard !runs.isEmpty else {
            print(filter == RunFilter() ? "No runs stored yet." : "No stored run matches.")
            return
        }
        var rows = [["RUN", "SUITE", "STARTED", "STATUS", "DONE", "NOT STARTED", "TAGS"]]
        for item in runs {
            let notStarted = item.run.plan.map { String(max(0, $0.count - item.done)) } ?? "?"
            rows.append([item.run.id, item.run.suite, Timestamps.iso8601(item.run.startedAt), item.run.status.label,
                         item.run.plan.map { "\(item.done)/\($0.count)" } ?? String(item.done), item.run.status.isComplete ? "0" : notStarted,
                         item.run.tags.joined(separator: ",")])
        }
        print(TextColumns.render(rows.map { $0.map(terminalSafe) }, rightAligned: [4, 5]), terminator: "")
        for item in runs where !item.run.status.isComplete && item.run.status != .running {
            print("\(item.run.id): \(terminalSafe(item.run.statusReason ?? item.run.status.label))")
        }
    }
}
