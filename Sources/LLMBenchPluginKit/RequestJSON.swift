/// Reads the engine's request JSON into native Swift values — String, Bool, Int, Double, [Any],
/// [String: Any], and NSNull-free `Optional<Any>.none` for null — without Foundation's bridging.
/// The kit cannot use the engine's JSON code (no Swift module crosses the ABI), and
/// JSONSerialization's NSNumber/NSDictionary bridging dominated a scored result's cost.
struct RequestJSONReader {
    struct Failure: Error { var offset: Int; var message: String }

    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0
    private var depth = 0
    /// Objects and arrays nest less deep than this: the readers recurse, and a thread's stack is
    /// short (a server's chunk of brackets would otherwise crash the process).
    static let maxDepth = 256

    static func object(_ buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> [String: Any] {
        var reader = RequestJSONReader(bytes: buffer)
        reader.whitespace()
        guard let object = try reader.value() as? [String: Any] else { throw Failure(offset: 0, message: "expected an object") }
        reader.whitespace()
        guard reader.at == buffer.count else { throw Failure(offset: reader.at, message: "text after the object") }
        return object
    }

    /// Any JSON value (an object, an array, a string ...), with nothing after it.
    static func document(_ buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> Any {
        var reader = RequestJSONReader(bytes: buffer)
        reader.whitespace()
        let value = try reader.value()
        reader.whitespace()
        guard reader.at == buffer.count else { throw Failure(offset: reader.at, message: "text after the value") }
        return value
    }

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var current: UInt8? { at < bytes.count ? bytes[at] : nil }

    mutating func whitespace() {
        while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { at += 1 }
    }

    @inline(__always)
    mutating func expect(_ c: UInt8) throws(Failure) {
        guard current == c else { throw expected(c) }
        at += 1
    }

    @inline(never)
    private func expected(_ c: UInt8) -> Failure { Failure(offset: at, message: "expected '\(Character(Unicode.Scalar(c)))'") }

    mutating func value() throws(Failure) -> Any {
        guard let c = current else { throw Failure(offset: at, message: "unexpected end") }
        switch c {
        case UInt8(ascii: "{"):
            try enter()
            defer { leave() }
            at += 1
            var object: [String: Any] = [:]
            whitespace()
            if current == UInt8(ascii: "}") { at += 1; return object }
            repeat {
                whitespace()
                let key = try string()
                whitespace()
                try expect(UInt8(ascii: ":"))
                whitespace()
                object[key] = try value()
                whitespace()
            } while try more(closing: UInt8(ascii: "}"))
            return object
        case UInt8(ascii: "["):
            try enter()
            defer { leave() }
            at += 1
            var array: [Any] = []
            whitespace()
            if current == UInt8(ascii: "]") { at += 1; return array }
            repeat {
                whitespace()
                array.append(try value())
                whitespace()
            } while try more(closing: UInt8(ascii: "]"))
            return array
        case UInt8(ascii: "\""): return try string()
        case UInt8(ascii: "t"): try word("true"); return true
        case UInt8(ascii: "f"): try word("false"); return false
        case UInt8(ascii: "n"): try word("null"); return Optional<Any>.none as Any
        default: return try number()
        }
    }

    /// Into an object or array, refusing one nested `maxDepth` deep; `leave()` when out of it.
    mutating func enter() throws(Failure) {
        guard depth + 1 < Self.maxDepth else { throw Failure(offset: at, message: "too deep") }
        depth += 1
    }

    mutating func leave() { depth -= 1 }

    /// After an item: true on ',', false on the closing bracket.
    mutating func more(closing: UInt8) throws(Failure) -> Bool {
        if current == UInt8(ascii: ",") { at += 1; return true }
        try expect(closing)
        return false
    }

    mutating func word(_ text: StaticString) throws(Failure) {
        for i in 0..<text.utf8CodeUnitCount {
            guard current == text.utf8Start[i] else { throw Failure(offset: at, message: "invalid literal") }
            at += 1
        }
    }

    private mutating func number() throws(Failure) -> Any {
        let start = at
        var integral = true
        while let c = current, (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { integral = false }
            at += 1
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
        if integral, let int = Int(text) { return int }
        guard !text.isEmpty, let double = Double(text) else { throw Failure(offset: start, message: "invalid value") }
        return double
    }

    mutating func string() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""))
        let start = at
        while let c = current, c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\") { at += 1 }
        if current == UInt8(ascii: "\"") {
            defer { at += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
        }
        // Escapes: collect UTF-8 bytes and decode once.
        var utf8 = Array(bytes[start..<at])
        while let c = current {
            at += 1
            if c == UInt8(ascii: "\"") { return String(decoding: utf8, as: UTF8.self) }
            guard c == UInt8(ascii: "\\") else { utf8.append(c); continue }
            guard let e = current else { break }
            at += 1
            let scalar: Unicode.Scalar
            switch e {
            case UInt8(ascii: "n"): scalar = "\n"
            case UInt8(ascii: "t"): scalar = "\t"
            case UInt8(ascii: "r"): scalar = "\r"
            case UInt8(ascii: "b"): scalar = "\u{08}"
            case UInt8(ascii: "f"): scalar = "\u{0C}"
            case UInt8(ascii: "u"):
                var code = try hex()
                if (0xD800..<0xDC00).contains(code), current == UInt8(ascii: "\\"), at + 1 < bytes.count, bytes[at + 1] == UInt8(ascii: "u") {
                    at += 2
                    let low = try hex()
                    code = (0xDC00..<0xE000).contains(low) ? 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                }
                scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
            default: scalar = Unicode.Scalar(e)
            }
            UTF8.encode(scalar) { utf8.append($0) }
        }
        throw Failure(offset: at, message: "unterminated string")
    }

    private mutating func hex() throws(Failure) -> UInt32 {
        guard at + 4 <= bytes.count, let value = UInt32(String(decoding: UnsafeBufferPointer(rebasing: bytes[at..<at + 4]), as: UTF8.self), radix: 16) else {
            throw Failure(offset: at, message: "invalid \\u escape")
        }
        at += 4
        return value
    }
}

extension Dictionary where Key == String, Value == Any {
    /// A JSON number at `key`, whether it was written as an integer or not.
    public func number(_ key: String) -> Double? {
        switch self[key] {
        case let int as Int: return Double(int)
        case let double as Double: return double
        default: return nil
        }
    }

