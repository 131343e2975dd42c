import CLLMBenchPluginABI
import Foundation
import Synchronization

/// Where plugin log lines go when no run is making the call (a plugin's `create`, or a thread of
/// its own): set once by the command-line tool. Lines made during a run's calls go to that run's
/// sink (`RunContext`). Secrets never reach either: plugins never receive the environment, and
/// the engine redacts every prepared run's keys.
public enum PluginLog {
    public struct Line: Sendable {
        public var pluginID: String
        public var level: Int32
        public var message: String
    }

    private static let sink = Mutex<(@Sendable (Line) -> Void)?>(nil)
    private static let redactor = Mutex(SecretRedactor(secrets: []))

    public static func setSink(_ newSink: (@Sendable (Line) -> Void)?) { sink.withLock { $0 = newSink } }

    /// Keys to strip from every line before it reaches the sink.
    static func addSecrets(_ secrets: [String]) {
        redactor.withLock { $0 = SecretRedactor(secrets: $0.secrets + secrets) }
    }

    static func write(_ line: Line) {
        guard let current = sink.withLock({ $0 }) else { return }
        var line = line
        line.message = redactor.withLock { $0 }.redact(line.message)
        current(line)
    }
}

/// Builds each plugin's `llmbench_host`. The context is the plugin id, as a C string.
enum HostTable {
    static func make(pluginID: String) -> UnsafeMutablePointer<llmbench_host> {
        let host = UnsafeMutablePointer<llmbench_host>.allocate(capacity: 1)
        host.initialize(to: llmbench_host())
        host.pointee.abi_major = UInt32(LLMBENCH_ABI_MAJOR)
        host.pointee.abi_minor = UInt32(LLMBENCH_ABI_MINOR)
        host.pointee.struct_size = UInt32(MemoryLayout<llmbench_host>.size)
        host.pointee.context = UnsafeMutableRawPointer(strdup(pluginID))
        host.pointee.log = hostLog
        host.pointee.alloc = hostAlloc
        host.pointee.free = hostFree
        host.pointee.is_cancelled = hostIsCancelled
        host.pointee.http = UnsafePointer(CurlTransport.service)
        return host
    }
}

private let hostLog: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, Int) -> Void = { context, level, message, length in
    let id = context.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "?"
    let text = message.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self) } ?? ""
    let line = PluginLog.Line(pluginID: id, level: level, message: text)
    if let run = CurrentRun.get() { run.log(line) } else { PluginLog.write(line) }
}

private let hostAlloc: @convention(c) (UnsafeMutableRawPointer?, Int) -> UnsafeMutableRawPointer? = { _, size in malloc(max(size, 1)) }

private let hostFree: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = { _, pointer in free(pointer) }

private let hostIsCancelled: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Int32 = { _, hostCall in
    guard let hostCall else { return CurrentRun.get()?.isCancelled == true ? 1 : 0 }
    return Unmanaged<CallCollector>.fromOpaque(hostCall).takeUnretainedValue().isCancelled ? 1 : 0
}
