#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One server-sent event (WHATWG HTML §9.2): its `event:` name (nil means "message") and its
/// `data:` lines joined by "\n".
public struct ServerSentEvent: Sendable, Equatable {
    public var event: String?
    public var data: String
    public init(event: String?, data: String) {
        self.event = event
        self.data = data
    }
}

/// Splits a byte stream into server-sent events as bytes arrive, in time linear in the stream:
/// every byte is examined once, and only an unfinished line and the event's data so far are kept
/// between chunks, together never more than `maxEventBytes`.
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var event: String?
    private var lastWasCR = false
    /// Bytes examined so far (equals the bytes fed: the linearity the tests check).
    public private(set) var bytesExamined = 0
    /// The most one event may hold: its data lines so far plus its unfinished line. Real provider
    /// events are hundreds of bytes to a few KiB, so 1 MiB is far above any of them, yet it bounds
    /// what a stream that never ends a line (or an event) costs: `feed` throws as soon as the
    /// limit is passed, before buffering the bytes that pass it.
    public var maxEventBytes = 1 << 20

    public init() {}

    public enum Failure: Error, Sendable, Equatable {
        /// An event (or one of its lines) passed `limit` bytes without ending.
        case eventTooLarge(limit: Int)
    }

    /// Feeds bytes; calls `onEvent` for each complete event. Returns false if `onEvent` asked to stop.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ onEvent: (ServerSentEvent) -> Bool) throws(Failure) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return true }
        let count = bytes.count
        bytesExamined += count
        var start = 0
        if lastWasCR && bytes[0] == 0x0A { start = 1 } // the LF of a CRLF split across chunks
        lastWasCR = false
        while start < count {
            // memchr scans for the line end; a CR is rare, so it is looked for only within that span.
            let remaining = count - start
            let lf = memchr(base + start, 0x0A, remaining).map { $0 - UnsafeMutableRawPointer(mutating: base) } ?? count
            let cr = memchr(base + start, 0x0D, lf - start).map { $0 - UnsafeMutableRawPointer(mutating: base) }
            let end = cr ?? lf
            guard end < count else { break }
            let goOn: Bool
            if line.isEmpty {
                goOn = try processLine(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), onEvent)
            } else {
                try checkRoom(for: end - start)
                line.append(contentsOf: bytes[start..<end])
                let processed = line.withUnsafeBytes { line in Result { () throws(Failure) in try processLine(line, onEvent) } }
                goOn = try processed.get()
                line.removeAll(keepingCapacity: true)
            }
            if !goOn { return false }
            start = end + 1
            if cr != nil {
                if start < count { if bytes[start] == 0x0A { start += 1 } } else { lastWasCR = true }
            }
        }
        if start < count {
            try checkRoom(for: count - start)
            line.append(contentsOf: bytes[start..<count])
        }
        return true
    }

    /// Throws unless `more` bytes of the unfinished line fit in the event's limit.
    private func checkRoom(for more: Int) throws(Failure) {
        if data.count + line.count + more > maxEventBytes { throw .eventTooLarge(limit: maxEventBytes) }
    }

    /// Handles one complete line; a blank line dispatches the event gathered so far.
    private mutating func processLine(_ line: UnsafeRawBufferPointer, _ onEvent: (ServerSentEvent) -> Bool) throws(Failure) -> Bool {
        if line.isEmpty {
            guard hasData else { event = nil; return true }
            let dispatched = ServerSentEvent(event: event, data: String(decoding: data, as: UTF8.self))
            data.removeAll(keepingCapacity: true)
            hasData = false
            event = nil
            return onEvent(dispatched)
        }
        if line[0] == UInt8(ascii: ":") { return true } // a comment
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.count
        var valueStart = colon < line.count ? colon + 1 : colon
        if valueStart < line.count && line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let field = UnsafeRawBufferPointer(rebasing: line[0..<colon])
        if field.elementsEqual("data".utf8) {
            if data.count + 1 + (line.count - valueStart) > maxEventBytes { throw .eventTooLarge(limit: maxEventBytes) }
            if hasData { data.append(0x0A) }
            data.append(contentsOf: line[valueStart...])
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            event = String(decoding: line[valueStart...], as: UTF8.self)
        }
        return true
    }
}