    /// A JSON number at `key` that is a whole number.
    public func integer(_ key: String) -> Int? {
        switch self[key] {
        case let int as Int: return int
        case let double as Double where double.rounded() == double && abs(double) < 9e15: return Int(double)
        default: return nil
        }
    }
}

/// Option checks every plugin needs, with messages that name the plugin, the option and what is allowed.
public enum PluginOptions {
    /// Refuses the first option (in sorted order) that is not in `known`.
    public static func rejectUnknown(_ options: [String: Any], known: Set<String>, plugin: String) throws(PluginError) {
        if let unknown = options.keys.sorted().first(where: { !known.contains($0) }) {
            throw PluginError(.invalidRequest, "unknown option '\(unknown)' for \(plugin); expected one of: \(known.sorted().joined(separator: ", "))")
        }
    }

    /// A true/false option; nil when absent.
    public static func flag(_ options: [String: Any], _ key: String, plugin: String) throws(PluginError) -> Bool? {
        guard let raw = options[key] else { return nil }
        guard let value = raw as? Bool else { throw PluginError(.invalidRequest, "\(plugin) option '\(key)' must be true or false") }
        return value
    }

    /// A string option that must be one of an enum's raw values; `fallback` when absent.
    public static func choice<E: RawRepresentable & CaseIterable>(_ options: [String: Any], _ key: String, default fallback: E,
                                                                   plugin: String) throws(PluginError) -> E where E.RawValue == String
    {
        guard let raw = options[key] else { return fallback }
        guard let name = raw as? String, let value = E(rawValue: name) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw PluginError(.invalidRequest, "\(plugin) option '\(key)' must be one of: \(allowed); found '\(raw)'")
        }
        return value
    }
}
