import CLLMBenchPluginABI
import Foundation
import LLMBenchCore

/// Everything one plugin call produced, stamped by the engine's monotonic clock as it arrived.
package struct CallOutcome: Sendable {
    package var status: Int32 = 0
    package var startNs: UInt64 = 0
    package var endNs: UInt64 = 0
    /// First generated content of any kind (text or reasoning).
    package var firstContentNs: UInt64?
    /// First visible text.
    package var firstTextNs: UInt64?
    /// Text and reasoning, together at most `ResponseLimits.answerBytes` (see `appendAnswer`).
    package var text: [UInt8] = []
    package var reasoning: [UInt8] = []
    /// The answer passed its limit and was cut.
    package var truncated = false
    /// Text and reasoning events that carried content: a stream's content chunks, which many servers
    /// send one token each (TokenCounts counts with them when no usage comes).
    package var textChunks = 0
    package var reasoningChunks = 0
    package var usageJSON: String?
    package var finishReason: String?
    package var error: RequestError?
    package var resultJSON: String?
    /// Set when the plugin used the engine's HTTP service.
    package var transport = TransportRecord()
    /// What a scorer's calls to the suite's providers took (ABI 1.2 provider service).
    package var scoring = ScoringUsage()

    /// The call's failure, if it failed: the plugin's error, or one made from its status; with the
    /// transport's Retry-After when the plugin gave none. nil on success.
    package var failure: RequestError? {
        var failure = error
        if failure == nil && status != 0 {
            failure = RequestError(kind: ErrorKind(statusCode: status), message: "the plugin failed with status \(status)")
        }
        if failure?.retryAfterMs == nil { failure?.retryAfterMs = transport.retryAfterMs }
        return failure
    }

    package var outputText: String { String(decoding: text, as: UTF8.self) }
    package var reasoningText: String? { reasoning.isEmpty ? nil : String(decoding: reasoning, as: UTF8.self) }
}

/// Tokens and cost of a scorer's calls to providers; `priced` false once one call had no price.
package struct ScoringUsage: Sendable {
    package var calls = 0
    package var inputTokens = 0
    package var outputTokens = 0
    package var costUSD = 0.0
    package var priced = true

    package mutating func add(_ usage: Usage?, price: PriceEntry?) {
        calls += 1
        guard let usage else {
            priced = false
            return
        }
        inputTokens += usage.inputTokens
        outputTokens += usage.outputTokens
        if let price { costUSD += price.costUSD(usage) } else { priced = false }
    }
}

/// Receives one call's events. Plugins emit from one thread at a time per call (the ABI's contract).
/// What it keeps is bounded (`ResponseLimits`), whatever the plugin emits.
final class CallCollector {
    var outcome = CallOutcome()
    /// This call was asked to stop (its answer passed the limit).
    var cancelled = false
    /// The run the call is made for: its cancel stops the call too.
    let run: RunContext?
    /// The provider's timeouts, for the HTTP service.
    let timeouts: TransportTimeouts
    /// While the plugin reads a body chunk: that chunk's arrival, which stamps the events it emits.
    var chunkArrivalNs: UInt64?
    /// Which timeout fired, for the error message.
    var timeoutReason: String?

    init(timeouts: TransportTimeouts, run: RunContext?) {
        self.timeouts = timeouts
        self.run = run
    }

    var isCancelled: Bool { cancelled || run?.isCancelled == true }

    func receive(_ event: UnsafePointer<llmbench_event>) -> Int32 {
        let now = chunkArrivalNs ?? MonotonicClock.nowNs()
        let e = event.pointee
        let bytes = e.data.map { UnsafeRawBufferPointer(start: $0, count: e.data_len) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
        switch e.kind {
        case Int32(LLMBENCH_EVENT_TEXT_DELTA.rawValue):
            if outcome.firstContentNs == nil { outcome.firstContentNs = now }
            if outcome.firstTextNs == nil && e.data_len > 0 { outcome.firstTextNs = now }
            if e.data_len > 0 { outcome.textChunks += 1 }
            if !outcome.appendAnswer(bytes, reasoning: false) { answerLimitReached() }
        case Int32(LLMBENCH_EVENT_REASONING_DELTA.rawValue):
            if outcome.firstContentNs == nil { outcome.firstContentNs = now }
            if e.data_len > 0 { outcome.reasoningChunks += 1 }
            if !outcome.appendAnswer(bytes, reasoning: true) { answerLimitReached() }
        case Int32(LLMBENCH_EVENT_USAGE.rawValue):
            outcome.usageJSON = String(decoding: bytes, as: UTF8.self)
        case Int32(LLMBENCH_EVENT_FINISH.rawValue):
            outcome.finishReason = UTF8Cut.prefix(bytes, limit: ResponseLimits.finishReasonBytes)
        case Int32(LLMBENCH_EVENT_ERROR.rawValue):
            // The first error wins: it is the cause; later ones are consequences.
            if outcome.error == nil {
                outcome.error = RequestError(
                    kind: ErrorKind(statusCode: e.error_code), message: UTF8Cut.prefix(bytes, limit: ResponseLimits.errorMessageBytes),
                    httpStatus: e.http_status > 0 ? Int(e.http_status) : nil,
                    retryAfterMs: e.retry_after_ms >= 0 ? Int(e.retry_after_ms) : nil)
            }
        case Int32(LLMBENCH_EVENT_RESULT.rawValue):
            outcome.resultJSON = String(decoding: bytes, as: UTF8.self)
        default:
            break // Unknown kinds come from newer plugins; ignoring them keeps old engines working.
        }
        return isCancelled ? 1 : 0
    }

    /// The answer passed its limit: the call fails and is asked to stop (its transfer too).
    private func answerLimitReached() {
        cancelled = true
        if outcome.error == nil {
            let mib = ResponseLimits.answerBytes >> 20
            outcome.error = RequestError(kind: .malformedResponse,
                                         message: "the answer passed \(mib) MiB: the engine kept its first \(mib) MiB (marked truncated) and stopped reading")
        }
    }
}

private let collectorEmit: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<llmbench_event>?) -> Int32 = { hostCall, event in
    guard let hostCall, let event else { return 1 }
    return Unmanaged<CallCollector>.fromOpaque(hostCall).takeUnretainedValue().receive(event)
}

