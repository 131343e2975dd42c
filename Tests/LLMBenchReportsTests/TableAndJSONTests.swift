import LLMBenchCore
import Testing
@testable import LLMBenchReports

struct TerminalTableTests {
    static let table = try! render(Fixture.report, as: .table)
    static let lines = table.split(separator: "\n").map(String.init)

    @Test func overallRowsThenCategoryRowsThenNotices() {
        let rows = Self.lines.filter { !$0.hasPrefix("-") }.dropFirst().map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
        #expect(Array(rows.prefix(9)) == [
            "openai gpt-4o-mini all", "local llama-3.1-8b all", "mock echo all",
            "openai gpt-4o-mini qa", "openai gpt-4o-mini code", "local llama-3.1-8b qa", "local llama-3.1-8b code",
            "mock echo qa", "mock echo code",
        ])
        #expect(Self.lines.last == "note: local/llama-3.1-8b has no price on 2026-11-29: its cost is unknown")
    }

    @Test func columnsAreAligned() {
        let header = Self.lines[0]
        let costEnd = header.range(of: "cost USD")!.upperBound.utf16Offset(in: header)
        for row in Self.lines.dropFirst() where !row.hasPrefix("-") && !row.hasPrefix("note:") {
            // The cost column is right-aligned under its header.
            let index = row.index(row.startIndex, offsetBy: costEnd - 1)
            #expect(row[index] != " ", "misaligned: \(row)")
        }
        #expect(Self.table.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func unknownCostIsNoPriceNeverZero() {
        let local = Self.lines.filter { $0.hasPrefix("local ") }
        #expect(local.count == 3)
        for row in local {
            #expect(row.components(separatedBy: "no price").count - 1 == 2, "cost and cost/pass: \(row)")
            #expect(!row.contains("0.000000"))
        }
        #expect(Self.lines.filter { $0.hasPrefix("openai ") }.allSatisfy { !$0.contains("no price") })
    }

    @Test func simulatedGroupsAreMarked() {
        #expect(Self.lines.filter { $0.hasPrefix("mock ") }.allSatisfy { $0.hasSuffix("simulated") })
        #expect(Self.lines.filter { $0.hasPrefix("openai ") || $0.hasPrefix("local ") }.allSatisfy { !$0.contains("simulated") })
    }

    @Test func figures() {
        let openai = Self.lines[2]
        // n, errors, pass rate, quality, latency p50 / p95, TTFT p50, cost, cost/pass.
        for figure in ["3", "0", "66.7%", "0.800", "812.5", "2241.9", "210.3", "0.000093", "0.000047"] {
            #expect(openai.split(separator: " ").contains(Substring(figure)), "\(figure) in: \(openai)")
        }
    }

    @Test func terminalControlCharactersAreNeutralised() {
        var run = Fixture.run
        run.notices = ["bad\u{1B}[31m red\nnext"]
        let table = try! render(RunReport(run: run, results: []), as: .table)
        #expect(!table.unicodeScalars.contains("\u{1B}"))
        #expect(table.hasSuffix("note: bad [31m red next\n"))
    }

    @Test(arguments: [(3.0, 1, "3.0"), (-0.04, 1, "0.0"), (0.0000465, 6, "0.000047"), (1234.5678, 2, "1234.57"), (7.0, 0, "7"),
                      (-2.5, 1, "-2.5"), (Double.nan, 2, "-")])
    func fixedDecimals(_ value: Double, _ decimals: Int, _ expected: String) {
        #expect(Figures.fixed(value, decimals) == expected)
    }
}

struct JSONReportTests {
    @Test func isTheCoreContractPlusNewline() throws {
        let text = try render(Fixture.report, as: .json)
        #expect(text == Fixture.report.json.jsonText + "\n")
        let parsed = try JSONValue.parse(String(text.dropLast()))
        #expect(parsed == Fixture.report.json)
        #expect(parsed["format"] == "llmbench.run/1")
        let summary = try #require(parsed["summary"]?.arrayValue)
        #expect(summary.count == Fixture.report.summary.count)
        for key in ["provider", "model", "category", "n", "errors", "passed", "latency_ms", "ttft_ms", "cost_usd", "unpriced",
                    "quality_mean", "pass_rate", "cost_per_pass_usd", "simulated"]
        {
            #expect(summary[0][key] != nil, "summary field \(key)")
        }
        let local = try #require(summary.first { $0["provider"] == "local" && $0["category"] == .null })
        #expect(local["cost_usd"] == .null, "unknown cost is null, never 0")
        #expect(local["cost_per_pass_usd"] == .null)
        #expect(parsed["results"]?.arrayValue?.count == Fixture.results.count)
    }
}
