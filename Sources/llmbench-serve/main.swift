import ArgumentParser
import Foundation
import Hummingbird
import LLMBenchCore
import LLMBenchEngine
import LLMBenchServer

/// `llmbench serve`: the dashboard over a store (Docs/dashboard.md). A program of its own so that the
/// CLI's build never builds Hummingbird; `llmbench serve` runs it when it lies beside llmbench.
@main
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llmbench serve",
        abstract: "Serve the dashboard: leaderboard, runs and results, and the JSON API behind them.")

    @Option(help: "The store to show (default: ~/.llmbench/results.sqlite).") var store: String?
    @Option(help: "Address to listen on; anything but loopback needs a token.") var bind = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, printed).") var port = 8080
    @Option(help: ArgumentHelp("Require `Authorization: Bearer TOKEN` on every request (or LLMBENCH_DASHBOARD_TOKEN).", valueName: "TOKEN"))
    var token: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = DashboardConfiguration(
            storePath: store ?? SQLiteResultStore.defaultPath(environment: environment), host: bind, port: port,
            token: token ?? environment["LLMBENCH_DASHBOARD_TOKEN"])
        do {
            try configuration.validate()
        } catch {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        let app = try DashboardServer.application(configuration, onListening: { port in
            FileHandle.standardOutput.write(Data("llmbench dashboard on http://\(configuration.host):\(port)/ (store \(configuration.storePath))\n".utf8))
        })
        try await app.runService()
    }
}
