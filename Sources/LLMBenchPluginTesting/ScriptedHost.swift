import CLLMBenchPluginABI
import Foundation

/// One HTTP response the scripted host plays back, in the chunks given (the chunk boundaries are
/// the test's, as a network's would be), or a transport failure.
public struct ScriptedResponse {
    public var status: Int32 = 200
    public var headers: [(String, String)] = []
    public var chunks: [[UInt8]] = []
    /// A non-zero llmbench_status makes perform fail like the engine's transport (timeout, network).
    public var transportFailure: Int32 = 0

    public init(status: Int32 = 200, headers: [(String, String)] = [], chunks: [[UInt8]] = [], transportFailure: Int32 = 0) {
        self.status = status
        self.headers = headers
        self.chunks = chunks
        self.transportFailure = transportFailure
    }

    /// A server-sent-events body cut at the given byte offsets.
    public static func events(_ text: String, cuts: [Int] = [], headers: [(String, String)] = []) -> ScriptedResponse {
        ScriptedResponse(status: 200, headers: [("content-type", "text/event-stream")] + headers, chunks: split(Array(text.utf8), at: cuts))
    }

    public static func json(_ text: String, status: Int32 = 200, headers: [(String, String)] = []) -> ScriptedResponse {
        ScriptedResponse(status: status, headers: [("content-type", "application/json")] + headers, chunks: [Array(text.utf8)])
    }

    public static func split(_ bytes: [UInt8], at cuts: [Int]) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var start = 0
        for cut in cuts.sorted() + [bytes.count] where cut > start && cut <= bytes.count {
            chunks.append(Array(bytes[start..<cut]))
            start = cut
        }
        return chunks
    }
}

/// A request the plugin handed to the HTTP service.
public struct RecordedRequest {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: String
    public var streamed: Bool

    public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
}

/// One event the plugin emitted, with the index of the body chunk being delivered when it came
/// (-1: outside any chunk), which is what the engine's arrival stamp would reflect.
public struct EmittedEvent {
    public var kind: Int32
    public var data: String
    public var errorCode: Int32
    public var httpStatus: Int32
    public var retryAfterMs: Int64
    public var chunk: Int
}

/// What one call produced.
public struct PluginCallOutcome {
    public var status: Int32
    public var events: [EmittedEvent]
    public var requests: [RecordedRequest]

    private func joined(_ kind: llmbench_event_kind) -> String { events.filter { $0.kind == Int32(kind.rawValue) }.map(\.data).joined() }
    public var text: String { joined(LLMBENCH_EVENT_TEXT_DELTA) }
    public var reasoning: String { joined(LLMBENCH_EVENT_REASONING_DELTA) }
    public var finish: String? { events.last { $0.kind == Int32(LLMBENCH_EVENT_FINISH.rawValue) }?.data }
    public var usage: [String: Any]? {
        events.last { $0.kind == Int32(LLMBENCH_EVENT_USAGE.rawValue) }
            .flatMap { try? JSONSerialization.jsonObject(with: Data($0.data.utf8)) as? [String: Any] }
    }
    public var result: [String: Any]? {
        events.last { $0.kind == Int32(LLMBENCH_EVENT_RESULT.rawValue) }
            .flatMap { try? JSONSerialization.jsonObject(with: Data($0.data.utf8)) as? [String: Any] }
    }
    public var error: EmittedEvent? { events.last { $0.kind == Int32(LLMBENCH_EVENT_ERROR.rawValue) } }
    /// The deltas in order, as (kind, text), to compare translations across chunkings.
    public var deltas: [String] {
        events.filter { $0.kind == Int32(LLMBENCH_EVENT_TEXT_DELTA.rawValue) || $0.kind == Int32(LLMBENCH_EVENT_REASONING_DELTA.rawValue) }
            .map { ($0.kind == Int32(LLMBENCH_EVENT_TEXT_DELTA.rawValue) ? "text:" : "reasoning:") + $0.data }
    }
}

public enum PluginStatus {
    public static let ok: Int32 = 0
    public static func of(_ status: llmbench_status) -> Int32 { Int32(status.rawValue) }
}

/// A host table whose HTTP service plays scripted responses and records what the plugin sent: the
/// engine's side of the ABI, with no network, so a plugin's translation can be checked exactly.
/// One call at a time (it records into plain arrays); it has no provider service (`provider_call`
/// is NULL), so a scorer that calls providers sees the answer `llmbench score` gives.
public final class ScriptedHost {
    public var responses: [ScriptedResponse]
    public var requests: [RecordedRequest] = []
    public var events: [EmittedEvent] = []
    public var logs: [String] = []
    /// emit() asks the plugin to stop once this many events arrived.
    public var stopAfterEvents = Int.max
    private var currentChunk = -1
    private let service: UnsafeMutablePointer<llmbench_http_service>
    public let table: UnsafeMutablePointer<llmbench_host>

