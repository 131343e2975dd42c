import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LLMBenchFakeServers

/// A minimal HTTP/1.1 client on raw sockets, so the tests see exactly what went over the wire:
/// each HTTP chunk, a TCP reset, or silence. Requests ask for `Connection: close` and read to EOF.
enum RawHTTPClient {
    enum Outcome: Equatable {
        case complete
        /// The peer reset the connection (ECONNRESET) before the response was whole.
        case reset
        /// Nothing more arrived within the timeout.
        case timedOut
        /// The connection ended before the response was whole.
        case truncated
    }

    struct Response {
        var status = 0
        /// Lowercased names.
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        /// The body's HTTP chunks as sent, when chunked.
        var chunks: [[UInt8]] = []
        var outcome = Outcome.complete
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    }

    static func request(
        _ method: String = "POST", port: UInt16, path: String, headers: [String: String] = [:], body: String? = nil,
        timeoutSeconds: Int = 10
    ) -> Response {
        let fd = connectLoopback(port: port)
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes = encode(method, path: path, headers: headers.merging(["Connection": "close"]) { a, _ in a }, body: body)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        let (received, ending) = readToEnd(fd)
        var response = parse(received)[safe: 0] ?? Response(outcome: .truncated)
        if response.outcome != .complete || ending != .complete {
            response.outcome = ending == .complete ? .truncated : ending
        }
        return response
    }

    static func encode(_ method: String, path: String, headers: [String: String], body: String?) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let payload = Array((body ?? "").utf8)
        if body != nil { head += "Content-Type: application/json\r\nContent-Length: \(payload.count)\r\n" }
        return Array((head + "\r\n").utf8) + payload
    }

    static func connectLoopback(port: UInt16) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return fd
    }

    /// Reads until EOF, a reset or the receive timeout.
    static func readToEnd(_ fd: Int32) -> ([UInt8], Outcome) {
        var received: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                received.append(contentsOf: scratch[0..<n])
            } else if n == 0 {
                return (received, .complete)
            } else if errno == EINTR {
                continue
            } else {
                return (received, errno == ECONNRESET ? .reset : (errno == EAGAIN || errno == EWOULDBLOCK) ? .timedOut : .truncated)
            }
        }
    }

    /// Parses consecutive responses (keep-alive) from `bytes`; the last may be incomplete.
    static func parse(_ bytes: [UInt8]) -> [Response] {
        var responses: [Response] = []
        var offset = 0
        func line() -> String? {
            var i = offset
            while i + 1 < bytes.count {
                if bytes[i] == 13 && bytes[i + 1] == 10 {
                    defer { offset = i + 2 }
                    return String(decoding: bytes[offset..<i], as: UTF8.self)
                }
                i += 1
            }
            return nil
        }
        while offset < bytes.count {
            var response = Response()
            guard let statusLine = line() else { break }
            response.status = Int(statusLine.split(separator: " ")[1]) ?? 0
            if response.status == 100 { _ = line(); continue }
            while let header = line(), !header.isEmpty {
                let colon = header.firstIndex(of: ":")!
                response.headers[header[..<colon].lowercased()] = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            if response.headers["transfer-encoding"] == "chunked" {
                response.outcome = .truncated
                while let sizeLine = line(), let size = Int(sizeLine, radix: 16) {
                    if size == 0 {
                        _ = line()
                        response.outcome = .complete
                        break
                    }
                    guard offset + size + 2 <= bytes.count else { break }
                    let chunk = Array(bytes[offset..<offset + size])
                    response.chunks.append(chunk)
                    response.body += chunk
                    offset += size + 2
                }
            } else {
                let length = Int(response.headers["content-length"] ?? "0") ?? 0
                let available = min(length, bytes.count - offset)
                response.body = Array(bytes[offset..<offset + available])
                offset += available
                if available < length { response.outcome = .truncated }
            }
            responses.append(response)
            if response.outcome != .complete { break }
        }
        return responses
    }

    /// Sends every request on its own connection at once and reads all of them with poll(), from
    /// one thread: many connections in flight without a thread each on the client side.
    static func concurrent(port: UInt16, requests: [[UInt8]]) -> [Response] {
        let fds = requests.map { _ in connectLoopback(port: port) }
        defer { fds.forEach { close($0) } }
        for (fd, request) in zip(fds, requests) {
            _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        var received = [[UInt8]](repeating: [], count: fds.count)
        var open = Set(fds.indices)
        var scratch = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            var polled = open.map { pollfd(fd: fds[$0], events: Int16(POLLIN), revents: 0) }
            let indices = Array(open)
            guard poll(&polled, nfds_t(polled.count), 30_000) > 0 else { break }
            for (position, entry) in polled.enumerated() where entry.revents != 0 {
                let index = indices[position]
                let n = scratch.withUnsafeMutableBytes { recv(entry.fd, $0.baseAddress, $0.count, 0) }
                if n > 0 { received[index] += scratch[0..<n] } else { open.remove(index) }
            }
        }
        return received.map { parse($0).first ?? Response(outcome: .truncated) }
    }
}

