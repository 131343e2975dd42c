import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Synchronization
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
        let (store, suite) = try Self.oneRun(cli, dir)
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

    /// `--output /dev/null` once replaced the device with a file (the report was renamed over it). What
    /// is not a file is written in place: a named pipe stays a pipe and its reader gets the report; a
    /// symbolic link stays a link and the file it names gets the report.
    @Test func aPipeOrALinkAsTheOutputIsWrittenThroughNotReplaced() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let store = try Self.oneRun(cli, dir).store
        let expected = try cli.run(["report", "--last", "--format", "csv", "--store", store]).stdout

        let pipe = dir.file("pipe")
        #expect(mkfifo(pipe, 0o600) == 0)
        // The reader opens the pipe and reads to its end on a thread of its own, as `cat pipe` would.
        let received = Mutex<[UInt8]?>(nil), done = DispatchSemaphore(value: 0)
        let reader = Thread {
            var bytes: [UInt8] = []
            let fd = open(pipe, O_RDONLY)
            var chunk = [UInt8](repeating: 0, count: 4096)
            while fd >= 0 {
                let n = read(fd, &chunk, chunk.count)
                guard n > 0 else { break }
                bytes += chunk[..<n]
            }
            if fd >= 0 { close(fd) }
            received.withLock { $0 = bytes }
            done.signal()
        }
        reader.start()
        let toPipe = try cli.run(["report", "--last", "--format", "csv", "--store", store, "--output", pipe])
        #expect(toPipe.status == 0, "\(toPipe.stderr)")
        var info = stat()
        // A replaced pipe never gets a writer: its reader would wait for ever, so the test stops here.
        guard lstat(pipe, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO else {
            Issue.record("the pipe was replaced")
            return
        }
        // The writer has closed the pipe, so the reader reaches its end at once.
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(received.withLock { $0.map { String(decoding: $0, as: UTF8.self) } } == expected)

        let target = dir.write("target.csv", "old")
        let link = dir.file("link.csv")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(try cli.run(["report", "--last", "--format", "csv", "--store", store, "--output", link]).status == 0)
        #expect(lstat(link, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK, "the link was replaced")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == expected)
    }

    /// A store holding one run of a one-test suite, and that suite.
    static func oneRun(_ cli: CLI, _ dir: TemporaryDirectory) throws -> (store: String, suite: String) {
        let store = dir.file("r.sqlite")
        let suite = dir.write("ok.yaml", "version: 1\nname: ok\nproviders:\n  - {id: a, plugin: mock, model: m}\ntests:\n  - {name: t, prompt: p, expected: x}\n")
        #expect(try cli.run(["run", suite, "--store", store, "--fail-on", "never"]).status == 0)
        return (store, suite)
    }
}
