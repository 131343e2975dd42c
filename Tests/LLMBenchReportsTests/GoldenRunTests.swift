import LLMBenchCore
import Testing
@testable import LLMBenchReports

/// Every format of several kinds of run, byte for byte against Golden/runs/. The files were written by
/// the renderers that built each report whole in memory, so they pin the streaming renderers to the
/// same bytes.
struct GoldenRunTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var report: RunReport
        var testDescription: String { name }
    }

    static let formats: [(ReportFormat, String)] = [
        (.table, "table.txt"), (.json, "json"), (.markdown, "md"), (.csv, "csv"), (.junit, "junit.xml"), (.html, "html"),
    ]

    static func run(_ status: RunStatus, reason: String? = nil, plan: RunPlan? = nil) -> RunInfo {
        var run = Fixture.run
        run.status = status
        run.statusReason = reason
        run.plan = plan
        if status == .running { run.finishedAt = nil }
        return run
    }

    static let cases: [Case] = [
        Case(name: "complete", report: Fixture.report),
        Case(name: "interrupted", report: IncompleteRunTests.report),
        Case(name: "running", report: RunReport(run: run(.running, plan: IncompleteRunTests.plan), results: Fixture.results)),
        Case(name: "killed-without-plan", report: RunReport(run: run(.killed, reason: "the process is gone"), results: Fixture.results)),
        Case(name: "killed-empty", report: RunReport(run: run(.killed), results: [])),
        Case(name: "complete-empty", report: RunReport(run: Fixture.run, results: [])),
        // One provider with two models: JUnit pools its figures.
        Case(name: "two-models", report: RunReport(run: Fixture.run, results: Fixture.results.map { result in
            var result = result
            if result.provider == "openai" && result.repeatIndex == 1 { result.model = "gpt-4o" }
            return result
        })),
    ]

    @Test(arguments: cases)
    func everyFormatMatchesItsGoldenFile(_ runCase: Case) throws {
        for (format, suffix) in Self.formats {
            let text = try render(runCase.report, as: format, options: RenderOptions(hostname: Fixture.hostname))
            try expectGolden(text, named: "runs/\(runCase.name).\(suffix)")
        }
    }
}
