import CProcessSandbox
import Foundation

/// Runs a program on generated code: in a fresh workspace, under limits, without network, and
/// never through a shell with the model's text on its command line (the code is a file).
/// Docs/junit-xml.md "Sandbox".
public enum Sandbox {
    public struct Limits: Sendable, Equatable {
        public var wallMs = 30_000
        public var cpuSeconds = 30
        public var memoryBytes: Int64 = 1 << 30
        public var fileBytes: Int64 = 16 << 20
        public var processes = 64
        public var outputBytes = 64 << 10
        public init() {}
    }

    /// Which isolation held for one run; the report says when the network could not be cut.
    public struct Isolation: Sendable, Equatable {
        public var userNamespace: Bool
        public var network: Bool
        public var pidNamespace: Bool
        /// The program ran as nobody (the engine runs as root).
        public var nobody: Bool
        /// RLIMIT_NPROC applies: inside a user namespace, or as nobody.
        public var processLimit: Bool { userNamespace || nobody }

        init(_ bits: Int32) {
            userNamespace = bits & Int32(LBSB_ISOLATION_USER) != 0
            network = bits & Int32(LBSB_ISOLATION_NETWORK) != 0
            pidNamespace = bits & Int32(LBSB_ISOLATION_PID) != 0
            nobody = bits & Int32(LBSB_ISOLATION_NOBODY) != 0
        }

        public var json: [String: Any] {
            ["network": network, "pid_namespace": pidNamespace, "user_namespace": userNamespace, "process_limit": processLimit]
        }
    }

    public enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        case timedOut
        case cancelled
    }

    public struct Outcome: Sendable {
        public var ending: Ending
        public var isolation: Isolation
        public var wallMs: Int
        public var cpuMs: Double
        /// Head and tail, with a marker where the middle was cut.
        public var output: String
        public var outputTotalBytes: Int
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Runs `command` (argv; the first word is found in `environment["PATH"]`) in `workspace`.
    /// `isolate: false` skips the namespaces, to test the fallback. `cancelled` is polled every 50 ms.
    public static func run(_ command: [String], environment: [String: String], workspace: String, limits: Limits,
                           isolate: Bool = true, cancelled: (@Sendable () -> Bool)? = nil) throws(Failure) -> Outcome
    {
        let argv = CStrings(command)
        let envp = CStrings(environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        let box = cancelled.map { Unmanaged.passRetained(CancelBox($0)) }
        defer { box?.release() }
        var result = lbsb_result()
        let status = workspace.withCString { cwd in
            var config = lbsb_config()
            config.argv = UnsafePointer(argv.pointer)
            config.envp = UnsafePointer(envp.pointer)
            config.cwd = cwd
            config.wall_ms = Int64(limits.wallMs)
            config.cpu_seconds = Int64(limits.cpuSeconds)
            config.memory_bytes = limits.memoryBytes
            config.file_bytes = limits.fileBytes
            config.processes = Int64(limits.processes)
            config.output_bytes = Int64(limits.outputBytes)
            config.isolate = isolate ? 1 : 0
            if let box {
                config.cancelled = { context in
                    Unmanaged<CancelBox>.fromOpaque(context!).takeUnretainedValue().check() ? 1 : 0
                }
                config.cancel_context = box.toOpaque()
            }
            return lbsb_run(&config, &result)
        }
        defer { lbsb_result_free(&result) }
        guard status == 0 else {
            throw Failure(description: withUnsafeBytes(of: result.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
        }
        let ending: Ending
        switch result.outcome {
        case LBSB_EXITED: ending = .exited(result.exit_code)
        case LBSB_SIGNALED: ending = .signaled(result.term_signal)
        case LBSB_CANCELLED: ending = .cancelled
        default: ending = .timedOut
        }
        let output = result.output.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: result.output_length), as: UTF8.self) } ?? ""
        return Outcome(ending: ending, isolation: Isolation(result.isolation), wallMs: Int(result.wall_ms),
                       cpuMs: Double(result.cpu_us) / 1000, output: output, outputTotalBytes: Int(result.output_total_bytes))
    }

    /// A signal's name for messages: "SIGXCPU (CPU limit)".
    public static func describe(signal: Int32) -> String {
        switch signal {
        case SIGKILL: "SIGKILL"
        case SIGXCPU: "SIGXCPU (CPU time limit)"
        case SIGXFSZ: "SIGXFSZ (file size limit)"
        case SIGSEGV: "SIGSEGV"
        case SIGABRT: "SIGABRT"
        default: "signal \(signal)"
        }
    }
}