/// The shape of every call in a plugin's table: `complete`, `embed`, `score`, `aggregate`.
typealias PluginCallFunction = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<llmbench_call>?) -> Int32

/// A live plugin instance (a provider entry of a suite, or a scorer with its options).
public final class PluginInstance: @unchecked Sendable {
    public let plugin: LoadedPlugin
    let instance: UnsafeMutableRawPointer

    /// Creates an instance from a JSON config. Throws the plugin's own message on failure.
    public init(plugin: LoadedPlugin, configJSON: String) throws(RequestError) {
        self.plugin = plugin
        var out: UnsafeMutableRawPointer?
        var message: UnsafeMutablePointer<CChar>?
        var config = configJSON
        let status = config.withUTF8 { buffer in
            plugin.table.pointee.create(UnsafePointer(plugin.host), UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self),
                                        buffer.count, &out, &message)
        }
        defer { free(message) }
        guard status == 0, let out else {
            let text = message.map { String(cString: $0) } ?? "the plugin refused its configuration (status \(status))"
            throw RequestError(kind: ErrorKind(statusCode: status), message: text)
        }
        instance = out
    }

    deinit { plugin.table.pointee.destroy(instance) }

    /// A completion (providers). Blocking; call from a worker thread.
    package func complete(requestJSON: [UInt8], timeouts: TransportTimeouts = TransportTimeouts(), run: RunContext? = nil) -> CallOutcome {
        call(plugin.table.pointee.complete, requestJSON, timeouts: timeouts, run: run)
    }

    /// A score (scorers). Blocking.
    package func score(requestJSON: [UInt8], run: RunContext? = nil) -> CallOutcome {
        call(plugin.table.pointee.score, requestJSON, run: run)
    }

    /// A figure for a group of results (scorers whose table has ABI 1.2's `aggregate`); nil when the
    /// plugin has none. Blocking.
    package func aggregate(requestJSON: [UInt8], run: RunContext? = nil) -> CallOutcome? {
        guard let aggregate = plugin.aggregate else { return nil }
        return call(aggregate, requestJSON, run: run)
    }

    /// Embeddings (providers with the capability). Blocking.
    package func embed(requestJSON: [UInt8], timeouts: TransportTimeouts = TransportTimeouts(), run: RunContext? = nil) -> CallOutcome {
        guard let embed = plugin.table.pointee.embed else {
            var outcome = CallOutcome()
            outcome.status = Int32(LLMBENCH_ERR_INVALID_REQUEST.rawValue)
            outcome.error = RequestError(kind: .invalidRequest, message: "plugin '\(plugin.id)' offers no embeddings")
            return outcome
        }
        return call(embed, requestJSON, timeouts: timeouts, run: run)
    }

    private func call(_ function: PluginCallFunction?,
                      _ request: [UInt8], timeouts: TransportTimeouts = TransportTimeouts(), run: RunContext?) -> CallOutcome
    {
        let collector = CallCollector(timeouts: timeouts, run: run)
        guard let function else {
            collector.outcome.status = Int32(LLMBENCH_ERR_INTERNAL.rawValue)
            collector.outcome.error = RequestError(kind: .internal, message: "plugin '\(plugin.id)' lacks this call")
            return collector.outcome
        }
        let hostCall = Unmanaged.passUnretained(collector).toOpaque()
        let status: Int32 = request.withUnsafeBufferPointer { buffer in
            var call = llmbench_call(
                abi_major: UInt32(LLMBENCH_ABI_MAJOR), abi_minor: UInt32(LLMBENCH_ABI_MINOR),
                struct_size: UInt32(MemoryLayout<llmbench_call>.size), reserved0: 0, host_call: hostCall,
                request_json: UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self),
                request_len: buffer.count, emit: collectorEmit)
            let previous = CurrentRun.get()
            CurrentRun.set(run)
            defer { CurrentRun.set(previous) }
            collector.outcome.startNs = MonotonicClock.nowNs()
            let status = function(instance, &call)
            collector.outcome.endNs = MonotonicClock.nowNs()
            return status
        }
        withExtendedLifetime(collector) {}
        collector.outcome.status = status
        if status != 0 && collector.outcome.error == nil {
            collector.outcome.error = RequestError(kind: ErrorKind(statusCode: status), message: "plugin '\(plugin.id)' failed with status \(status) and no message")
        }
        return collector.outcome
    }
}
