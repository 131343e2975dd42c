import CCurl
import CLLMBenchPluginABI
import Foundation
import LLMBenchCore

/// The engine's HTTP service on libcurl, offered to plugins as `host->http`.
///
/// One easy handle per worker thread, driven through that thread's own multi handle: the multi
/// handle keeps the thread's connections alive between requests (reuse) and lets the engine wait
/// with `curl_multi_poll` for exactly as long as the first-byte and between-chunk timeouts allow,
/// which libcurl's easy interface cannot do below one second. Callbacks run on the calling thread,
/// so the plugin's events are emitted where its call runs (Docs/http.md).
enum CurlTransport {
    static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    nonisolated(unsafe) static let service: UnsafeMutablePointer<llmbench_http_service> = {
        _ = globalInit
        let service = UnsafeMutablePointer<llmbench_http_service>.allocate(capacity: 1)
        service.initialize(to: llmbench_http_service(
            abi_major: UInt32(LLMBENCH_ABI_MAJOR), abi_minor: UInt32(LLMBENCH_ABI_MINOR),
            struct_size: UInt32(MemoryLayout<llmbench_http_service>.size), reserved0: 0, perform: performEntry))
        return service
    }()
}

/// A worker thread's curl handles, made on first use and kept for the thread's life.
final class CurlSession {
    let easy: UnsafeMutableRawPointer
    let multi: UnsafeMutableRawPointer

    private init() {
        _ = CurlTransport.globalInit
        easy = curl_easy_init()
        multi = curl_multi_init()
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_multi_cleanup(multi)
    }

    private static let key = "llmbench.curl-session"

    static var current: CurlSession {
        let dictionary = Thread.current.threadDictionary
        if let session = dictionary[key] as? CurlSession { return session }
        let session = CurlSession()
        dictionary[key] = session
        return session
    }
}

/// State of one transfer, reached from curl's callbacks through their userdata pointer.
final class Transfer {
    let collector: CallCollector
    let handler: llmbench_http_handler
    var headers: [(String, String)] = []
    var deliveredResponse = false
    var aborted = false
    var easy: UnsafeMutableRawPointer
    let streamed: Bool
    /// The most body bytes handed to the plugin (`ResponseLimits`).
    var maxBodyBytes: Int { streamed ? ResponseLimits.streamBytes : ResponseLimits.bodyBytes }
    var bodyBytes = 0
    var headerBytes = 0
    /// Set when the response passed a size limit: why the engine stopped it.
    var overLimit: String?

    init(collector: CallCollector, handler: llmbench_http_handler, easy: UnsafeMutableRawPointer, streamed: Bool) {
        self.collector = collector
        self.handler = handler
        self.easy = easy
        self.streamed = streamed
    }

    /// Why a body that passed `maxBodyBytes` was stopped, for the error message.
    var bodyLimitMessage: String {
        let kind = streamed ? "streamed response" : "response body"
        return "\(kind) larger than \(maxBodyBytes >> 20) MiB: the engine stopped reading it"
    }

    /// Hands status and headers to the plugin once, before the first body byte (or at the end).
    func deliverResponse() -> Bool {
        guard !deliveredResponse else { return true }
        deliveredResponse = true
        var code = 0, version = 0
        _ = llmbench_curl_get_long(easy, CURLINFO_RESPONSE_CODE, &code)
        _ = llmbench_curl_get_long(easy, CURLINFO_HTTP_VERSION, &version)
        collector.outcome.transport.status = code
        collector.outcome.transport.httpVersion = Self.version(version)
        for (name, value) in headers where name == "retry-after" {
            collector.outcome.transport.retryAfterMs = RetryAfter.milliseconds(value, nowUnix: WallClock.nowUnix())
        }
        guard let onResponse = handler.on_response else { return true }
        return Self.withCHeaders(headers) { list, count in
            var response = llmbench_http_response(
                abi_major: UInt32(LLMBENCH_ABI_MAJOR), abi_minor: UInt32(LLMBENCH_ABI_MINOR),
                struct_size: UInt32(MemoryLayout<llmbench_http_response>.size), status: Int32(code),
                http_version: Int32(Self.version(version)), reserved0: 0, headers: list, header_count: count)
            return onResponse(handler.context, &response) == 0
        }
    }