    public init(_ responses: [ScriptedResponse]) {
        self.responses = responses
        service = .allocate(capacity: 1)
        service.initialize(to: llmbench_http_service(
            abi_major: UInt32(LLMBENCH_ABI_MAJOR), abi_minor: UInt32(LLMBENCH_ABI_MINOR),
            struct_size: UInt32(MemoryLayout<llmbench_http_service>.size), reserved0: 0, perform: scriptedPerform))
        table = .allocate(capacity: 1)
        table.initialize(to: llmbench_host(
            abi_major: UInt32(LLMBENCH_ABI_MAJOR), abi_minor: UInt32(LLMBENCH_ABI_MINOR),
            struct_size: UInt32(MemoryLayout<llmbench_host>.size), reserved0: 0, context: nil,
            log: { context, _, message, length in
                guard let context, let message else { return }
                let host = Unmanaged<ScriptedHost>.fromOpaque(context).takeUnretainedValue()
                host.logs.append(String(decoding: UnsafeRawBufferPointer(start: message, count: length), as: UTF8.self))
            },
            alloc: { _, size in malloc(size) }, free: { _, pointer in free(pointer) },
            is_cancelled: { _, _ in 0 }, http: UnsafePointer(service), provider_call: nil))
        table.pointee.context = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        table.deallocate()
        service.deallocate()
    }

    fileprivate func perform(_ request: llmbench_http_request, _ handler: llmbench_http_handler,
                             _ errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
    {
        var headers: [(String, String)] = []
        for i in 0..<request.header_count {
            let h = request.headers[i]
            headers.append((String(decoding: UnsafeRawBufferPointer(start: h.name, count: h.name_len), as: UTF8.self),
                            String(decoding: UnsafeRawBufferPointer(start: h.value, count: h.value_len), as: UTF8.self)))
        }
        requests.append(RecordedRequest(
            method: String(cString: request.method), url: String(cString: request.url), headers: headers,
            body: String(decoding: UnsafeRawBufferPointer(start: request.body, count: request.body_len), as: UTF8.self),
            streamed: request.flags & UInt32(LLMBENCH_HTTP_STREAM) != 0))
        guard !responses.isEmpty else {
            errorOut?.pointee = strdup("the script has no response left")
            return PluginStatus.of(LLMBENCH_ERR_NETWORK)
        }
        let response = responses.removeFirst()
        if response.transportFailure != 0 {
            errorOut?.pointee = strdup("scripted transport failure")
            return response.transportFailure
        }
        let names = response.headers.map { strdup($0.0.lowercased())! }, values = response.headers.map { strdup($0.1)! }
        defer { (names + values).forEach { free($0) } }
        let cHeaders = (0..<names.count).map {
            llmbench_http_header(name: names[$0], name_len: strlen(names[$0]), value: values[$0], value_len: strlen(values[$0]))
        }
        let goOn = cHeaders.withUnsafeBufferPointer { buffer -> Bool in
            var head = llmbench_http_response(
                abi_major: UInt32(LLMBENCH_ABI_MAJOR), abi_minor: UInt32(LLMBENCH_ABI_MINOR),
                struct_size: UInt32(MemoryLayout<llmbench_http_response>.size), status: response.status, http_version: 11, reserved0: 0,
                headers: buffer.baseAddress, header_count: buffer.count)
            return handler.on_response(handler.context, &head) == 0
        }
        guard goOn else { return PluginStatus.of(LLMBENCH_ERR_CANCELLED) }
        defer { currentChunk = -1 }
        for (index, chunk) in response.chunks.enumerated() {
            currentChunk = index
            let stop = chunk.withUnsafeBufferPointer { buffer in
                handler.on_body(handler.context, UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), buffer.count) != 0
            }
            if stop { return PluginStatus.of(LLMBENCH_ERR_CANCELLED) }
        }
        return PluginStatus.ok
    }

    fileprivate func record(_ event: llmbench_event) -> Int32 {
        let data = event.data.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: event.data_len), as: UTF8.self) } ?? ""
        events.append(EmittedEvent(kind: event.kind, data: data, errorCode: event.error_code, httpStatus: event.http_status,
                                   retryAfterMs: event.retry_after_ms, chunk: currentChunk))
        return events.count >= stopAfterEvents ? 1 : 0
    }
}

private let scriptedPerform: @convention(c) (
    UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafePointer<llmbench_http_request>?, UnsafePointer<llmbench_http_handler>?,
    UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 = { context, _, request, handler, errorOut in
    guard let context, let request, let handler else { return PluginStatus.of(LLMBENCH_ERR_INTERNAL) }
    return Unmanaged<ScriptedHost>.fromOpaque(context).takeUnretainedValue().perform(request.pointee, handler.pointee, errorOut)
}

private let scriptedEmit: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<llmbench_event>?) -> Int32 = { hostCall, event in
    guard let hostCall, let event else { return 1 }
    return Unmanaged<ScriptedHost>.fromOpaque(hostCall).takeUnretainedValue().record(event.pointee)
}

