import CLLMBenchPluginABI
import Foundation

/// The engine's services, as a plugin sees them.
public struct PluginHost: @unchecked Sendable {
    let table: UnsafePointer<llmbench_host>

    public enum LogLevel: Int32 { case debug = 0, info, warning, error }

    public func log(_ level: LogLevel, _ message: String) {
        guard let log = table.pointee.log else { return }
        var text = message
        text.withUTF8 { log(table.pointee.context, level.rawValue, UnsafeRawPointer($0.baseAddress)?.assumingMemoryBound(to: CChar.self), $0.count) }
    }

    /// True once the engine wants the whole run to stop.
    public var runCancelled: Bool {
        guard let isCancelled = table.pointee.is_cancelled else { return false }
        return isCancelled(table.pointee.context, nil) != 0
    }

    /// The raw table, for plugins that use services not wrapped here (the HTTP service from ABI 1.1).
    public var rawTable: UnsafePointer<llmbench_host> { table }
}

/// Sends events for one call back to the engine, which stamps each with its monotonic clock.
public final class EventEmitter {
    let call: UnsafePointer<llmbench_call>
    /// False once the engine asked this call to stop.
    public private(set) var shouldContinue = true

    init(call: UnsafePointer<llmbench_call>) { self.call = call }

    @discardableResult
    public func text(_ delta: String) -> Bool { emit(Int32(LLMBENCH_EVENT_TEXT_DELTA.rawValue), delta) }

    @discardableResult
    public func reasoning(_ delta: String) -> Bool { emit(Int32(LLMBENCH_EVENT_REASONING_DELTA.rawValue), delta) }

    @discardableResult
    public func usage(inputTokens: Int, outputTokens: Int, cachedInputTokens: Int? = nil, cacheWriteTokens: Int? = nil,
                      reasoningTokens: Int? = nil, estimated: Bool = false) -> Bool
    {
        var fields = "\"input_tokens\":\(inputTokens),\"output_tokens\":\(outputTokens)"
        if let cachedInputTokens { fields += ",\"cached_input_tokens\":\(cachedInputTokens)" }
        if let cacheWriteTokens { fields += ",\"cache_write_tokens\":\(cacheWriteTokens)" }
        if let reasoningTokens { fields += ",\"reasoning_tokens\":\(reasoningTokens)" }
        if estimated { fields += ",\"estimated\":true" }
        return emit(Int32(LLMBENCH_EVENT_USAGE.rawValue), "{\(fields)}")
    }

    @discardableResult
    public func finish(_ reason: String) -> Bool { emit(Int32(LLMBENCH_EVENT_FINISH.rawValue), reason) }

    func error(_ error: PluginError) {
        emit(Int32(LLMBENCH_EVENT_ERROR.rawValue), error.message, code: error.code.rawValue, httpStatus: Int32(error.httpStatus),
             retryAfterMs: error.retryAfterMs)
    }

    func result(_ json: String) { emit(Int32(LLMBENCH_EVENT_RESULT.rawValue), json) }

    @discardableResult
    private func emit(_ kind: Int32, _ data: String, code: Int32 = 0, httpStatus: Int32 = 0, retryAfterMs: Int64 = -1) -> Bool {
        guard let emit = call.pointee.emit else { return false }
        var text = data
        let goOn = text.withUTF8 { buffer -> Bool in
            var event = llmbench_event(
                abi_major: UInt32(LLMBENCH_ABI_MAJOR), abi_minor: UInt32(LLMBENCH_ABI_MINOR),
                struct_size: UInt32(MemoryLayout<llmbench_event>.size), kind: kind,
                data: UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), data_len: buffer.count,
                error_code: code, http_status: httpStatus, retry_after_ms: retryAfterMs)
            return emit(call.pointee.host_call, &event) == 0
        }
        if !goOn { shouldContinue = false }
        return goOn
    }
}
