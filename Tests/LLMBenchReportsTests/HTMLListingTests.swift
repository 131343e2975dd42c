import LLMBenchCore
import Testing
@testable import LLMBenchReports

/// The HTML page stays one a browser opens: every result of a run up to `listedResults`, above that
/// the failures only, with a line saying so.
struct HTMLListingTests {
    static func results(_ count: Int, failingEvery: Int) -> [BenchResult] {
        (0..<count).map { i in
            let passed = i % failingEvery != 0
            return BenchResult(test: "t\(i)", category: "c", provider: "p", plugin: "mock", model: "m", repeatIndex: 0, status: .ok,
                               latencyMs: 1, quality: passed ? 1 : 0, passed: passed, output: passed ? "right" : "wrong")
        }
    }

    static func listedRows(_ html: String) -> (pass: Int, fail: Int) {
        (html.components(separatedBy: "<tr class=\"pass\">").count - 1, html.components(separatedBy: "<tr class=\"fail\">").count - 1)
    }

    @Test func aRunUpToTheLimitIsListedWhole() throws {
        let html = try render(RunReport(run: Fixture.run, results: Self.results(HTMLReport.listedResults, failingEvery: 10)), as: .html)
        let rows = Self.listedRows(html)
        #expect(rows.pass + rows.fail == HTMLReport.listedResults && rows.fail == HTMLReport.listedResults / 10)
        #expect(!html.contains("failed or errored results of"))
    }

    @Test func aLargerRunListsItsFailuresOnlyAndSaysWhereTheRestAre() throws {
        let count = HTMLReport.listedResults + 1
        let html = try render(RunReport(run: Fixture.run, results: Self.results(count, failingEvery: 10)), as: .html)
        let rows = Self.listedRows(html)
        #expect(rows.pass == 0 && rows.fail == (count + 9) / 10)
        #expect(html.contains("All \((count + 9) / 10) failed or errored results of \(count); every result: <code>llmbench report run-20261129-041200 --format csv</code>"))
    }
}
