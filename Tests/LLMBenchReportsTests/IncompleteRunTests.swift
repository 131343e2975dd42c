import Foundation
import LLMBenchCore
import Testing
@testable import LLMBenchReports

/// An interrupted run is visible in every format: what ran is reported, what never ran is named,
/// and JUnit turns the missing requests into errors so CI cannot read the run as green.
struct IncompleteRunTests {
    /// The fixture's nine results, of a plan that also had a third capital repeat, a `haiku` test
    /// and a provider (`late`) that never got to run anything.
    static let plan = RunPlan(providers: ["openai", "local", "mock", "late"], tests: [
        RunPlan.Test(name: "capital", category: "qa", repeats: 3),
        RunPlan.Test(name: "fizzbuzz", category: "code", repeats: 1),
        RunPlan.Test(name: "haiku", category: "writing", repeats: 1),
    ])

    static let report: RunReport = {
        var run = Fixture.run
        run.status = .interrupted
        run.statusReason = "cancelled (Ctrl-C or SIGTERM)"
        run.plan = plan
        return RunReport(run: run, results: Fixture.results)
    }()

    @Test func theMissingRequestsAreThePlanLessTheResults() {
        // 5 test runs × 4 providers = 20 planned; 9 results.
        #expect(Self.plan.count == 20)
        #expect(Self.report.notStarted.count == 11)
        #expect(Self.report.notStarted.filter { $0.provider == "late" }.count == 5)
        #expect(Self.report.notStarted.contains(RunPlan.Item(test: "capital", category: "qa", provider: "openai", repeatIndex: 2)))
        #expect(!Self.report.notStarted.contains { $0.test == "capital" && $0.provider == "openai" && $0.repeatIndex < 2 })
        #expect(RunPlan(json: Self.plan.json) == Self.plan)
    }

    @Test func jsonCarriesTheStatusAndTheCounts() throws {
        let json = try JSONValue.parse(try render(Self.report, as: .json))
        #expect(json["run"]?["status"] == "interrupted")
        #expect(json["run"]?["status_reason"] == "cancelled (Ctrl-C or SIGTERM)")
        #expect(json["run"]?["planned"] == 20 && json["run"]?["done"] == 9 && json["run"]?["not_started"] == 11)
        let complete = try JSONValue.parse(try render(Fixture.report, as: .json))
        #expect(complete["run"]?["status"] == "complete" && complete["run"]?["not_started"] == 0)
    }

    @Test func markdownSaysSoAtTheTopAndListsWhatNeverRan() throws {
        let markdown = try render(Self.report, as: .markdown)
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[2].hasPrefix("> **INCOMPLETE RUN, interrupted: cancelled (Ctrl-C or SIGTERM). 9 results of 20 planned; 11 not started.**"))
        let notStarted = lines.drop { $0 != "## Not started" }.dropFirst(2).prefix { $0.hasPrefix("|") }
        #expect(notStarted.count == 2 + 11)
        #expect(notStarted.contains("| capital #3 | qa | openai |"))
        #expect(!(try render(Fixture.report, as: .markdown)).contains("INCOMPLETE"))
    }

    @Test func theTableSaysSoFirstAndLast() throws {
        let table = try render(Self.report, as: .table).split(separator: "\n").map(String.init)
        #expect(table.first?.hasPrefix("INCOMPLETE RUN, interrupted") == true)
        #expect(table.last?.hasPrefix("INCOMPLETE RUN, interrupted") == true)
    }

    @Test func junitMakesEveryMissingRequestAnError() throws {
        let xml = try render(Self.report, as: .junit, options: RenderOptions(hostname: Fixture.hostname))
        let parsed = try #require(ParsedJUnit(xml))
        #expect(parsed.suites.map { $0.attributes["name"] } == ["openai", "local", "mock", "late"])
        // Each provider: its own errors plus its not-run requests (capital #3, haiku; late: all five).
        #expect(parsed.suites.map(\.errors) == [2, 3, 2, 5])
        #expect(parsed.suites.map(\.testcases) == [5, 5, 5, 5])
        #expect(parsed.suites.map { $0.attributes["errors"] } == ["2", "3", "2", "5"])
        #expect(parsed.suites.map { $0.properties["run_status"] } == ["interrupted", "interrupted", "interrupted", "interrupted"])
        #expect(parsed.suites[3].names == ["capital #1", "capital #2", "capital #3", "fizzbuzz", "haiku"])
        #expect(xml.contains(#"<error message="not run: INCOMPLETE RUN, interrupted"#) && xml.contains(#"type="not_run""#))
        try JUnitReportTests.validate(xml)
    }

    @Test func aRunStillGoingSaysSoAndIsNotGreenYet() throws {
        var run = Self.report.run
        run.status = .running
        let report = RunReport(run: run, results: Fixture.results)
        #expect(report.incompleteNote?.hasPrefix("RUN IN PROGRESS (not finished yet). 9 results so far of 20 planned; 11 not started yet.") == true)
        let parsed = try #require(ParsedJUnit(try render(report, as: .junit, options: RenderOptions(hostname: Fixture.hostname))))
        #expect(parsed.suites.map(\.errors) == [2, 3, 2, 5])
    }

    @Test func junitMarksAnIncompleteRunWithoutAPlanToo() throws {
        var run = Fixture.run
        run.status = .killed
        let xml = try render(RunReport(run: run, results: Fixture.results), as: .junit, options: RenderOptions(hostname: Fixture.hostname))
        let parsed = try #require(ParsedJUnit(xml))
        #expect(parsed.suites.map(\.errors) == [1, 1, 0], "one not_run error names the run")
        #expect(parsed.suites[0].names.last == "run \(run.id)")
        try JUnitReportTests.validate(xml)

        let empty = try render(RunReport(run: run, results: []), as: .junit, options: RenderOptions(hostname: Fixture.hostname))
        #expect(try #require(ParsedJUnit(empty)).suites.map(\.errors) == [1], "a run killed before any result is still red")
    }
}