/// One server-sent event.
struct SSEEvent: Equatable {
    var event: String?
    var data: String
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] }
    static func == (a: SSEEvent, b: SSEEvent) -> Bool { a.event == b.event && a.data == b.data }

    /// Splits a `text/event-stream` body into events per the SSE rules: lines end in LF, CRLF or
    /// CR, and a blank line ends an event.
    static func parse(_ body: String) -> [SSEEvent] {
        var events: [SSEEvent] = []
        var name: String?
        var data: [String] = []
        let normalised = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        for line in normalised.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty {
                if !data.isEmpty || name != nil { events.append(SSEEvent(event: name, data: data.joined(separator: "\n"))) }
                name = nil
                data = []
            } else if line.hasPrefix("event:") {
                name = line.dropFirst(6).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("data:") {
                var value = line.dropFirst(5)
                if value.first == " " { value = value.dropFirst() }
                data.append(String(value))
            }
        }
        return events
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// Request bodies and paths for each API.
enum Requests {
    static func openAI(model: String, prompt: String, stream: Bool, extra: String = "") -> String {
        #"{"model":"\#(model)","messages":[{"role":"system","content":"Answer briefly."},{"role":"user","content":"\#(prompt)"}],"stream":\#(stream)\#(extra)}"#
    }

    static func anthropic(model: String, prompt: String, stream: Bool, extra: String = "") -> String {
        #"{"model":"\#(model)","max_tokens":1024,"system":"Answer briefly.","messages":[{"role":"user","content":[{"type":"text","text":"\#(prompt)"}]}],"stream":\#(stream)\#(extra)}"#
    }

    static let anthropicHeaders = ["x-api-key": "test-key", "anthropic-version": "2023-06-01"]

    static func gemini(prompt: String, extra: String = "") -> String {
        #"{"systemInstruction":{"parts":[{"text":"Answer briefly."}]},"contents":[{"role":"user","parts":[{"text":"\#(prompt)"}]}]\#(extra)}"#
    }

    static func geminiPath(model: String, method: String) -> String {
        let encoded = model.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return "/v1beta/models/\(encoded):\(method)"
    }

    static let geminiHeaders = ["x-goog-api-key": "test-key"]

    /// A chat request for `api`, as (path, headers, body).
    static func chat(_ api: FakeProviderServer.API, model: String, prompt: String, stream: Bool) -> (String, [String: String], String) {
        switch api {
        case .openai: ("/v1/chat/completions", [:], openAI(model: model, prompt: prompt, stream: stream))
        case .anthropic: ("/v1/messages", anthropicHeaders, anthropic(model: model, prompt: prompt, stream: stream))
        case .gemini: (geminiPath(model: model, method: stream ? "streamGenerateContent?alt=sse" : "generateContent"), geminiHeaders, gemini(prompt: prompt))
        }
    }
}
