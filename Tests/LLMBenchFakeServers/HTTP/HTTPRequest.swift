/// One HTTP/1.1 request as read off the socket.
struct HTTPRequest {
    var method: String
    /// The request target: path and query, still percent-encoded.
    var target: String
    var version: String
    /// Lowercased names; a repeated header's values joined with ", ".
    var headers: [String: String]
    var body: [UInt8]
    var startNs: UInt64
    var completeNs: UInt64

    var path: Substring { target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0] }

    /// The value of a query parameter, percent-decoded.
    func query(_ name: String) -> String? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name { return parts.count > 1 ? percentDecoded(String(parts[1])) : "" }
        }
        return nil
    }

    var keepAlive: Bool {
        let connection = headers["connection"]?.lowercased() ?? ""
        return version == "HTTP/1.0" ? connection.contains("keep-alive") : !connection.contains("close")
    }
}

/// Decodes %XX escapes (and leaves malformed ones alone); Gemini model names travel in the path.
func percentDecoded(_ text: String) -> String {
    guard text.contains("%") || text.contains("+") else { return text }
    var out: [UInt8] = []
    let bytes = Array(text.utf8)
    var i = 0
    func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
    while i < bytes.count {
        if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2]) {
            out.append(high << 4 | low)
            i += 3
        } else {
            out.append(bytes[i])
            i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}
