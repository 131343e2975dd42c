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
