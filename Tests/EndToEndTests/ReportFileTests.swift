import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// The report files `run` writes and the reports `report` renders later are read from the same
/// store, result by result, and come out byte for byte the same; a report that cannot be written
/// ends the command without leaving a partial file.
struct ReportFileTests {
    @Test func runAndReportWriteTheSameBytesInEveryFormat() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let store = dir.file("r.sqlite")
        let run = try cli.run(["run", TestPaths.repo("Suites/quickstart.yaml"), "--store", store, "--json", dir.file("run.json"),
                               "--junit", dir.file("run.xml"), "--markdown", dir.file("run.md"), "--concurrency", "4", "--fail-on", "never"])
        #expect(run.status == 0, "\(run.stderr)")
        for (format, file) in [("json", "run.json"), ("junit", "run.xml"), ("markdown", "run.md")] {
            let written = try String(contentsOfFile: dir.file(file), encoding: .utf8)
            let toStdout = try cli.run(["report", "--last", "--format", format, "--store", store])
            #expect(toStdout.status == 0 && toStdout.stdout == written, "report --format \(format) differs from run's \(file)")
            let toFile = try cli.run(["report", "--last", "--format", format, "--store", store, "--output", dir.file("again.\(format)")])
            #expect(toFile.status == 0 && (try? String(contentsOfFile: dir.file("again.\(format)"), encoding: .utf8)) == written)
        }
        let table = try cli.run(["report", "--last", "--store", store])
        #expect(run.stdout == table.stdout, "the table run prints is the one report prints")
        #expect(run.stderr.contains("36 results, "))
    }

    @Test func aReportThatCannotBeWrittenEndsTheCommandAndLeavesNoFile() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let store = dir.file("r.sqlite")
        let suite = dir.write("ok.yaml", "version: 1\nname: ok\nproviders:\n  - {id: a, plugin: mock, model: m}\ntests:\n  - {name: t, prompt: p, expected: x}\n")
        #expect(try cli.run(["run", suite, "--store", store, "--fail-on", "never"]).status == 0)
        let missing = dir.file("no/such/folder/r.json")
        let report = try cli.run(["report", "--last", "--format", "json", "--store", store, "--output", missing])
        #expect(report.status == 3)
        #expect(report.stderr.contains("error: cannot write \(missing): No such file or directory"), "\(report.stderr)")
        let run = try cli.run(["run", suite, "--store", store, "--json", missing])
        #expect(run.status == 3 && run.stderr.contains("cannot write \(missing)"), "\(run.stderr)")
        // A folder in the way: the report is written beside it, then cannot take its place.
        let folder = dir.subdirectory("taken")
        let blocked = try cli.run(["report", "--last", "--format", "junit", "--store", store, "--output", folder])
        #expect(blocked.status == 3 && blocked.stderr.contains("cannot write \(folder)"), "\(blocked.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "temporary files left behind: \(left)")
    }
}
