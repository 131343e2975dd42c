import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// The run command's controls from the outside: budget exit code, sampling from a seed, progress.
struct RunControlTests {
    static func quickstart() -> String { TestPaths.repo("Suites/quickstart.yaml") }

    @Test func aBudgetStopExitsWithFiveAndSaysWhatWasSpentAndSkipped() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let result = try cli.run(["run", Self.quickstart(), "--store", dir.file("r.sqlite"), "--budget", "0.0003", "--quiet"])
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stderr.contains("budget reached: the budget of $0.0003 would be passed"))
        #expect(result.stderr.contains("skipped 36 requests"))
        let runs = try JSONValue.parse(try cli.run(["runs", "--json", "--store", dir.file("r.sqlite")]).stdout)
        #expect(runs.arrayValue?.first?["status"] == "budget_stopped")
        let resumed = try cli.run(["run", "--resume", "last", "--budget", "1", "--store", dir.file("r.sqlite"), "--quiet", "--fail-on", "never"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming run") && resumed.stderr.contains("36 results"))
    }

    @Test func theSameSeedSamplesTheSameTestsAndTheRunRecordsIt() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        func sampled(_ seed: String) throws -> Set<String> {
            let store = dir.file("s\(seed)-\(UUID().uuidString).sqlite")
            let run = try cli.run(["run", Self.quickstart(), "--store", store, "--sample", "0.5", "--seed", seed, "--quiet", "--fail-on", "never"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("sample: 5 of 10 tests, stratified by category (--sample 0.5 --seed \(seed))"))
            let report = try JSONValue.parse(try cli.run(["report", "--last", "--format", "json", "--store", store]).stdout)
            return Set(report["results"]?.arrayValue?.compactMap { $0["test"]?.stringValue } ?? [])
        }
        let first = try sampled("7")
        #expect(first.count == 5)
        #expect(try sampled("7") == first)
        let others = try [sampled("8"), sampled("9"), sampled("10")]
        #expect(others.contains { $0 != first }, "other seeds choose other tests")
    }

    @Test func progressIsAPlainLineOffATerminalAndNothingWithQuiet() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let shown = try cli.run(["run", Self.quickstart(), "--store", dir.file("a.sqlite"), "--fail-on", "never"],
                                env: ["LLMBENCH_PROGRESS_INTERVAL_S": "0"])
        let lines = shown.stderr.split(separator: "\n").filter { $0.contains("/36") }
        #expect(lines.count >= 10, "\(shown.stderr)")
        #expect(lines.allSatisfy { !$0.contains("\u{1B}") && !$0.contains("\r") }, "no terminal codes in a log")
        #expect(lines.last?.hasPrefix("36/36 · 1 errors") == true, "\(lines.last ?? "")")
        #expect(lines.contains { $0.contains("spent") })
        let quiet = try cli.run(["run", Self.quickstart(), "--store", dir.file("b.sqlite"), "--fail-on", "never", "--quiet"],
                                env: ["LLMBENCH_PROGRESS_INTERVAL_S": "0"])
        #expect(!quiet.stderr.contains("/36"))
    }

    @Test func flagsThatWouldChangeAResumedRunAreRefused() throws {
        let cli = CLI()
        let refused = try cli.run(["run", "--resume", "last", "--sample", "3"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--sample cannot be combined with --resume"))
        let none = try cli.run(["run"])
        #expect(none.status == 2 && none.stderr.contains("give the suite file to run, or --resume RUN_ID|last"))
    }
}
