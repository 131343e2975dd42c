import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// The dashboard as a person sees it: `llmbench serve` on a free port over a store of a real run, its
/// pages opened in headless Chromium. They render with their data, log nothing, fetch nothing, and
/// show an answer made of markup as text. Screenshots are kept in `.build/test-artifacts/dashboard/`
/// (or `$LLMBENCH_TEST_ARTIFACTS/dashboard/`).
struct DashboardBrowserTests {
    /// The server started as a user starts it, stopped when this goes.
    final class Server {
        let process = Process()
        private(set) var base = ""

        init(_ arguments: [String], environment: [String: String]) throws {
            process.executableURL = URL(fileURLWithPath: TestPaths.llmbench)
            process.arguments = ["serve", "--port", "0"] + arguments
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The first line says where it listens: "llmbench dashboard on http://127.0.0.1:PORT/ (store …)".
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                guard !chunk.isEmpty else { break }
                line += chunk
            }
            let text = String(decoding: line, as: UTF8.self)
            guard let start = text.range(of: "http://"), let end = text[start.upperBound...].firstIndex(of: " ") else {
                throw LLMBenchError(.usage, "the server said no address: \(text)")
            }
            base = String(text[start.lowerBound..<end]).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        }

        deinit {
            process.terminate()
            process.waitUntilExit()
        }
    }

    static var artifacts: String {
        let root = ProcessInfo.processInfo.environment["LLMBENCH_TEST_ARTIFACTS"] ?? TestPaths.repo(".build/test-artifacts")
        let dir = (root as NSString).appendingPathComponent("dashboard")
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func thePagesRenderTheirDataLogNothingAndShowMarkupAsText() throws {
        let cli = CLI(), dir = TemporaryDirectory()
        let store = try HTMLReportTests.runWithMarkup(cli, dir, name: "dashboard")
        let runs = try JSONValue.parse(try cli.run(["runs", "--store", store, "--json"]).stdout)
        let runID = try #require(runs.arrayValue?.first?["id"]?.stringValue)
        let server = try Server(["--store", store], environment: cli.environment)

        // The first result is the markup test's answer from "cheap" (plan order: test, then provider).
        let pages: [(path: String, name: String, shows: String)] = [
            ("/", "leaderboard", "<h1>Leaderboard: dashboard</h1>"), ("/", "leaderboard", "id=\"cost-quality\""),
            ("/runs", "runs", ">\(runID)</a>"), ("/trends", "trends", "<h1>Trends: dashboard</h1>"),
            ("/runs/\(runID)", "run-report", "id=\"cost-quality\""),
            ("/runs/\(runID)/results/0", "result", "&lt;script&gt;document.title='pwned'&lt;/script&gt;"),
        ]
        for page in pages {
            let (dom, log) = try HTMLReportTests.open(url: server.base + page.path, screenshot: Self.artifacts + "/\(page.name).png")
            guard !dom.isEmpty else { return }
            #expect(dom.contains(page.shows), "\(page.path): \(dom.prefix(600))")
            #expect(!dom.contains("<b id=\"injected\">") && dom.lowercased().components(separatedBy: "<script").count == 1, "\(page.path)")
            #expect(!dom.contains("pwned</title>"), "\(page.path): the answer's script ran")
            for trouble in ["Content Security Policy", "Uncaught", "CONSOLE"] {
                #expect(!log.contains(trouble), "\(page.path): the browser logged \(trouble): \(log.suffix(800))")
            }
        }
    }
}
