import ArgumentParser
import Foundation
import LLMBenchCore
import LLMBenchEngine

/// Exit codes (STYLE.md): 0 success, 1 a threshold failed or a request errored, 2 bad usage or input, 3 run aborted.
enum Exit {
    static let thresholdFailed = ExitCode(1)
    /// `llmbench score`: a line, or the file's figure, got no score (the scorer failed or refused its
    /// options, or the line was not a valid request); as a run's errored request does, it exits 1.
    static let notAllScored = ExitCode(1)
    static let badInput = ExitCode(2)
    static let aborted = ExitCode(3)
    /// A plugin ended the process with exit() during a run (ExitGuard).
    static let pluginExited = ExitCode(4)
    /// The run stopped before a request that would have passed its budget.
    static let budgetStopped = ExitCode(5)
}

@main
struct LLMBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llmbench",
        abstract: "Benchmark LLM providers side by side: latency, tokens, cost and quality.",
        version: "0.1.0",
        subcommands: [RunCommand.self, ReportCommand.self, RunsCommand.self, CompareCommand.self, TagCommand.self, PluginsCommand.self, PricingCommand.self, ScoreCommand.self, ValidateCommand.self, InitCommand.self, ServeCommand.self]
    )

    /// Usage errors exit with 2, not ArgumentParser's 64, so scripts see one code for bad input.
    static func main() {
        // Plugins' warnings and errors go to standard error, keys already removed by the engine.
        PluginLog.setSink { line in
            guard line.level >= 2 else { return }
            printError("\(line.level >= 3 ? "error" : "warning") [\(line.pluginID)]: \(line.message)")
        }
        do {
            var command = try parseAsRoot()
            try command.run()
            ExitGuard.disarm()
        } catch {
            ExitGuard.disarm()
            let code = exitCode(for: error)
            if code == .success || code.rawValue == 1 || code.rawValue == 3 || code.rawValue == 2 {
                exit(withError: error)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(Exit.badInput.rawValue)
        }
    }
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints every problem and exits with 2.
func failInput(_ errors: [LLMBenchError]) -> ExitCode {
    for error in errors { printError(error.description) }
    return Exit.badInput
}

/// Options every command that loads plugins shares.
struct PluginOptions: ParsableArguments {
    @Option(name: .customLong("plugins"), help: ArgumentHelp("A folder to search for plugins first (repeatable).", valueName: "DIR"))
    var pluginDirs: [String] = []

    @Flag(name: .customLong("allow-writable-plugins"), help: "Load plugins from folders or files that other users can write (refused by default).")
    var allowWritable = false

    /// Probe verdicts persist in ~/.llmbench/cache/plugin-probes.json; LLMBENCH_PLUGIN_PROBE_TIMEOUT_MS
    /// shortens the probe's 5 s deadline (the tests use it).
    func catalog(environment: [String: String] = ProcessInfo.processInfo.environment) -> PluginCatalog {
        let cache = environment["HOME"].map { ($0 as NSString).appendingPathComponent(".llmbench/cache/plugin-probes.json") }
        let timeout = environment["LLMBENCH_PLUGIN_PROBE_TIMEOUT_MS"].flatMap(Int.init) ?? 5_000
        let catalog = PluginCatalog(probe: PluginProbe(cacheFile: cache, timeoutMs: timeout), allowWritable: allowWritable)
        catalog.loadAll(from: PluginCatalog.defaultSearchPath(explicit: pluginDirs))
        return catalog
    }
}

struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("store"), help: ArgumentHelp("The SQLite store (default ~/.llmbench/results.sqlite).", valueName: "PATH"))
    var path: String?

    /// For commands that only read: nothing is created, migrated or written.
    func openForReading() throws(LLMBenchError) -> SQLiteResultStore {
        try SQLiteResultStore(readingFrom: path ?? SQLiteResultStore.defaultPath())
    }

    /// For commands that write into an existing store (`tag`): brought up to this schema, never created.
    func openExisting() throws(LLMBenchError) -> SQLiteResultStore {
        let file = path ?? SQLiteResultStore.defaultPath()
        guard FileManager.default.fileExists(atPath: file) else { throw LLMBenchError(.usage, "no store at \(file): run a suite first") }
        return try SQLiteResultStore(path: file)
    }
}

/// Where price tables come from; every command that needs prices shares it (Docs/pricing.md).
struct PricingOptions: ParsableArguments {
    @Option(name: .customLong("pricing"), help: ArgumentHelp("A price table file or folder, searched first (repeatable).", valueName: "FILE|DIR"))
    var paths: [String] = []

    func places(suitePath: String?) -> [PricePlace] { PricePlace.searchPath(explicit: paths, suitePath: suitePath) }

    func load(suitePath: String?) throws(LLMBenchErrors) -> PriceTable { try UserFiles.loadPrices(places(suitePath: suitePath)) }
}
