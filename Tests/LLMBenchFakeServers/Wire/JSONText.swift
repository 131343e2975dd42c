import Foundation

/// Hand-written JSON output: responses are built from byte templates so a stream with no delay
/// costs little more than its write() calls, and key order matches the providers' documentation.
extension Array where Element == UInt8 {
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    mutating func append(int value: Int) {
        append(String(value))
    }

    /// Appends `text` as a quoted JSON string.
    mutating func append(jsonString text: String) {
        append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): append(contentsOf: [0x5C, 0x5C])
                case 0x0A: append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                default: append(byte)
                }
            }
        }
        append(UInt8(ascii: "\""))
    }

    /// Appends `null` or the quoted string.
    mutating func append(jsonStringOrNull text: String?) {
        if let text { append(jsonString: text) } else { append("null") }
    }
}

/// Read access to a request body decoded by JSONSerialization.
struct JSONBody {
    let object: [String: Any]

    init?(_ bytes: [UInt8]) {
        guard let value = try? JSONSerialization.jsonObject(with: Data(bytes)), let object = value as? [String: Any] else {
            return nil
        }
        self.object = object
    }

    init(object: [String: Any]) { self.object = object }

    subscript(key: String) -> Any? { object[key] }

    func string(_ key: String) -> String? { object[key] as? String }

    func int(_ key: String) -> Int? {
        (object[key] as? NSNumber)?.intValue
    }

    func bool(_ key: String) -> Bool? { object[key] as? Bool }

    func child(_ key: String) -> JSONBody? { (object[key] as? [String: Any]).map(JSONBody.init(object:)) }

    func children(_ key: String) -> [JSONBody] { (object[key] as? [Any] ?? []).compactMap { ($0 as? [String: Any]).map(JSONBody.init(object:)) } }

    /// A string, or the strings of an array (OpenAI's `stop`, Anthropic's `stop_sequences`).
    func strings(_ key: String) -> [String] {
        if let one = object[key] as? String { return [one] }
        return (object[key] as? [Any] ?? []).compactMap { $0 as? String }
    }
}