/// A built plugin library, loaded as the engine loads it, driven through the C ABI by a
/// `ScriptedHost`: a provider's `complete`/`embed` (`call`) or a scorer's `score`.
public struct PluginLibrary {
    public let table: UnsafePointer<llmbench_plugin>

    /// Loads a plugin library from `path` as the engine does (dlopen RTLD_NOW | RTLD_LOCAL), calls
    /// its entry and keeps the table. The library is never unloaded.
    public static func load(path: String) throws -> PluginLibrary {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw Failure(description: "cannot load \(path): \(String(cString: dlerror()))")
        }
        guard let symbol = dlsym(handle, LLMBENCH_PLUGIN_ENTRY_SYMBOL) else { throw Failure(description: "no entry in \(path)") }
        let entry = unsafeBitCast(symbol, to: llmbench_plugin_entry_fn.self)
        guard let table = entry() else { throw Failure(description: "NULL table from \(path)") }
        return PluginLibrary(table: table)
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    public var id: String { String(cString: table.pointee.id) }
    public var capabilities: UInt64 { table.pointee.capabilities }

    /// Creates an instance from `config`; returns the status and the error message on failure.
    public func create(_ config: [String: Any], host: ScriptedHost) -> (instance: UnsafeMutableRawPointer?, status: Int32, message: String?) {
        let json = Array((try! JSONSerialization.data(withJSONObject: config)))
        var instance: UnsafeMutableRawPointer?
        var message: UnsafeMutablePointer<CChar>?
        let status = json.withUnsafeBufferPointer { buffer in
            table.pointee.create(UnsafePointer(host.table), UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self),
                                 buffer.count, &instance, &message)
        }
        let text = message.map { String(cString: $0) }
        free(message)
        return (instance, status, text)
    }

    /// Creates an instance, runs one completion (or embedding) against the scripted responses, and
    /// destroys the instance.
    public func call(config: [String: Any], request: [String: Any], responses: [ScriptedResponse], embed: Bool = false,
                     stopAfterEvents: Int = .max) throws -> PluginCallOutcome
    {
        try run(config: config, request: request, host: ScriptedHost(responses), stopAfterEvents: stopAfterEvents) { instance, call in
            embed ? table.pointee.embed(instance, call) : table.pointee.complete(instance, call)
        }
    }

    /// Creates a scorer instance with `options`, scores one request (see `scoreRequest`), and
    /// destroys the instance. The answer is the outcome's `result` (or `error`).
    public func score(options: [String: Any] = [:], request: [String: Any]) throws -> PluginCallOutcome {
        try run(config: options, request: request, host: ScriptedHost([]), stopAfterEvents: .max) { instance, call in
            table.pointee.score(instance, call)
        }
    }

    private func run(config: [String: Any], request: [String: Any], host: ScriptedHost, stopAfterEvents: Int,
                     _ entry: (UnsafeMutableRawPointer, UnsafePointer<llmbench_call>) -> Int32) throws -> PluginCallOutcome
    {
        host.stopAfterEvents = stopAfterEvents
        let created = create(config, host: host)
        guard created.status == PluginStatus.ok, let instance = created.instance else {
            throw Failure(description: "create failed (\(created.status)): \(created.message ?? "")")
        }
        defer { table.pointee.destroy(instance) }
        let json = Array(try JSONSerialization.data(withJSONObject: request))
        let status = json.withUnsafeBufferPointer { buffer -> Int32 in
            var call = llmbench_call(
                abi_major: UInt32(LLMBENCH_ABI_MAJOR), abi_minor: UInt32(LLMBENCH_ABI_MINOR),
                struct_size: UInt32(MemoryLayout<llmbench_call>.size), reserved0: 0,
                host_call: Unmanaged.passUnretained(host).toOpaque(),
                request_json: UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), request_len: buffer.count,
                emit: scriptedEmit)
            return entry(instance, &call)
        }
        return withExtendedLifetime(host) { PluginCallOutcome(status: status, events: host.events, requests: host.requests) }
    }
}

/// A score request as the engine sends it (Docs/plugin-abi.md "JSON shapes"); `options` must be
/// those the instance was created with.
public func scoreRequest(output: String, expected: [String] = [], options: [String: Any] = [:], testName: String = "t") -> [String: Any] {
    ["output": output, "expected": expected, "options": options, "test": testName]
}

/// A completion request as the engine sends it.
public func completionRequest(model: String = "m", messages: [(String, String)] = [("user", "Hello")], options: [String: Any] = [:]) -> [String: Any] {
    ["model": model, "messages": messages.map { ["role": $0.0, "content": $0.1] }, "options": options,
     "test": ["name": "t", "category": "c", "expected": [String](), "repeat": 0] as [String: Any]]
}
