import Foundation
import LLMBenchCore
import Testing
@testable import LLMBenchReports

struct CSVReportTests {
    static let csv = try! render(Fixture.report, as: .csv)

    @Test func headerAndOneRowPerResult() {
        let records = parseCSV(Self.csv)
        #expect(records.first == ["run_id", "test", "category", "provider", "model", "repeat", "status", "error_kind",
                                  "error_message", "latency_ms", "ttft_ms", "input_tokens", "output_tokens", "cost_usd",
                                  "quality", "passed", "output"])
        #expect(records.count == 1 + Fixture.results.count)
        #expect(records.allSatisfy { $0.count == 17 })
        #expect(Self.csv.hasSuffix("\r\n"))
    }

    @Test func outputRoundTripsExactly() {
        let records = parseCSV(Self.csv).dropFirst()
        #expect(records.map { $0[16] } == Fixture.results.map(\.output))
        #expect(records.map { $0[16] }.contains(Fixture.hostileOutput))
        #expect(records.map { $0[16] }.contains(Fixture.crlfOutput))
    }

    @Test func figuresAndMissingValues() throws {
        let records = Array(parseCSV(Self.csv).dropFirst())
        let fizzbuzz = records[2]
        #expect(Array(fizzbuzz[0...8]) == ["run-20261129-041200", "fizzbuzz", "code", "openai", "gpt-4o-mini", "0", "ok", "", ""])
        #expect(Array(fizzbuzz[9...15]) == ["2400.75", "350.5", "60", "120", "0.000081", "0.4", "false"])
        let timeout = records[5]
        #expect(timeout[6] == "error")
        #expect(timeout[7] == "timeout")
        #expect(timeout[8] == "no response within 30000 ms | gave up")
        #expect(Array(timeout[9...14]) == ["", "", "", "", "", ""], "nil is an empty field")
    }

    @Test func unknownCostIsEmptyNeverZero() {
        let local = parseCSV(Self.csv).filter { $0[3] == "local" }
        #expect(local.count == 3)
        #expect(local.allSatisfy { $0[13].isEmpty })
        #expect(parseCSV(Self.csv).filter { $0[3] == "mock" }.allSatisfy { $0[13] == "0" }, "a known zero price is zero")
    }

    @Test(arguments: [("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("a\nb", "\"a\nb\""),
                      ("a\rb", "\"a\rb\""), ("", "")])
    func quoting(_ value: String, _ expected: String) {
        #expect(CSVReport.field(value) == expected)
    }

    /// Numbers are decimals a spreadsheet reads as they are: never an exponent, 15 significant digits
    /// (a double's float noise dropped), no trailing zeros.
    @Test(arguments: [
        (2.5499999999999997e-06, "0.00000255"), (8.1e-05, "0.000081"), (0.1 + 0.2, "0.3"), (1e21, "1000000000000000000000"),
        (123.456, "123.456"), (-0.5, "-0.5"), (42, "42"), (0, "0"), (1.2345678901234567e-10, "0.000000000123456789012346"),
    ])
    func numbersAreDecimals(value: Double, text: String) {
        #expect(CSVReport.number(value) == text)
        #expect(Double(text) == Double(String(format: "%.15g", value)), "the decimal is the value to 15 digits")
    }

    /// Over many doubles of every magnitude (short forms and 16–17-digit ones alike): the decimal is
    /// the value rounded to 15 digits, written without an exponent or trailing zeros.
    @Test func everyDoubleIsItsFifteenDigitRounding() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        for i in 0..<20_000 {
            let value: Double = switch i % 4 {
            case 0: Double(next() % 100_000_000) / 1000  // milliseconds as measured
            case 1: Double(next() % 10_000_000) / 1e9  // costs
            case 2: Double(bitPattern: next() >> 2 | 0x3000_0000_0000_0000)  // 1e-77 … 1e77, full precision
            default: Double(next() % 1_000_000) / Double(1 + next() % 1000) * (next() % 2 == 0 ? 1 : -1)
            }
            guard value.isFinite, value != 0 else { continue }
            let text = CSVReport.number(value)
            let shaped = text.range(of: #"^-?[0-9]+(\.[0-9]*[1-9])?$"#, options: .regularExpression) != nil
            guard shaped, Double(text) == Double(String(format: "%.15g", value)) else {
                Issue.record("\(value) (bits \(value.bitPattern)) written as \(text)")
                return
            }
        }
    }

    @Test func missingAndNonFiniteNumbersAreEmpty() {
        #expect(CSVReport.number(nil) == "" && CSVReport.number(.infinity) == "" && CSVReport.number(.nan) == "")
    }
}
