import ArgumentParser
import Foundation
import LLMBenchEngine

/// `llmbench serve …` runs `llmbench-serve …`, the dashboard, from beside this program: it is a
/// program of its own so that building the CLI never builds its server (Docs/dashboard.md).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the dashboard (the separate llmbench-serve program; `llmbench serve --help` shows its options).")

    @Argument(parsing: .captureForPassthrough, help: "Options for llmbench-serve: --store, --bind, --port, --token.")
    var arguments: [String] = []

    func run() throws {
        let server = Self.serverPath()
        guard FileManager.default.isExecutableFile(atPath: server) else {
            printError("error: the dashboard is the separate program llmbench-serve, not found at \(server); "
                + "build it with `swift build -c release --product llmbench-serve` (the quickstart does not build it)")
            throw ExitCode(2)
        }
        let argv = [server] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        execv(server, &cArguments)
        printError("error: cannot run \(server): \(String(cString: strerror(errno)))")
        throw ExitCode(2)
    }

    /// `llmbench-serve` in this program's own folder (links resolved).
    static func serverPath() -> String {
        ((Installation.executablePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("llmbench-serve")
    }
}
