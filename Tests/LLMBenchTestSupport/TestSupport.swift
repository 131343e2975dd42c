import Foundation
import LLMBenchCore

/// Where things are when tests run: the repository (from this file's path) and the build folder
/// (the folder of the running test binary, where SwiftPM also puts the plugins and `llmbench`).
public enum TestPaths {
    public static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static let buildDir: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // On macOS the test binary sits inside a bundle: .build/debug/X.xctest/Contents/MacOS/X.
        while dir.path.contains(".xctest") { dir.deleteLastPathComponent() }
        return dir.path
    }()

    public static var llmbench: String { (buildDir as NSString).appendingPathComponent("llmbench") }
    public static var abiInclude: String { (repoRoot as NSString).appendingPathComponent("Sources/CLLMBenchPluginABI/include") }
    public static func repo(_ relative: String) -> String { (repoRoot as NSString).appendingPathComponent(relative) }

    /// The library file of a built-in plugin product.
    public static func builtPlugin(_ product: String) -> String {
        (buildDir as NSString).appendingPathComponent("lib\(product).so")
    }
}

/// A fresh folder under the system temporary folder, removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "llmbench-test") {
        let base = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let target = file(name)
        try? FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    public func subdirectory(_ name: String) -> String {
        let dir = file(name)
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// A finished child process and the most memory it held.
public struct MeasuredProcess: Sendable {
    /// The exit status; 128 + the signal when a signal ended it.
    public var status: Int32
    /// Its peak resident set, in bytes, from its own rusage (not its children's, not the tests').
    public var peakResidentBytes: Int
    /// It ran past its deadline and was killed.
    public var timedOut: Bool
    public var stdout: String
    public var stderr: String
}

/// The environment a test gives the `llmbench` it runs: the caller's, with a private HOME and none
/// of the developer's own set-up (plugin and price paths, API keys).
public enum TestEnvironment {
    public static func isolated(home: String, adding extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home
        for name in ["LLMBENCH_PLUGIN_PATH", "LLMBENCH_PRICING_PATH", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"] {
            env.removeValue(forKey: name)
        }
        return env.merging(extra) { _, new in new }
    }
}

public enum Shell {
    /// Runs a program to completion. Output is drained on other threads so large outputs cannot block it.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           stdin: String? = nil, directory: String? = nil) throws -> ProcessResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        let outData = Drain(out.fileHandleForReading), errData = Drain(err.fileHandleForReading)
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, stdout: outData.wait(), stderr: errData.wait())
    }

    /// Runs a program to completion, its output going to files in `directory`, and reads its own
    /// peak resident memory, through `Tests/Fixtures/peak-rss/peak_rss.c` (built here with the
    /// system compiler; it says why). Killed with its helper, and reported `timedOut`, after
    /// `timeoutSeconds`.
    public static func runMeasuringMemory(_ executable: String, _ arguments: [String], environment: [String: String],
                                          directory: TemporaryDirectory, timeoutSeconds: Double) throws -> MeasuredProcess
    {
        let helper = directory.file("peak_rss"), peakFile = directory.file("peak-kib.txt")
        try CCompiler.executable(sources: [TestPaths.repo("Tests/Fixtures/peak-rss/peak_rss.c")], output: helper)
        let outPath = directory.file("stdout.txt"), errPath = directory.file("stderr.txt")
        #if os(Linux)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Its own process group, so that a timeout kills the helper and the program together.
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv = ([helper, peakFile, executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, helper, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw SpawnFailure(description: "cannot start \(helper): \(String(cString: strerror(spawned)))") }

        final class Exit: @unchecked Sendable {
            var status: Int32 = 0
            let done = DispatchSemaphore(value: 0)
        }
        let exit = Exit()
        let child = pid
        Thread {
            while waitpid(child, &exit.status, 0) < 0 && errno == EINTR {}
            exit.done.signal()
        }.start()
        let timedOut = exit.done.wait(timeout: .now() + timeoutSeconds) == .timedOut
        if timedOut {
            kill(-child, SIGKILL)
            exit.done.wait()
        }
        let raw = exit.status
        let status = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        // ru_maxrss is in KiB on Linux; 0 when the helper could not report it.
        let peakKiB = Int(read(peakFile).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        return MeasuredProcess(status: status, peakResidentBytes: peakKiB * 1024, timedOut: timedOut, stdout: read(outPath), stderr: read(errPath))
    }

    public struct SpawnFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Looks a program up on PATH.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private final class Drain: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)
        init(_ handle: FileHandle) {
            Thread {
                self.data = handle.readDataToEndOfFile()
                self.done.signal()
            }.start()
        }
        func wait() -> String {
            done.wait()
            return String(decoding: data, as: UTF8.self)
        }
    }
}

public enum CCompiler {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Compiles C sources into a shared library with the system compiler, against the ABI header alone.
    public static func sharedLibrary(sources: [String], output: String, flags: [String] = []) throws {
        try compile(["-shared", "-fPIC", "-I", TestPaths.abiInclude] + flags, sources: sources, output: output)
    }

    /// Compiles C sources into a program.
    public static func executable(sources: [String], output: String) throws {
        try compile([], sources: sources, output: output)
    }

    private static func compile(_ flags: [String], sources: [String], output: String) throws {
        guard let cc = Shell.which("cc") ?? Shell.which("gcc") ?? Shell.which("clang") else {
            throw Failure(description: "no C compiler (cc, gcc or clang) on PATH")
        }
        let result = try Shell.run(cc, ["-Wall", "-Werror"] + flags + ["-o", output] + sources)
        guard result.status == 0 else { throw Failure(description: "cc failed: \(result.stderr)") }
    }
}

/// Suites written to hurt (issue 7), for the parser's tests and the command line's.
public enum HostileYAML {
    /// `x0: &a0 lol`, then `levels` lines `xi: &ai [*a(i-1) × 10]`: 10^levels leaves when expanded.
    public static func aliasBomb(levels: Int, indent: String) -> String {
        var lines = ["\(indent)x0: &a0 lol"]
        for i in 1...levels {
            lines.append("\(indent)x\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n")
    }

    /// A bomb in a provider's options (its first alias at 10:16). The unknown top-level key
    /// `colour` would be reported by anything that composed the file.
    public static func bombInOptions(levels: Int) -> String {
        """
        version: 1
        name: bomb
        colour: red
        providers:
          - id: a
            plugin: mock
            model: m
            options:
        \(aliasBomb(levels: levels, indent: "      "))
        tests:
          - {name: t, prompt: p}
        """
    }

    /// A valid suite of about `bytes` bytes whose key `name` is given twice, on lines 2 and 3.
    public static func hugeSuiteWithADuplicate(bytes: Int) -> String {
        var lines = ["version: 1", "name: big", "name: again", "providers:", "  - {id: a, plugin: mock, model: m}", "tests:"]
        var size = 0, i = 0
        while size < bytes {
            let line = "  - {name: t\(i), prompt: 'What is \(i) plus \(i)? Answer with digits only, please.', expected: '\(2 * i)'}"
            lines.append(line)
            size += line.utf8.count + 1
            i += 1
        }
        return lines.joined(separator: "\n")
    }
}

/// A Swift string as a JSON string literal, which is also a YAML double-quoted scalar: for
/// writing arbitrary text (markup, newlines, quotes) into a suite file.
public enum YAMLQuoting {
    public static func quoted(_ text: String) -> String {
        var writer = JSONWriter()
        writer.string(text)
        return writer.text
    }
}
