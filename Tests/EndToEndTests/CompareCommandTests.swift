import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// `llmbench compare A B` on runs of the Mock provider: answers made wrong at a seeded rate, and
/// a time to first token that differs between the runs.
struct CompareCommandTests {
    static func suite(wrongRate: Double, ttftMs: Int, tests: Int) -> String {
        let lines = (0..<tests).map { "  - {name: t\($0), category: \($0 % 2 == 0 ? "math" : "qa"), prompt: \"q\($0)\", expected: \"a\($0)\"}" }
        return """
            version: 1
            name: compare
            providers:
              - {id: p, plugin: mock, model: m, options: {mode: expected, wrong_rate: \(wrongRate), seed: 7, ttft_ms: \(ttftMs)}}
            defaults:
              scorers: [exact_match]
            tests:
            \(lines.joined(separator: "\n"))
            """
    }

    /// Runs a suite into the store; its id and results.
    static func run(_ cli: CLI, _ dir: TemporaryDirectory, _ name: String, _ yaml: String) throws -> (id: String, results: [JSONValue]) {
        let suite = dir.write("\(name).yaml", yaml)
        let result = try cli.run(["run", suite, "--store", dir.file("s.sqlite"), "--json", dir.file("\(name).json"), "--quiet", "--fail-on", "never"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONValue.parse(try String(contentsOfFile: dir.file("\(name).json"), encoding: .utf8))
        return (try #require(json["run"]?["id"]?.stringValue), try #require(json["results"]?.arrayValue))
    }

    @Test func aWorseRunIsSignificantlyWorseOnThePairedItems() throws {
        let cli = CLI(), dir = TemporaryDirectory()
        let a = try Self.run(cli, dir, "a", Self.suite(wrongRate: 0, ttftMs: 5, tests: 60))
        // B has 40 of A's 60 tests: only those are paired.
        let b = try Self.run(cli, dir, "b", Self.suite(wrongRate: 0.5, ttftMs: 15, tests: 40))
        let failedInB = b.results.count(where: { $0["passed"] == false })
        #expect(failedInB > 10, "the seeded wrong answers")

        let compared = try cli.run(["compare", a.id, b.id, "--store", dir.file("s.sqlite"), "--format", "json"])
        #expect(compared.status == 0, "\(compared.stderr)")
        let rows = try #require(try JSONValue.parse(compared.stdout)["comparisons"]?.arrayValue)
        #expect(rows.map { $0["category"]?.stringValue ?? "(all)" } == ["(all)", "math", "qa"])
        let overall = rows[0]
        #expect(overall["pairs"] == 40)
        #expect(overall["pass"]?["only_a"]?.intValue == failedInB && overall["pass"]?["only_b"] == 0)
        #expect(overall["pass"]?["rate_a"] == 1 && overall["pass"]?["significant"] == true)
        let expectedP = Inference.mcnemar(onlyA: failedInB, onlyB: 0).pValue
        #expect(abs((overall["pass"]?["p"]?.doubleValue ?? -1) - expectedP) < 1e-12)
        #expect((overall["quality"]?["mean_difference"]?.doubleValue ?? 0) < 0 && overall["quality"]?["significant"] == true)
        // TTFT 15 ms against 5: every answer is later; the interval is above 0.
        #expect((overall["latency_ms"]?["ci"]?["lower"]?.doubleValue ?? 0) > 5)

        let table = try cli.run(["compare", a.id, b.id, "--store", dir.file("s.sqlite")])
        #expect(table.stdout.contains("100.0% → \(String(format: "%.1f%%", Double(40 - failedInB) / 40 * 100))"))
    }

    /// The same configuration run twice: no difference is significant, and the report says so.
    @Test func twoRunsOfTheSameModelShowNoSignificantDifference() throws {
        let cli = CLI(), dir = TemporaryDirectory()
        let a = try Self.run(cli, dir, "a", Self.suite(wrongRate: 0.3, ttftMs: 5, tests: 30))
        let b = try Self.run(cli, dir, "b", Self.suite(wrongRate: 0.3, ttftMs: 5, tests: 30))
        let compared = try cli.run(["compare", a.id, b.id, "--store", dir.file("s.sqlite"), "--format", "json"])
        let overall = try #require(try JSONValue.parse(compared.stdout)["comparisons"]?.arrayValue?.first)
        #expect(overall["pass"]?["only_a"] == 0 && overall["pass"]?["only_b"] == 0, "the same seeded answers")
        #expect(overall["pass"]?["p"] == 1 && overall["pass"]?["significant"] == false)
        #expect(overall["quality"]?["significant"] == false)
        let table = try cli.run(["compare", a.id, b.id, "--store", dir.file("s.sqlite")])
        #expect(table.stdout.contains("(ns)"))

        let missing = try cli.run(["compare", a.id, "no-such-run", "--store", dir.file("s.sqlite")])
        #expect(missing.status == 2 && missing.stderr.contains("no run 'no-such-run'"))
    }
}

/// Tags name runs; `runs` filters by suite, tag and start time; `report --baseline` lists what got
/// significantly worse, and `--fail-on-regression` makes CI fail on it.
struct HistoryCommandTests {
    @Test func tagsNameRunsAndRunsFiltersByThem() throws {
        let cli = CLI(), dir = TemporaryDirectory()
        let store = dir.file("s.sqlite")
        let suite = dir.write("a.yaml", CompareCommandTests.suite(wrongRate: 0, ttftMs: 1, tests: 4))
        let first = try cli.run(["run", suite, "--store", store, "--quiet", "--tag", "nightly", "--tag", "v1"])
        #expect(first.status == 0, "\(first.stderr)")
        _ = try cli.run(["run", suite, "--store", store, "--quiet"])
        let tagged = try cli.run(["tag", "last", "candidate", "--store", store])
        #expect(tagged.status == 0 && tagged.stdout.hasSuffix(": candidate\n"), "\(tagged.stdout)\(tagged.stderr)")

        func listed(_ arguments: [String]) throws -> [JSONValue] {
            try JSONValue.parse(try cli.run(["runs", "--store", store, "--json"] + arguments).stdout).arrayValue ?? []
        }
        #expect(try listed([]).count == 2)
        #expect(try listed(["--tag", "nightly"]).map { $0["tags"] } == [.array([.string("nightly"), .string("v1")])])
        #expect(try listed(["--tag", "candidate"]).count == 1)
        #expect(try listed(["--suite", "compare"]).count == 2 && listed(["--suite", "other"]).isEmpty)
        #expect(try listed(["--since", "2000-01-01"]).count == 2 && listed(["--until", "2000-01-01"]).isEmpty)

        _ = try cli.run(["tag", "last", "candidate", "--remove", "--store", store])
        #expect(try listed(["--tag", "candidate"]).isEmpty)
        let bad = try cli.run(["tag", "last", "has space", "--store", store])
        #expect(bad.status == 2 && bad.stderr.contains("is not a tag"))
        #expect(try cli.run(["runs", "--store", store, "--since", "yesterday"]).status == 2)
    }

    @Test func aBaselineListsSignificantRegressionsAndFailsCIOnThem() throws {
        let cli = CLI(), dir = TemporaryDirectory()
        let store = dir.file("s.sqlite")
        // 20 ms a request, so that what a busy machine adds between the two runs is mostly under the
        // tenth of the mean a latency regression needs (at 2 ms it often was not).
        let good = try CompareCommandTests.run(cli, dir, "good", CompareCommandTests.suite(wrongRate: 0, ttftMs: 20, tests: 40))
        _ = try cli.run(["tag", good.id, "release", "--store", store])
        let worse = try CompareCommandTests.run(cli, dir, "worse", CompareCommandTests.suite(wrongRate: 0.5, ttftMs: 20, tests: 40))

        for baseline in [good.id, "release", "last"] {
            let report = try cli.run(["report", worse.id, "--store", store, "--baseline", baseline, "--fail-on-regression"])
            #expect(report.status == 1, "\(baseline): \(report.stderr)")
            #expect(report.stdout.contains("Regressions against \(good.id) (release)"))
            #expect(report.stdout.contains("p: pass rate 100.0% →") && report.stdout.contains("p: quality -"), "\(report.stdout)")
        }
        // The other way round is an improvement: no pass rate or quality regression is listed. Latency
        // is the machine's between two runs of a busy test suite (a tenth slower did happen), so the
        // exit code is checked to follow whatever was listed.
        let better = try cli.run(["report", good.id, "--store", store, "--baseline", worse.id, "--fail-on-regression"])
        #expect(!better.stdout.contains("p: pass rate") && !better.stdout.contains("p: quality"), "\(better.stdout.suffix(600))")
        #expect(better.status == (better.stdout.contains("none significant") ? 0 : 1))
        // Beside a file report, the list goes to standard error.
        let json = try cli.run(["report", worse.id, "--store", store, "--baseline", "release", "--format", "json", "--output", dir.file("r.json")])
        #expect(json.status == 0 && json.stderr.contains("pass rate 100.0% →"))
        // A baseline that names nothing is an error before any report.
        let missing = try cli.run(["report", good.id, "--store", store, "--baseline", "last"])
        #expect(missing.status == 2 && missing.stdout.isEmpty && missing.stderr.contains("no earlier run of suite 'compare'"))
        #expect(try cli.run(["report", worse.id, "--store", store, "--fail-on-regression"]).status == 2, "needs --baseline")

        // JUnit for CI: a testsuite of the regressions, each a failing testcase; valid against both schemas.
        let junit = try cli.run(["report", worse.id, "--store", store, "--baseline", "release", "--format", "junit", "--output", dir.file("r.xml")])
        #expect(junit.status == 0, "\(junit.stderr)")
        let xml = try String(contentsOfFile: dir.file("r.xml"), encoding: .utf8)
        #expect(xml.contains("<testsuite name=\"regressions against \(good.id)\""))
        #expect(xml.contains("<testcase name=\"pass_rate all\" classname=\"compare.regressions.p\""))
        #expect(xml.contains("type=\"regression\""))
        for schema in ["windyroad-JUnit.xsd", "jenkins-xunit-junit-10.xsd"] {
            let check = try Shell.run("/usr/bin/xmllint", ["--noout", "--schema", TestPaths.repo("Tests/Fixtures/junit/schemas/\(schema)"), dir.file("r.xml")])
            #expect(check.status == 0, "\(schema): \(check.stderr)")
        }
        let none = try cli.run(["report", good.id, "--store", store, "--baseline", worse.id, "--format", "junit"])
        #expect(!none.stdout.contains("<testcase name=\"pass_rate") && !none.stdout.contains("<testcase name=\"quality"))
        #expect(none.stdout.contains("<testcase name=\"no significant regression\"") == !none.stdout.contains("type=\"regression\""))
    }
}

/// `report --reprice [--on DATE]`: a run's costs at another day's prices, beside those at run time.
struct RepriceCommandTests {
    @Test func costsAtAnotherDaysPricesBesideThoseAtRunTime() throws {
        let cli = CLI(), dir = TemporaryDirectory()
        let prices = dir.write("prices.yaml", """
            version: 1
            prices:
              - {plugin: mock, model: m, effective: 2024-01-01, input: 1, output: 2, source: test}
              - {plugin: mock, model: m, effective: 2030-01-01, input: 2, output: 4, source: test}
            """)
        let suite = dir.write("s.yaml", """
            version: 1
            name: reprice
            providers:
              - {id: p, plugin: mock, model: m, options: {mode: expected, input_tokens: 1000, output_tokens: 500}}
            tests:
              - {name: a, prompt: q, expected: x}
              - {name: b, prompt: q, expected: y}
            """)
        let store = dir.file("s.sqlite")
        let ran = try cli.run(["run", suite, "--store", store, "--pricing", prices, "--quiet", "--json", dir.file("r.json")])
        #expect(ran.status == 0, "\(ran.stderr)")
        let atRun = try #require(try JSONValue.parse(try String(contentsOfFile: dir.file("r.json"), encoding: .utf8))["summary"]?.arrayValue?.first?["cost_usd"]?["total"]?.doubleValue)
        // 2 × (1,000 × $1 + 500 × $2) per million.
        #expect(abs(atRun - 0.004) < 1e-12)

        func repriced(_ on: String) throws -> String {
            let result = try cli.run(["report", "--last", "--store", store, "--reprice", "--on", on, "--pricing", prices])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }
        #expect(try repriced("2031-06-01").contains("p (mock/m): 0.004000 at run, 0.008000 re-priced, +100.0%; entry of 2030-01-01"))
        #expect(try repriced("2025-01-01").contains("0.004000 at run, 0.004000 re-priced, +0.0%; entry of 2024-01-01"))
        #expect(try repriced("2020-01-01").contains("re-priced" ) && repriced("2020-01-01").contains("no price re-priced, –; no entry on 2020-01-01"))
        let bad = try cli.run(["report", "--last", "--store", store, "--reprice", "--on", "2031-02-30"])
        #expect(bad.status == 2 && bad.stderr.contains("--on takes a day"))
        #expect(try cli.run(["report", "--last", "--store", store, "--on", "2031-01-01"]).status == 2, "--on goes with --reprice")
    }
}
