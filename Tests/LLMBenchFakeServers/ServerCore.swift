import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The listening socket, the threads and the request handling behind `FakeProviderServer`.
/// Thread-safe: the shared state (records, live connections, fail_times counts) is under `lock`.
final class ServerCore: @unchecked Sendable {
    let port: UInt16
    private let wire: any WireFormat
    private let listenFD: Int32
    private let keepsRecords: Bool
    private let lock = NSLock()
    private var stopped = false
    private var acceptThread: pthread_t?
    private var liveConnections = Set<Int32>()
    private var storedRecords: [RequestRecord] = []
    /// Requests seen per model name and prompt, for `fail_times`.
    private var attempts: [String: Int] = [:]
    /// Per model name: the current rate-limit window's number and the requests it let through.
    private var windows: [String: (index: UInt64, used: Int)] = [:]
    private var nextSerial = 0
    private let startNs = MonotonicClock.nowNs()

    /// Per-connection thread stack; requests parse small JSON bodies and need little.
    private static let threadStackBytes = 512 * 1024

    init(wire: any WireFormat, port: UInt16, keepsRecords: Bool) throws {
        self.wire = wire
        self.keepsRecords = keepsRecords
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw FakeServerStartError(description: "socket() failed: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 4096) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw FakeServerStartError(description: "cannot listen on 127.0.0.1:\(port): \(reason)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        listenFD = fd
        self.port = UInt16(bigEndian: address.sin_port)
        acceptThread = try spawn { [self] in acceptLoop() }
    }

    func stop() {
        lock.lock()
        if stopped {
            lock.unlock()
            return
        }
        stopped = true
        // shutdown() wakes threads blocked in accept() and recv(); each closes its own descriptor.
        shutdown(listenFD, Int32(SHUT_RDWR))
        for fd in liveConnections { shutdown(fd, Int32(SHUT_RDWR)) }
        let thread = acceptThread
        lock.unlock()
        if let thread { pthread_join(thread, nil) }
        close(listenFD)
    }

    func records() -> [RequestRecord] {
        lock.lock()
        defer { lock.unlock() }
        return storedRecords
    }

    // MARK: - Threads

    private final class ThreadBody {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    private func spawn(_ body: @escaping () -> Void) throws -> pthread_t {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, ServerCore.threadStackBytes)
        let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let result = pthread_create(&thread, &attributes, { context in
            let body = Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            throw FakeServerStartError(description: "pthread_create failed: \(String(cString: strerror(result)))")
        }
        #if canImport(Glibc)
        return thread
        #else
        return thread!
        #endif
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if isStopped { return }
                if errno == EMFILE || errno == ENFILE {
                    // Out of descriptors: give the open connections a moment to finish.
                    MonotonicClock.sleep(untilNs: MonotonicClock.nowNs() + 1_000_000)
                }
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            lock.lock()
            if stopped {
                lock.unlock()
                close(fd)
                return
            }
            liveConnections.insert(fd)
            lock.unlock()
            do {
                let thread = try spawn { [self] in serve(Connection(fd: fd)) }
                pthread_detach(thread)
            } catch {
                forget(fd)
            }
        }
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func forget(_ fd: Int32) {
        lock.lock()
        liveConnections.remove(fd)
        lock.unlock()
        close(fd)
    }

    // MARK: - Requests

    private func serve(_ connection: Connection) {
        defer { forget(connection.fd) }
        while true {
            switch connection.readRequest() {
            case .closed:
                return
            case .malformed(let reason):
                connection.write(Array("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: \(reason.utf8.count)\r\nConnection: close\r\n\r\n\(reason)".utf8))
                return
            case .request(let request):
                let keepOpen = handle(request, on: connection)
                if !keepOpen || !request.keepAlive || connection.broken { return }
            }
        }
    }

    /// Answers one request; false when the connection must not be reused.
    private func handle(_ request: HTTPRequest, on connection: Connection) -> Bool {
        let exchange = Exchange(connection: connection, request: request, commonHeaders: wire.commonHeaders)
        if keepsRecords {
            let slot = reserveRecordSlot(exchange.record)
            exchange.publish = { [self] record in store(record, at: slot) }
        }
        var call: Call
        switch wire.decode(request) {
        case .failure(let reply):
            exchange.respond(status: reply.status, headers: reply.headers, body: reply.body)
            return true
        case .success(let decoded):
            call = decoded
        }
        exchange.record.model = call.model
        switch call {
        case .chat(let chat):
            exchange.record.prompt = chat.prompt
            exchange.record.systemPrompt = chat.systemPrompt
        case .embed(let embed):
            exchange.record.prompt = embed.inputs.last
        }
        exchange.record.scenario = call.scenario
        if let limit = call.scenario.limit, let waitMs = overLimit(limit, windowMs: call.scenario.windowMs, model: call.model) {
            var limited = call.scenario
            limited.retryAfterSeconds = (waitMs + 999) / 1000
            var reply = wire.errorReply(status: 429, scenario: limited, model: call.model)
            reply.headers.append(("retry-after-ms", String(waitMs)))
            exchange.publishRecord()
            exchange.respond(status: reply.status, headers: reply.headers, body: reply.body)
            return true
        }
        if call.scenario.serial, case .chat = call {
            lock.lock()
            let serial = nextSerial
            nextSerial += 1
            lock.unlock()
            call.scenario.text = "answer-\(serial)"
            exchange.record.serial = serial
        }
        // Past its fail_times the fault is gone, for the wire formats too (no_usage, huge, safety).
        let fault = activeFault(call.scenario, model: call.model, prompt: exchange.record.prompt ?? "")
        call.scenario.fault = fault
        let scenario = call.scenario
        exchange.publishRecord()

        if let fault {
            if let status = fault.status {
                MonotonicClock.sleep(untilNs: request.completeNs + UInt64(scenario.ttftMs) * 1_000_000)
                let reply = wire.errorReply(status: status, scenario: scenario, model: call.model)
                exchange.respond(status: reply.status, headers: reply.headers, body: reply.body)
                return true
            }
            switch fault {
            case .hang:
                connection.waitForPeerClose()
                return false
            case .contentType:
                exchange.respond(status: 200, contentType: "text/html; charset=utf-8",
                                 body: Array("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n".utf8))
                return true
            default:
                break
            }
        }
        switch call {
        case .embed(let embed):
            MonotonicClock.sleep(untilNs: request.completeNs + UInt64(scenario.ttftMs) * 1_000_000)
            exchange.respond(status: 200, body: wire.embeddingBody(for: embed), carriesContent: true)
            return true
        case .chat(let chat):
            var generation = Generation(scenario: scenario, maxTokens: chat.maxTokens, stops: chat.stops, promptCharacters: chat.promptCharacters)
            if fault == .safety && wire.blocksForSafety {
                generation.pieces = []
                generation.usage?.output = 0
                generation.usage?.reasoning = 0
            }
            return chat.stream
                ? stream(chat, generation, fault: fault, exchange: exchange)
                : complete(chat, generation, fault: fault, exchange: exchange)
        }
    }

    private func stream(_ call: ChatCall, _ generation: Generation, fault: Scenario.Fault?, exchange: Exchange) -> Bool {
        var renderer = wire.streamRenderer(for: call, generation: generation)
        exchange.startStream(contentType: call.jsonArrayStream ? "application/json" : "text/event-stream")
        for event in renderer.opening() { exchange.sendChunk(event) }
        if fault == .endlessLine {
            MonotonicClock.sleep(untilNs: generation.deadlineNs(ofPiece: 0, requestCompleteNs: exchange.request.completeNs))
            exchange.sendChunk(renderer.unterminatedEvent(), carriesContent: true)
            return sendFiller(call.scenario.hugeBytes, exchange: exchange)
        }
        for index in generation.pieces.indices {
            if fault == .reset && index == call.scenario.resetAfter {
                exchange.reset()
                return false
            }
            MonotonicClock.sleep(untilNs: generation.deadlineNs(ofPiece: index, requestCompleteNs: exchange.request.completeNs))
            let events = renderer.content(index)
            for (position, event) in events.enumerated() {
                exchange.sendChunk(event, carriesContent: position == events.count - 1)
            }
            if exchange.connection.broken { return false }
            if index == 0 && fault == .malformed { exchange.sendChunk(renderer.malformedEvent()) }
            if index == 0 && fault == .midstreamError {
                for event in renderer.midstreamError() { exchange.sendChunk(event) }
                exchange.endStream()
                return true
            }
        }
        if fault == .reset {
            exchange.reset()
            return false
        }
        for event in renderer.closing() { exchange.sendChunk(event) }
        exchange.endStream()
        return true
    }

    private func complete(_ call: ChatCall, _ generation: Generation, fault: Scenario.Fault?, exchange: Exchange) -> Bool {
        MonotonicClock.sleep(untilNs: generation.completionDeadlineNs(requestCompleteNs: exchange.request.completeNs))
        if fault == .endlessLine {
            exchange.startStream(contentType: "application/json")
            exchange.sendChunk(Array("{\"text\":\"".utf8), carriesContent: true)
            return sendFiller(call.scenario.hugeBytes, exchange: exchange)
        }
        let body = wire.completionBody(for: call, generation: generation)
        switch fault {
        case .reset:
            exchange.respondThenReset(status: 200, declaredLength: body.count, partial: Array(body.prefix(body.count / 2)))
            return false
        case .malformed:
            exchange.respond(status: 200, body: Array(body.prefix(body.count / 2)), carriesContent: true)
        default:
            exchange.respond(status: 200, body: body, carriesContent: true)
        }
        return true
    }

    private static let filler = [UInt8](repeating: UInt8(ascii: "x"), count: 65_536)

    /// `fault=endless_line`: `bytes` of filler in 64 KiB chunks, stopping early when the client
    /// hangs up; the response then ends without finishing its line. False: the connection is done.
    private func sendFiller(_ bytes: Int, exchange: Exchange) -> Bool {
        var remaining = bytes
        while remaining > 0 && !exchange.connection.broken {
            exchange.sendChunk(remaining >= Self.filler.count ? Self.filler : Array(Self.filler.prefix(remaining)))
            remaining -= Self.filler.count
        }
        guard !exchange.connection.broken else {
            exchange.publishRecord()
            return false
        }
        exchange.endStream()
        return true
    }

    /// nil when the request fits in its model's current window (and is counted), else the
    /// milliseconds until the window ends.
    private func overLimit(_ limit: Int, windowMs: Int, model: String) -> Int? {
        let windowNs = UInt64(windowMs) * 1_000_000
        let elapsed = MonotonicClock.nowNs() - startNs
        let index = elapsed / windowNs
        lock.lock()
        defer { lock.unlock() }
        var window = windows[model] ?? (index, 0)
        if window.index != index { window = (index, 0) }
        guard window.used >= limit else {
            window.used += 1
            windows[model] = window
            return nil
        }
        windows[model] = window
        return Int(((index + 1) * windowNs - elapsed + 999_999) / 1_000_000)
    }

    /// The scenario's fault, unless `fail_times` requests with this model and prompt have had it.
    private func activeFault(_ scenario: Scenario, model: String, prompt: String) -> Scenario.Fault? {
        guard let fault = scenario.fault else { return nil }
        guard let failTimes = scenario.failTimes else { return fault }
        lock.lock()
        defer { lock.unlock() }
        let key = model + "\u{0}" + prompt
        let seen = attempts[key, default: 0]
        attempts[key] = seen + 1
        return seen < failTimes ? fault : nil
    }

    private func reserveRecordSlot(_ record: RequestRecord) -> Int {
        lock.lock()
        defer { lock.unlock() }
        storedRecords.append(record)
        return storedRecords.count - 1
    }

    private func store(_ record: RequestRecord, at slot: Int) {
        lock.lock()
        storedRecords[slot] = record
        lock.unlock()
    }
}
