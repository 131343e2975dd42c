#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One accepted TCP connection, used by exactly one thread: reads requests, writes responses.
/// Every write is its own send() so that each SSE event leaves as its own packet (TCP_NODELAY).
final class Connection {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var readOffset = 0
    private var scratch = [UInt8](repeating: 0, count: 16 * 1024)
    /// Set once a write fails; the thread then drops the connection.
    private(set) var broken = false

    static let maxHeaderBytes = 64 * 1024
    static let maxBodyBytes = 256 * 1024 * 1024

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(16 * 1024)
    }

    enum ReadResult {
        case request(HTTPRequest)
        /// The peer closed (or reset) between requests.
        case closed
        case malformed(String)
    }

    func readRequest() -> ReadResult {
        var startNs: UInt64 = 0
        if readOffset < buffer.count { startNs = MonotonicClock.nowNs() }  // pipelined bytes already here
        // Read until the blank line that ends the headers.
        var headerEnd: Int?
        while true {
            headerEnd = findHeaderEnd()
            if headerEnd != nil { break }
            if buffer.count - readOffset > Connection.maxHeaderBytes { return .malformed("headers larger than 64 KiB") }
            guard fill() else { return .closed }
            if startNs == 0 { startNs = MonotonicClock.nowNs() }
        }
        let head = String(decoding: buffer[readOffset..<headerEnd!], as: UTF8.self)
        readOffset = headerEnd! + 4
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else { return .malformed("bad request line") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return .malformed("bad header line") }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" })
            let trimmed = String(value.reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
            if let existing = headers[name] { headers[name] = existing + ", " + trimmed } else { headers[name] = trimmed }
        }
        // libcurl asks before sending a large body and waits a second for this answer.
        if headers["expect"]?.lowercased() == "100-continue" {
            guard write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return .closed }
        }
        var body: [UInt8] = []
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let chunked = readChunkedBody() else { return .malformed("bad chunked body") }
            body = chunked
        } else if let lengthText = headers["content-length"] {
            guard let length = Int(lengthText), length >= 0, length <= Connection.maxBodyBytes else {
                return .malformed("bad Content-Length")
            }
            while buffer.count - readOffset < length {
                guard fill() else { return .closed }
            }
            body = Array(buffer[readOffset..<readOffset + length])
            readOffset += length
        }
        compact()
        return .request(HTTPRequest(
            method: String(requestLine[0]), target: String(requestLine[1]), version: String(requestLine[2]),
            headers: headers, body: body, startNs: startNs, completeNs: MonotonicClock.nowNs()))
    }

    /// Blocks until the peer closes or the server shuts the socket down; used by `fault=hang`.
    func waitForPeerClose() {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 || (n < 0 && errno == EINTR) { continue }
            return
        }
    }

    /// Writes all of `bytes` with one send() (more only if the kernel takes less).
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        guard !broken else { return false }
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                broken = true
                return false
            }
            sent += n
        }
        return true
    }

    /// Closes with SO_LINGER 0 so the peer sees a TCP reset rather than an orderly end.
    func resetAndClose() {
        var linger = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        broken = true
    }

    private func fill() -> Bool {
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: scratch[0..<n])
                return true
            }
            if n < 0 && errno == EINTR { continue }
            return false
        }
    }

    private func findHeaderEnd() -> Int? {
        guard buffer.count - readOffset >= 4 else { return nil }
        var i = readOffset
        while i + 3 < buffer.count {
            if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }

    private func readLine() -> String? {
        while true {
            var i = readOffset
            while i + 1 < buffer.count {
                if buffer[i] == 13 && buffer[i + 1] == 10 {
                    let line = String(decoding: buffer[readOffset..<i], as: UTF8.self)
                    readOffset = i + 2
                    return line
                }
                i += 1
            }
            guard fill() else { return nil }
        }
    }

    private func readChunkedBody() -> [UInt8]? {
        var body: [UInt8] = []
        while true {
            guard let sizeLine = readLine(), let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { return nil }
            if size == 0 {
                while let trailer = readLine(), !trailer.isEmpty {}
                return body
            }
            guard body.count + size <= Connection.maxBodyBytes else { return nil }
            while buffer.count - readOffset < size + 2 {
                guard fill() else { return nil }
            }
            body.append(contentsOf: buffer[readOffset..<readOffset + size])
            readOffset += size + 2
        }
    }

    private func compact() {
        if readOffset == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readOffset = 0
        } else if readOffset > 64 * 1024 {
            buffer.removeFirst(readOffset)
            readOffset = 0
        }
    }
}
