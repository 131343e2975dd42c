import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// A run that did not finish is marked so everywhere (`runs`, every report format), and reading a
/// store never writes one.
struct UnfinishedRunTests {
    /// 3 providers × 10 tests of 300 ms each, one at a time: long enough to be cut short.
    static func slowSuite(_ dir: TemporaryDirectory) -> String {
        var yaml = """
            version: 1
            name: slow
            providers:
              - {id: a, plugin: mock, model: mock-small, options: {ttft_ms: 300}}
              - {id: b, plugin: mock, model: mock-small, options: {ttft_ms: 300}}
              - {id: c, plugin: mock, model: mock-large, options: {ttft_ms: 300}}
            tests:

            """
        for i in 0..<10 { yaml += "  - {name: t\(i), prompt: p, expected: x}\n" }
        return dir.write("slow.yaml", yaml)
    }

    /// Starts `llmbench run` and waits (by condition, with a deadline) until it has stored a result.
    static func startRun(_ cli: CLI, suite: String, store: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.llmbench)
        process.arguments = ["run", suite, "--store", store, "--concurrency", "1"]
        process.environment = cli.environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let runs = try? JSONValue.parse(try cli.run(["runs", "--json", "--store", store]).stdout)
            if let done = runs?.arrayValue?.first?["done"]?.intValue, done > 0 { break }
        }
        return process
    }

    @Test func aKilledRunIsIncompleteInRunsAndEveryReport() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let store = dir.file("s.sqlite")
        let process = try Self.startRun(cli, suite: Self.slowSuite(dir), store: store)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let runs = try JSONValue.parse(try cli.run(["runs", "--json", "--store", store]).stdout)
        let run = try #require(runs.arrayValue?.first)
        let done = try #require(run["done"]?.intValue)
        #expect(done > 0 && done < 30)
        #expect(run["status"] == "killed" && run["planned"] == 30 && run["not_started"]?.intValue == 30 - done)
        let listing = try cli.run(["runs", "--store", store])
        #expect(listing.stdout.contains("incomplete (killed)") && listing.stdout.contains("\(done)/30"))

        let json = try JSONValue.parse(try cli.run(["report", "--last", "--format", "json", "--store", store]).stdout)
        #expect(json["run"]?["status"] == "killed" && json["run"]?["not_started"]?.intValue == 30 - done)
        let markdown = try cli.run(["report", "--last", "--format", "markdown", "--store", store]).stdout
        #expect(markdown.split(separator: "\n")[1...2].joined().contains("INCOMPLETE RUN, killed"))
        let table = try cli.run(["report", "--last", "--store", store]).stdout
        #expect(table.hasPrefix("INCOMPLETE RUN, killed"))
        let junit = try cli.run(["report", "--last", "--format", "junit", "--store", store]).stdout
        #expect(junit.components(separatedBy: #"type="not_run""#).count - 1 == 30 - done, "every request never run is an error")
    }

    /// A full disk, made with a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored so writes fail with EFBIG).
    @Test func aStoreThatFillsUpEndsTheRunAsAbortedAndTheRunReadsAsIncomplete() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        var yaml = "version: 1\nname: big\nproviders:\n  - {id: a, plugin: mock, model: m, options: {mode: echo}}\ntests:\n"
        let padding = String(repeating: "x", count: 4_000)
        for i in 0..<400 { yaml += "  - {name: t\(i), prompt: \"\(padding)\", expected: x}\n" }
        let suite = dir.write("big.yaml", yaml)
        let store = dir.file("s.sqlite")
        let limited = try Shell.run("/bin/bash", ["-c", "ulimit -f 300; trap '' XFSZ; exec \"$0\" \"$@\"", TestPaths.llmbench,
                                                  "run", suite, "--store", store, "--fail-on", "never"], environment: cli.environment)
        #expect(limited.status == 3, "\(limited.stderr)")
        #expect(limited.stderr.contains("the store failed"))
        let run = try #require(try JSONValue.parse(try cli.run(["runs", "--json", "--store", store]).stdout).arrayValue?.first)
        #expect(run["status"] != "complete" && run["status"] != "running")
        #expect((run["not_started"]?.intValue ?? 0) > 0, "\(run)")
        let junit = try cli.run(["report", "--last", "--format", "junit", "--store", store]).stdout
        #expect(junit.contains(#"type="not_run""#))
    }

    @Test func reportNeverCreatesAStore() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let missing = dir.file("new/dir/x.sqlite")
        let report = try cli.run(["report", "--last", "--store", missing])
        #expect(report.status == 2 && report.stderr.contains("no store at \(missing)"))
        #expect(try cli.run(["runs", "--store", missing]).status == 2)
        #expect(!FileManager.default.fileExists(atPath: dir.file("new")), "no folder, no empty store")
    }

    /// A store on a read-only medium: a folder the reading user cannot write (as root, the tests
    /// read as `nobody` through setpriv, since root may write anywhere).
    @Test func reportReadsAStoreOnAReadOnlyMedium() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let media = dir.subdirectory("media")
        let suite = dir.write("ok.yaml", "version: 1\nname: ok\nproviders:\n  - {id: a, plugin: mock, model: m}\ntests:\n  - {name: t, prompt: p, expected: x}\n")
        #expect(try cli.run(["run", suite, "--store", media + "/s.sqlite"]).status == 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: media).sorted()
        chmod(media, 0o555)
        chmod(media + "/s.sqlite", 0o444)
        defer { chmod(media, 0o755) }
        var reader = [TestPaths.llmbench]
        if getuid() == 0 {
            guard let setpriv = Shell.which("setpriv") else {
                Issue.record("setpriv (util-linux) is needed to read as an unprivileged user")
                return
            }
            reader = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", TestPaths.llmbench]
        }
        let report = try Shell.run(reader[0], Array(reader.dropFirst()) + ["report", "--last", "--format", "json", "--store", media + "/s.sqlite"],
                                   environment: cli.environment)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try JSONValue.parse(report.stdout)["run"]?["status"] == "complete")
        #expect(try FileManager.default.contentsOfDirectory(atPath: media).sorted() == before, "reading wrote nothing")
    }
}