private final class CancelBox {
    let check: @Sendable () -> Bool
    init(_ check: @escaping @Sendable () -> Bool) { self.check = check }
}

/// A NULL-terminated array of C strings that lives as long as this value.
private final class CStrings {
    let pointer: UnsafeMutablePointer<UnsafePointer<CChar>?>
    let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointer = .allocate(capacity: strings.count + 1)
        for (i, string) in strings.enumerated() { pointer[i] = UnsafePointer(strdup(string)) }
        pointer[strings.count] = nil
    }

    deinit {
        for i in 0..<count { free(UnsafeMutablePointer(mutating: pointer[i])) }
        pointer.deallocate()
    }
}

/// A fresh folder for one run of generated code, owned by whoever the sandbox runs as, removed
/// with everything in it (without following links the program made).
public final class Workspace {
    public let path: String

    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(under root: String) throws(Problem) {
        var template = Array((root.hasSuffix("/") ? root : root + "/").utf8CString.dropLast()) + Array("llmbench-grader-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw Problem(description: "cannot make a workspace under \(root): \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
        try handOver(path)
        try makeFolder(".tmp")
    }

    deinit { lbsb_remove_tree(path) }

    /// Writes a file at a relative path inside the workspace, making its folders. Refuses absolute
    /// paths, `..` and empty components: fixture names come from the suite, but are checked all the same.
    public func write(_ relativePath: String, _ contents: String) throws(Problem) {
        guard Self.isPlainRelativePath(relativePath) else {
            throw Problem(description: "the file name '\(relativePath)' must be a relative path without '..', '.' or empty parts")
        }
        var folder = ""
        for part in relativePath.split(separator: "/").dropLast() {
            folder += (folder.isEmpty ? "" : "/") + part
            try makeFolder(folder)
        }
        let full = path + "/" + relativePath
        let fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw Problem(description: "cannot write \(relativePath) in the workspace: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var remaining = contents.utf8.count
        let written = contents.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            var offset = 0
            while remaining > 0 {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, remaining)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
                remaining -= n
            }
            return true
        } ?? false
        guard written else { throw Problem(description: "cannot write \(relativePath) in the workspace: \(String(cString: strerror(errno)))") }
        try handOver(full)
    }

    /// A relative path without `..`, `.` or empty parts: it stays inside the workspace.
    public static func isPlainRelativePath(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("/") && !name.contains("\0")
            && name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    private func makeFolder(_ relative: String) throws(Problem) {
        let full = path + "/" + relative
        if mkdir(full, 0o755) != 0 && errno != EEXIST {
            throw Problem(description: "cannot make \(relative) in the workspace: \(String(cString: strerror(errno)))")
        }
        try handOver(full)
    }

    /// The sandbox's program must be able to write here (pytest writes its report and caches).
    private func handOver(_ full: String) throws(Problem) {
        var uid: UInt32 = 0
        var gid: UInt32 = 0
        lbsb_sandbox_owner(&uid, &gid)
        if uid != geteuid() || gid != getegid(), lchown(full, uid, gid) != 0 {
            throw Problem(description: "cannot hand the workspace to the sandbox's user: \(String(cString: strerror(errno)))")
        }
    }
}
