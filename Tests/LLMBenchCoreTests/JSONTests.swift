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

    @Test func aRepeatedKeyKeepsItsLastValue() throws {
        #expect(try JSONValue.parse(#"{"a":1,"b":2,"a":{"c":3},"a":4}"#) == ["a": 4, "b": 2])
        #expect(try JSONValue.parse(#"{"a":{}}"#) == ["a": [:]])
    }

    @Test func refusesExcessiveNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }
}

struct JSONNumberTests {
    /// The fast path for values with at most three decimals must print what the shortest
    /// round-trip form prints, so that readers get the same number back.
    @Test func millisecondValuesPrintAsTheShortestRoundTripForm() throws {
        var random = SystemRandomNumberGenerator()
        var values: [Double] = [0.001, 0.01, 0.1, 0.5, 1.25, 12.345, 999.999, 1000.5, -3.5, 123_456.789, 0.0005, 1e-7]
        for _ in 0..<20_000 { values.append(Double(Int.random(in: 1...2_000_000_000, using: &random)) / 1000) }
        for value in values {
            var writer = JSONWriter()
            writer.number(value)
            let expected = value.rounded() == value ? String(Int64(value)) : "\(value)"
            #expect(writer.text == expected, "\(value)")
            #expect(Double(writer.text) == value)
        }
    }
}
