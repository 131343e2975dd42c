import LLMBenchCore
import Testing

struct JSONTests {
    @Test func roundTripsNestedValuesWithEscapes() throws {
        let value: JSONValue = [
            "text": "quote \" backslash \\ newline \n tab \t control \u{01} unicode é 🎉",
            "numbers": [0, -1, 1.5, 1e-7, 123456789012],
            "flags": [true, false, nil],
            "nested": ["empty": [:], "list": []],
        ]
        let parsed = try JSONValue.parse(value.jsonText)
        #expect(parsed == value)
    }

    @Test func writesSortedKeysAndIntegersWithoutFraction() {
        let value: JSONValue = ["b": 2, "a": 1.5, "c": .number(.infinity)]
        #expect(value.jsonText == #"{"a":1.5,"b":2,"c":null}"#)
    }

    @Test func decodesSurrogatePairsAndEscapes() throws {
        let parsed = try JSONValue.parse(#"["\ud83c\udf89", "\u00e9\/\b"]"#)
        #expect(parsed == ["🎉", "é/\u{08}"])
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01x", "\"unterminated", "tru", "{} extra", "\"\u{01}\""])
    func rejectsInvalidDocuments(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func refusesExcessiveNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }
}
