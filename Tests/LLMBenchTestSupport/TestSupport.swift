import Foundation

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
        guard let cc = Shell.which("cc") ?? Shell.which("gcc") ?? Shell.which("clang") else {
            throw Failure(description: "no C compiler (cc, gcc or clang) on PATH")
        }
        let result = try Shell.run(cc, ["-shared", "-fPIC", "-Wall", "-Werror", "-I", TestPaths.abiInclude] + flags + ["-o", output] + sources)
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
