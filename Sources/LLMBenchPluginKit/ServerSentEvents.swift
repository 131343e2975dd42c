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
/// every byte is examined once, and only an unfinished line is kept between chunks.
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var event: String?
    private var lastWasCR = false
    /// Bytes examined so far (equals the bytes fed: the linearity the tests check).
    public private(set) var bytesExamined = 0
    /// A line longer than this is refused (a stream that never breaks its lines is malformed).
    public var maxLineBytes = 64 * 1024 * 1024

    public init() {}

    public enum Failure: Error, Sendable { case lineTooLong(Int) }

    /// Feeds bytes; calls `onEvent` for each complete event. Returns false if `onEvent` asked to stop.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ onEvent: (ServerSentEvent) -> Bool) throws(Failure) -> Bool {
        var start = 0
        var i = 0
        let count = bytes.count
        while i < count {
            let byte = bytes[i]
            if byte == 0x0A || byte == 0x0D {
                let skipLF = byte == 0x0A && lastWasCR && start == i && line.isEmpty
                lastWasCR = byte == 0x0D
                if !skipLF {
                    line.append(contentsOf: bytes[start..<i])
                    if !processLine(onEvent) { bytesExamined += i + 1; return false }
                }
                start = i + 1
            } else {
                lastWasCR = false
            }
            i += 1
        }
        bytesExamined += count
        if start < count {
            line.append(contentsOf: bytes[start..<count])
            if line.count > maxLineBytes { throw .lineTooLong(line.count) }
        }
        return true
    }

    /// Handles one complete line; a blank line dispatches the event gathered so far.
    private mutating func processLine(_ onEvent: (ServerSentEvent) -> Bool) -> Bool {
        defer { line.removeAll(keepingCapacity: true) }
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
        let field = line[0..<colon]
        if field.elementsEqual("data".utf8) {
            if hasData { data.append(0x0A) }
            data.append(contentsOf: line[valueStart...])
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            event = String(decoding: line[valueStart...], as: UTF8.self)
        }
        return true
    }
}
