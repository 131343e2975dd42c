import CLLMBenchPluginABI
import Foundation
import LLMBenchCore
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
        host.pointee.provider_call = hostProviderCall
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

/// ABI 1.2's provider service (`ProviderService`): the run is the one of the scorer's call.
private let hostProviderCall: @convention(c) (
    UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int, Int32, UnsafePointer<CChar>?, Int,
    UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 = { _, hostCall, idPointer, idLength, kind, requestPointer, requestLength, resultOut, resultLength, errorOut in
    resultOut?.pointee = nil
    resultLength?.pointee = 0
    errorOut?.pointee = nil
    let providerID = idPointer.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: idLength), as: UTF8.self) } ?? ""
    let request = requestPointer.map { Array(UnsafeRawBufferPointer(start: $0, count: requestLength)) } ?? []
    let outcome: Result<[UInt8], RequestError>
    if let hostCall {
        let collector = Unmanaged<CallCollector>.fromOpaque(hostCall).takeUnretainedValue()
        outcome = ProviderService.call(run: collector.run, providerID: providerID, kind: kind, request: request,
                                       usage: &collector.outcome.scoring)
    } else {
        outcome = .failure(RequestError(kind: .invalidRequest, message: "provider_call needs the host_call of the score call it is made from"))
    }
    switch outcome {
    case .success(let bytes):
        guard let resultOut, let memory = malloc(max(bytes.count, 1)) else { return Int32(LLMBENCH_ERR_INTERNAL.rawValue) }
        bytes.withUnsafeBytes { if let base = $0.baseAddress { memory.copyMemory(from: base, byteCount: bytes.count) } }
        resultOut.pointee = memory.assumingMemoryBound(to: CChar.self)
        resultLength?.pointee = bytes.count
        return 0
    case .failure(let error):
        errorOut?.pointee = strdup(error.message)
        return error.kind.statusCode
    }
}
