import LLMBenchCore
import Testing
@testable import LLMBenchReports

struct MarkdownReportTests {
    static let markdown = try! render(Fixture.report, as: .markdown)

    @Test func matchesGoldenFile() throws {
        try expectGolden(Self.markdown, named: "report.md")
    }

    /// A pull-request comment: the recommendation first, the long tables folded in <details>.
    @Test func theRecommendationComesFirstAndDetailsAreFolded() throws {
        let text = Self.markdown
        let recommendation = try #require(text.range(of: "## Recommendation"))
        let summary = try #require(text.range(of: "## Summary"))
        #expect(recommendation.lowerBound < summary.lowerBound)
        #expect(text.contains("## By category\n\n<details><summary>"))
        #expect(text.contains("## Failures\n\n<details><summary>3 failed or errored</summary>"))
        #expect(text.components(separatedBy: "<details>").count == text.components(separatedBy: "</details>").count)
    }

    /// A run with thousands of failures still fits a pull-request comment (65,536 characters): the
    /// first `listedRows` are listed, the rest counted, with where to find them.
    @Test func manyFailuresStillFitAPullRequestComment() throws {
        let failing = (0..<3_000).map { i in
            BenchResult(test: "t\(i)", category: "c", provider: "p", plugin: "mock", model: "m", repeatIndex: 0, status: .ok,
                        latencyMs: 1, quality: 0, passed: false,
                        scores: [ScoreOutcome(scorer: "exact_match", value: 0, passed: false, threshold: 1, explanation: "expected \"a\(i)\"")],
                        output: String(repeating: "long answer ", count: 40))
        }
        let text = try render(RunReport(run: Fixture.run, results: failing), as: .markdown)
        #expect(text.count < 65_536, "\(text.count) characters")
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| t") && !$0.hasPrefix("| test |") }
        #expect(rows.count == MarkdownReport.listedRows)
        #expect(rows.first?.hasPrefix("| t0 |") == true && rows.last?.hasPrefix("| t\(MarkdownReport.listedRows - 1) |") == true)
        #expect(text.contains("The first \(MarkdownReport.listedRows) of 3000; all of them: `llmbench report run-20261129-041200 --format csv`"))
    }

    @Test func headerNamesTheRunAndItsPrices() {
        #expect(Self.markdown.hasPrefix("# LLMBench report: smoke\n"))
        #expect(Self.markdown.contains("- Run: run-20261129-041200\n"))
        #expect(Self.markdown.contains("- Started: 2026-11-29T04:12:00Z\n"))
        #expect(Self.markdown.contains("- Price snapshot: 2026-11-01\n"))
    }

    /// Model output must not add or remove table cells, open tags or break rows.
    @Test func untrustedTextCannotBreakTables() throws {
        let lines = Self.markdown.split(separator: "\n").map(String.init)
        let failureTable = lines.drop { $0 != "## Failures" }.filter { $0.hasPrefix("|") }
        #expect(failureTable.count == 2 + 3, "header, rule and three failures")
        for row in failureTable {
            #expect(Self.unescapedPipes(row) == 7, "6 cells in: \(row)")
        }
        #expect(!Self.markdown.contains("<3"))
        #expect(!Self.markdown.unicodeScalars.contains("\u{1}"))
        #expect(Self.markdown.contains(#"i &lt; 3 &amp;&amp; i &gt; 0 ? "a\|b" : "c,d") }<br>line two  &amp; done"#))
    }

    @Test func unknownCostIsNoPriceNeverZero() throws {
        let localRows = Self.markdown.split(separator: "\n").filter { $0.hasPrefix("| local |") }
        #expect(localRows.count == 3, "overall, qa, code")
        for row in localRows {
            #expect(row.contains("| no price | no price |"))
            #expect(!row.contains("0.000000"))
        }
    }

    @Test func escapingMakesMarkupInert() {
        #expect(MarkdownReport.cell("a|b\r\nc<d>&e *f* [g](h) `i`") == #"a\|b<br>c&lt;d&gt;&amp;e \*f\* \[g\](h) \`i\`"#)
    }

    static func unescapedPipes(_ row: String) -> Int {
        var count = 0
        var escaped = false
        for character in row {
            if escaped { escaped = false; continue }
            if character == "\\" { escaped = true } else if character == "|" { count += 1 }
        }
        return count
    }
}
