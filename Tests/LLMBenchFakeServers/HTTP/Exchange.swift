#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One request and its response on a connection: writes the response and keeps its record.
final class Exchange {
    let connection: Connection
    let request: HTTPRequest
    var record: RequestRecord
    /// Stores the record in the server; called when the request is understood and before the last write.
    var publish: (RequestRecord) -> Void = { _ in }
    /// Response headers every answer carries (request ids).
    private let commonHeaders: [(String, String)]

    init(connection: Connection, request: HTTPRequest, commonHeaders: [(String, String)]) {
        self.connection = connection
        self.request = request
        self.commonHeaders = commonHeaders
        record = RequestRecord(
            method: request.method, path: request.target, headers: request.headers,
            body: String(decoding: request.body, as: UTF8.self),
            requestStartNs: request.startNs, requestCompleteNs: request.completeNs)
    }

    func publishRecord() { publish(record) }

    /// A whole response with Content-Length, in one write.
    /// - Parameter carriesContent: the body holds generated text, so it is the first-content write.
    func respond(status: Int, headers: [(String, String)] = [], contentType: String = "application/json", body: [UInt8], carriesContent: Bool = false) {
        var bytes = head(status: status, headers: headers + [("Content-Type", contentType), ("Content-Length", String(body.count))])
        bytes.append(contentsOf: body)
        let now = MonotonicClock.nowNs()
        record.status = status
        if carriesContent {
            record.firstContentNs = now
            record.contentChunkNs.append(now)
        }
        record.lastByteNs = now
        record.lastBodyByteNs = now
        publish(record)
        connection.write(bytes)
    }

    /// Headers announcing a body of `declaredLength` but only `partial` of it, then a TCP reset.
    func respondThenReset(status: Int, declaredLength: Int, partial: [UInt8]) {
        var bytes = head(status: status, headers: [("Content-Type", "application/json"), ("Content-Length", String(declaredLength))])
        bytes.append(contentsOf: partial)
        record.status = status
        record.lastByteNs = MonotonicClock.nowNs()
        record.lastBodyByteNs = record.lastByteNs
        publish(record)
        connection.write(bytes)
        connection.resetAndClose()
    }

    func startStream(status: Int = 200, contentType: String = "text/event-stream") {
        record.status = status
        connection.write(head(status: status, headers: [
            ("Content-Type", contentType), ("Transfer-Encoding", "chunked"), ("Cache-Control", "no-cache"),
        ]))
    }

    /// One SSE event (or JSON array element) as its own HTTP chunk, in its own write.
    func sendChunk(_ payload: [UInt8], carriesContent: Bool = false) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(payload.count + 12)
        bytes.append(String(payload.count, radix: 16))
        bytes.append(contentsOf: [13, 10])
        bytes.append(contentsOf: payload)
        bytes.append(contentsOf: [13, 10])
        let now = MonotonicClock.nowNs()
        if carriesContent {
            if record.firstContentNs == nil { record.firstContentNs = now }
            record.contentChunkNs.append(now)
        }
        record.lastByteNs = now
        record.lastBodyByteNs = now
        connection.write(bytes)
    }

    func endStream() {
        record.lastByteNs = MonotonicClock.nowNs()
        publish(record)
        connection.write(Array("0\r\n\r\n".utf8))
    }

    /// Drops the connection with a TCP reset, mid-response.
    func reset() {
        publish(record)
        connection.resetAndClose()
    }

    private func head(status: Int, headers: [(String, String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        bytes.append("HTTP/1.1 ")
        bytes.append(int: status)
        bytes.append(" ")
        bytes.append(Exchange.reason(status))
        bytes.append("\r\n")
        for (name, value) in commonHeaders + headers {
            bytes.append(name)
            bytes.append(": ")
            bytes.append(value)
            bytes.append("\r\n")
        }
        if !request.keepAlive { bytes.append("Connection: close\r\n") }
        bytes.append("\r\n")
        return bytes
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        case 529: "Site Overloaded"
        default: "Status"
        }
    }
}