    static func version(_ curlVersion: Int) -> Int {
        switch curlVersion {
        case CURL_HTTP_VERSION_1_0: return 10
        case CURL_HTTP_VERSION_1_1: return 11
        case CURL_HTTP_VERSION_2_0: return 20
        case CURL_HTTP_VERSION_3: return 30
        default: return 0
        }
    }

    static func withCHeaders<T>(_ headers: [(String, String)], _ body: (UnsafePointer<llmbench_http_header>?, Int) -> T) -> T {
        let storage = headers.map { (Array($0.0.utf8), Array($0.1.utf8)) }
        var list: [llmbench_http_header] = []
        list.reserveCapacity(storage.count)
        return withExtendedLifetime(storage) {
            for (name, value) in storage {
                name.withUnsafeBufferPointer { n in
                    value.withUnsafeBufferPointer { v in
                        list.append(llmbench_http_header(
                            name: UnsafeRawPointer(n.baseAddress)?.assumingMemoryBound(to: CChar.self), name_len: n.count,
                            value: UnsafeRawPointer(v.baseAddress)?.assumingMemoryBound(to: CChar.self), value_len: v.count))
                    }
                }
            }
            return list.withUnsafeBufferPointer { body($0.baseAddress, $0.count) }
        }
    }
}

private let writeCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let now = MonotonicClock.nowNs()
    let collector = transfer.collector
    if collector.outcome.transport.firstByteNs == nil { collector.outcome.transport.firstByteNs = now }
    collector.outcome.transport.lastByteNs = now
    collector.outcome.transport.stampChunk(now)
    guard transfer.deliverResponse(), !collector.isCancelled else {
        transfer.aborted = true
        return 0
    }
    // The chunk that would pass the limit never reaches the plugin, so nothing it buffers can.
    transfer.bodyBytes += length
    guard transfer.bodyBytes <= transfer.maxBodyBytes else {
        transfer.overLimit = transfer.bodyLimitMessage
        transfer.aborted = true
        return 0
    }
    guard let onBody = transfer.handler.on_body, length > 0 else { return length }
    // Events the plugin emits while reading this chunk carry the chunk's arrival time.
    collector.chunkArrivalNs = now
    defer { collector.chunkArrivalNs = nil }
    if onBody(transfer.handler.context, data, length) != 0 {
        transfer.aborted = true
        return 0
    }
    return length
}

private let headerCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata, let data else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    transfer.headerBytes += length
    guard transfer.headerBytes <= ResponseLimits.headerBytes else {
        transfer.overLimit = "response headers larger than \(ResponseLimits.headerBytes >> 20) MiB: the engine stopped reading them"
        transfer.aborted = true
        return 0
    }
    // Byte-level: this runs for every header line of every response.
    let line = UnsafeRawBufferPointer(start: data, count: length)
    func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
    if length >= 5, line[0] == UInt8(ascii: "H"), line[1] == UInt8(ascii: "T"), line[2] == UInt8(ascii: "T"), line[3] == UInt8(ascii: "P"),
       line[4] == UInt8(ascii: "/")
    {
        transfer.headers.removeAll() // a new response (after 100 Continue or a redirect)
    } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
        var start = colon + 1, end = length
        while start < end && isSpace(line[start]) { start += 1 }
        while end > start && isSpace(line[end - 1]) { end -= 1 }
        let name = String(decoding: line[0..<colon], as: UTF8.self).lowercased()
        transfer.headers.append((name, String(decoding: line[start..<end], as: UTF8.self)))
    }
    return length
}

