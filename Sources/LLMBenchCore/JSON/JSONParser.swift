/// A strict RFC 8259 parser over UTF-8 bytes (no comments, no trailing commas).
struct JSONParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0
    static let maxDepth = 512

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected text after the value") }
        return value
    }

    private func fail(_ message: String) -> JSONParseError { JSONParseError(offset: index, message: message) }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try parseNumber())
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw fail("unexpected end of input") }
        for i in 0..<count where bytes[index + i] != word.utf8Start[i] { throw fail("invalid literal") }
        index += count
    }

    private mutating func nest() throws(JSONParseError) {
        depth += 1
        if depth > Self.maxDepth { throw fail("nesting deeper than \(Self.maxDepth)") }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        // Members are gathered first so the dictionary is built at its final size, not grown key by key.
        var pairs: [(String, JSONValue)] = []
        try members { key, value in pairs.append((key, value)) }
        return .object(Dictionary(pairs, uniquingKeysWith: { _, last in last }))
    }

    /// Reads an object from its `{` to past its `}`, passing each member to `each` in order.
    private mutating func members(_ each: (String, JSONValue) -> Void) throws(JSONParseError) {
        try memberKeys { parser, key throws(JSONParseError) in each(String(decoding: key, as: UTF8.self), try parser.parseValue()) }
    }

    /// Reads an object from its `{` to past its `}`: for each member, `value` gets the key's UTF-8
    /// bytes (unescaped) with the parser at the member's value, which it must read or skip.
    private mutating func memberKeys(_ value: (inout JSONParser, ArraySlice<UInt8>) throws(JSONParseError) -> Void) throws(JSONParseError) {
        try nest()
        defer { depth -= 1 }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try parseKey()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipWhitespace()
            try value(&self, key)
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        var items: [JSONValue] = []
        try elements { parser throws(JSONParseError) in items.append(try parser.parseValue()) }
        return .array(items)
    }

    /// Reads an array from its `[` to past its `]`: `element` is called with the parser at each
    /// element, which it must read or skip.
    private mutating func elements(_ element: (inout JSONParser) throws(JSONParseError) -> Void) throws(JSONParseError) {
        try nest()
        defer { depth -= 1 }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return }
            throw fail("expected ',' or ']'")
        }
    }

    /// A key's bytes: a slice of the text when it has no escape (every key LLMBench writes), else
    /// its decoded string's.
    private mutating func parseKey() throws(JSONParseError) -> ArraySlice<UInt8> {
        var end = index + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 { end += 1 }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            defer { index = end + 1 }
            return bytes[(index + 1)..<end]
        }
        return ArraySlice(Array(try parseString().utf8))
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("control character in string") }
            index += 1
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { index += 1; return String(decoding: out, as: UTF8.self) }
            if b < 0x20 { throw fail("control character in string") }
            if b != UInt8(ascii: "\\") { out.append(b); index += 1; continue }
            index += 1
            guard index < bytes.count else { break }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count,
                    bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                {
                    index += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        appendScalar(0xFFFD, to: &out)
                        scalar = low
                    }
                }
                appendScalar(scalar, to: &out)
            default: throw fail("invalid escape")
            }
        }
        throw fail("unterminated string")
    }

    private func appendScalar(_ value: UInt32, to out: inout [UInt8]) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        out.append(contentsOf: String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw fail("invalid \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    /// Passes over one value, refusing what `parseValue` refuses, without building it.
    private mutating func skipValue() throws(JSONParseError) {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            try memberKeys { parser, _ throws(JSONParseError) in try parser.skipValue() }
        case UInt8(ascii: "["):
            try elements { parser throws(JSONParseError) in try parser.skipValue() }
        case UInt8(ascii: "\""):
            index += 1
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") { index += 1; return }
                if b < 0x20 { throw fail("control character in string") }
                index += 1
                guard b == UInt8(ascii: "\\") else { continue }
                guard index < bytes.count else { break }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                     UInt8(ascii: "r"), UInt8(ascii: "t"): continue
                case UInt8(ascii: "u"): _ = try hex4()
                default: throw fail("invalid escape")
                }
            }
            throw fail("unterminated string")
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try scanNumber()
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let text = String(decoding: bytes[try scanNumber()], as: UTF8.self)
        guard let value = Double(text) else { throw fail("invalid number") }
        return value
    }

    /// Passes over a number as RFC 8259 writes one; its bytes.
    private mutating func scanNumber() throws(JSONParseError) -> Range<Int> {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        var digits = 0
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1; digits += 1 }
        guard digits > 0 else { index = start; throw fail("expected a value") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var fraction = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1; fraction += 1 }
            guard fraction > 0 else { throw fail("expected digits after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            var exponent = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1; exponent += 1 }
            guard exponent > 0 else { throw fail("expected exponent digits") }
        }
        return start..<index
    }
}

extension JSONParser {
    /// Reads a document that is one object, member by member: the value of a key `keys` gives a slot
    /// for is parsed and passed to `take` (a repeated key's last value wins, as in a parsed object);
    /// other values are checked and passed over, never built. Keys are matched by their bytes, no
    /// string made. Throws as `parseDocument` would.
    mutating func forEachMember(keys: JSONKeyTable, _ take: (Int, JSONValue) -> Void) throws(JSONParseError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw fail("expected an object") }
        try memberKeys { parser, key throws(JSONParseError) in
            if let slot = keys.slot(key) { take(slot, try parser.parseValue()) } else { try parser.skipValue() }
        }
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected text after the value") }
    }
}

/// Names to slots, looked up by a key's UTF-8 bytes: a bucket by length and end bytes, then a byte
/// comparison, so reading a member makes no string and hashes nothing.
struct JSONKeyTable: Sendable {
    private let names: [[UInt8]]
    private let buckets: [[Int]]

    init(_ names: [String]) {
        self.names = names.map { Array($0.utf8) }
        var buckets = [[Int]](repeating: [], count: 256)
        for (slot, name) in self.names.enumerated() { buckets[Self.bucket(name[...])].append(slot) }
        self.buckets = buckets
    }

    private static func bucket(_ key: ArraySlice<UInt8>) -> Int {
        guard let first = key.first, let last = key.last else { return 0 }
        return (key.count &* 31 &+ Int(first) &* 7 &+ Int(last)) & 255
    }

    func slot(_ key: ArraySlice<UInt8>) -> Int? {
        for slot in buckets[Self.bucket(key)] where names[slot].elementsEqual(key) { return slot }
        return nil
    }
}