private let performEntry: @convention(c) (
    UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafePointer<llmbench_http_request>?, UnsafePointer<llmbench_http_handler>?,
    UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 = { _, hostCall, request, handler, errorOut in
    errorOut?.pointee = nil
    guard let hostCall, let request, let handler else { return Int32(LLMBENCH_ERR_INVALID_REQUEST.rawValue) }
    let collector = Unmanaged<CallCollector>.fromOpaque(hostCall).takeUnretainedValue()
    let status = CurlPerform.run(collector: collector, request: request.pointee, handler: handler.pointee)
    if status != 0, let errorOut, let message = collector.outcome.error?.message {
        errorOut.pointee = strdup(message)
    }
    return status
}

nonisolated(unsafe) private let emptyBody: UnsafePointer<CChar> = UnsafePointer(strdup(""))

enum CurlPerform {
    /// One request on this thread's handles. Records timings, transport figures and, on failure, the error.
    static func run(collector: CallCollector, request: llmbench_http_request, handler: llmbench_http_handler) -> Int32 {
        let session = CurlSession.current
        let easy = session.easy
        let timeouts = collector.timeouts
        let streamed = request.flags & LLMBENCH_HTTP_STREAM != 0
        curl_easy_reset(easy)
        _ = llmbench_curl_set_pointer(easy, CURLOPT_URL, request.url)
        _ = llmbench_curl_set_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = llmbench_curl_set_long(easy, CURLOPT_TCP_NODELAY, 1)
        _ = llmbench_curl_set_long(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        _ = llmbench_curl_set_long(easy, CURLOPT_CONNECTTIMEOUT_MS, timeouts.connectMs)
        _ = llmbench_curl_set_long(easy, CURLOPT_TIMEOUT_MS, timeouts.totalMs)
        _ = llmbench_curl_set_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        _ = llmbench_curl_set_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        let method = request.method.map { String(cString: $0) } ?? "POST"
        if method == "POST" {
            _ = llmbench_curl_set_long(easy, CURLOPT_POST, 1)
            _ = llmbench_curl_set_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body_len))
            // The body is borrowed for the duration of perform, which outlasts the transfer.
            _ = llmbench_curl_set_pointer(easy, CURLOPT_POSTFIELDS, request.body ?? emptyBody)
        } else if method != "GET" {
            _ = llmbench_curl_set_pointer(easy, CURLOPT_CUSTOMREQUEST, request.method)
        }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for i in 0..<request.header_count {
            let h = request.headers[i]
            let name = String(decoding: UnsafeRawBufferPointer(start: h.name, count: h.name_len), as: UTF8.self)
            let value = String(decoding: UnsafeRawBufferPointer(start: h.value, count: h.value_len), as: UTF8.self)
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        // libcurl adds "Expect: 100-continue" to large POSTs; it costs a round trip for nothing here.
        headerList = curl_slist_append(headerList, "Expect:")
        defer { curl_slist_free_all(headerList) }
        _ = llmbench_curl_set_pointer(easy, CURLOPT_HTTPHEADER, headerList)

        let transfer = Transfer(collector: collector, handler: handler, easy: session.easy, streamed: streamed)
        // libcurl refuses a declared Content-Length over the limit before any body byte; the write
        // callback counts what arrives without one.
        _ = llmbench_curl_set_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(transfer.maxBodyBytes))
        let userdata = Unmanaged.passUnretained(transfer).toOpaque()
        _ = llmbench_curl_set_write(easy, CURLOPT_WRITEFUNCTION, writeCallback)
        _ = llmbench_curl_set_pointer(easy, CURLOPT_WRITEDATA, userdata)
        _ = llmbench_curl_set_write(easy, CURLOPT_HEADERFUNCTION, headerCallback)
        _ = llmbench_curl_set_pointer(easy, CURLOPT_HEADERDATA, userdata)
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        collector.outcome.transport = TransportRecord()
        collector.outcome.transport.streamed = streamed
        let result: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { buffer in
            _ = llmbench_curl_set_pointer(easy, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            let start = MonotonicClock.nowNs()
            collector.outcome.transport.requestStartNs = start
            return drive(session: session, transfer: transfer, timeouts: timeouts, streamed: streamed, start: start)
        }
        withExtendedLifetime(transfer) {}
        var connects = 0, uploaded: curl_off_t = 0, requestSize = 0, downloaded: curl_off_t = 0, headerSize = 0
        _ = llmbench_curl_get_long(easy, CURLINFO_NUM_CONNECTS, &connects)
        _ = llmbench_curl_get_off(easy, CURLINFO_SIZE_UPLOAD_T, &uploaded)
        _ = llmbench_curl_get_long(easy, CURLINFO_REQUEST_SIZE, &requestSize)
        _ = llmbench_curl_get_off(easy, CURLINFO_SIZE_DOWNLOAD_T, &downloaded)
        _ = llmbench_curl_get_long(easy, CURLINFO_HEADER_SIZE, &headerSize)
        collector.outcome.transport.reusedConnection = connects == 0
        collector.outcome.transport.bytesOut = requestSize + Int(uploaded)
        collector.outcome.transport.bytesIn = headerSize + Int(downloaded)

        // A transfer the plugin stopped (it found the body wrong, or has what it needs) is the
        // plugin's to report: it returns its own error. Only a stop the engine asked for is recorded here.
        if result == CURLE_OK {
            return transfer.deliverResponse() ? 0 : Int32(LLMBENCH_ERR_CANCELLED.rawValue)
        }
        if let overLimit = transfer.overLimit { return fail(collector, .malformedResponse, overLimit) }
        if result == CURLE_FILESIZE_EXCEEDED { return fail(collector, .malformedResponse, transfer.bodyLimitMessage) }
        if transfer.aborted {
            if collector.run?.isCancelled == true { return fail(collector, .cancelled, "the run was cancelled") }
            return Int32(LLMBENCH_ERR_CANCELLED.rawValue)
        }
        let bufferText = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let detail = bufferText.isEmpty ? String(cString: curl_easy_strerror(result)) : bufferText
        switch result {
        case CURLE_OPERATION_TIMEDOUT:
            let kind = collector.timeoutReason ?? "the total timeout of \(timeouts.totalMs) ms"
            return fail(collector, .timeout, "timed out: \(kind) (\(detail))")
        default:
            return fail(collector, .network, "\(detail) (curl error \(result.rawValue))")
        }
    }

    /// Runs the transfer on this thread's multi handle, waking for data or for the nearest deadline.
    static func drive(session: CurlSession, transfer: Transfer, timeouts: TransportTimeouts, streamed: Bool, start: UInt64) -> CURLcode {
        let multi = session.multi
        let easy = session.easy
        curl_multi_add_handle(multi, easy)
        defer { curl_multi_remove_handle(multi, easy) }
        var running: Int32 = 1
        let collector = transfer.collector
        while true {
            curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                if message.pointee.msg == CURLMSG_DONE { return message.pointee.data.result }
            }
            if running == 0 { return CURLE_OK }
            let now = MonotonicClock.nowNs()
            let deadline: UInt64
            if let last = collector.outcome.transport.lastByteNs {
                // Between chunks of a stream; a non-streamed body is bounded by the total timeout only.
                deadline = streamed ? last + UInt64(timeouts.idleMs) * 1_000_000 : UInt64.max
                if streamed, now >= deadline {
                    collector.timeoutReason = "no data for \(timeouts.idleMs) ms between chunks"
                    return CURLE_OPERATION_TIMEDOUT
                }
            } else {
                deadline = start + UInt64(timeouts.firstByteMs) * 1_000_000
                if now >= deadline {
                    collector.timeoutReason = "no first byte within \(timeouts.firstByteMs) ms"
                    return CURLE_OPERATION_TIMEDOUT
                }
            }
            if collector.isCancelled {
                transfer.aborted = true
                return CURLE_ABORTED_BY_CALLBACK
            }
            let waitMs = deadline == UInt64.max ? 1000 : min(1000, Int32((deadline - now) / 1_000_000) + 1)
            curl_multi_poll(multi, nil, 0, waitMs, nil)
        }
    }

    private static func fail(_ collector: CallCollector, _ kind: ErrorKind, _ message: String) -> Int32 {
        if collector.outcome.error == nil { collector.outcome.error = RequestError(kind: kind, message: message) }
        switch kind {
        case .timeout: return Int32(LLMBENCH_ERR_TIMEOUT.rawValue)
        case .cancelled: return Int32(LLMBENCH_ERR_CANCELLED.rawValue)
        case .malformedResponse: return Int32(LLMBENCH_ERR_MALFORMED_RESPONSE.rawValue)
        default: return Int32(LLMBENCH_ERR_NETWORK.rawValue)
        }
    }
}
