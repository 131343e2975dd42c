import Foundation
import LLMBenchCore

/// The report formats the CLI offers (`--format`).
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, json, markdown, csv, junit, html
}

/// What a rendering may vary besides the report itself. A parameter object, so options can be added
/// without breaking callers.
public struct RenderOptions: Sendable {
    /// The JUnit `hostname`; nil asks the system (gethostname), falling back to "localhost".
    /// Tests pin it so that golden files are stable.
    public var hostname: String?
    /// With `report --baseline`: the baseline's run id and what got significantly worse since it.
    /// JUnit adds a testsuite with a failing testcase per regression (one passing case when none).
    public var regressions: (baseline: String, list: [Regression])?
    /// The table on a terminal: fit to its width, coloured unless `NO_COLOR`. nil (a file, a pipe, a
    /// CI log): plain ASCII at full width.
    public var terminal: TerminalStyle?

    public init(hostname: String? = nil, regressions: (baseline: String, list: [Regression])? = nil, terminal: TerminalStyle? = nil) {
        self.hostname = hostname
        self.regressions = regressions
        self.terminal = terminal
    }
}

/// How the table is drawn on a terminal.
public struct TerminalStyle: Sendable, Equatable {
    /// Columns available; 0 for no limit.
    public var width: Int
    public var colour: Bool

    public init(width: Int, colour: Bool) {
        self.width = width
        self.colour = colour
    }

    /// Standard output's, when it is a terminal: its width (`TIOCGWINSZ`, else `COLUMNS`), colour
    /// unless `NO_COLOR` is set (no-color.org) or `TERM` is `dumb`. nil when it is not a terminal.
    public static func standardOutput(environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalStyle? {
        var size = winsize()
        let measured = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : nil
        return make(isTerminal: isatty(STDOUT_FILENO) == 1, measuredColumns: measured, environment: environment)
    }

    /// The decision itself, apart from the system calls.
    static func make(isTerminal: Bool, measuredColumns: Int?, environment: [String: String]) -> TerminalStyle? {
        guard isTerminal else { return nil }
        let columns = measuredColumns ?? Int(environment["COLUMNS"] ?? "") ?? 0
        let noColour = !(environment["NO_COLOR"] ?? "").isEmpty || environment["TERM"] == "dumb"
        return TerminalStyle(width: columns, colour: !noColour)
    }
}

/// A run rendered from wherever its results lie (the store, usually), reading them as each format
/// needs them: one pass gathers the counts, summaries and case names (`tally()`), and the formats that
/// list results read them again as they write. Memory holds numbers per group, never the results.
///
/// Every pass must see the same results: over a store that a run may still be writing, render inside
/// one snapshot (`ResultStore.withSnapshot`).
public final class StreamingReport {
    public let run: RunInfo
    public let results: any ResultSource
    private var overviewRead: Overview?
    private var decisionsRead: [DecisionTally.Decision]?
    private var decisionTally: DecisionTally?

    public init(run: RunInfo, results: any ResultSource) {
        self.run = run
        self.results = results
    }

    /// For a run whose results were already added up as they came (`RunningTally`): no pass to tally them again.
    public init(tally: RunTally, results: any ResultSource) {
        self.run = tally.run
        self.results = results
        overviewRead = Overview(tally)
    }

    /// What the run's results add up to; read in one pass on first use.
    public func tally() throws(LLMBenchError) -> RunTally { try overview().tally }

    /// Which model for which category (Docs/statistics.md): found in the overview's pass, or in a
    /// pass of its own when the tally came from the runner.
    public func decisions() throws(LLMBenchError) -> [DecisionTally.Decision] {
        if let decisionsRead { return decisionsRead }
        if overviewRead == nil { _ = try overview() }
        if decisionTally == nil {
            var decisions = DecisionTally(current: run.plan?.current)
            try results.forEachFigures(matching: .all) { decisions.add($0) }
            decisionTally = decisions
        }
        decisionsRead = decisionTally!.decisions()
        return decisionsRead!
    }

    func overview() throws(LLMBenchError) -> Overview {
        if let overviewRead { return overviewRead }
        var tally = RunTally(run: run)
        var decisions = DecisionTally(current: run.plan?.current)
        try results.forEachFigures(matching: .all) { result throws(LLMBenchError) in
            tally.add(result)
            decisions.add(result)
        }
        let overview = Overview(tally)
        // Gathered in the same pass; the comparisons are made only if a format asks (`decisions()`).
        decisionTally = decisions
        overviewRead = overview
        return overview
    }

    /// Writes the report in `format` to `output` and flushes it. Every format except JSON ends with a
    /// newline-terminated last line; JSON is the same text as `RunReport.json` (the contract in Core)
    /// plus a newline.
    public func write(_ format: ReportFormat, options: RenderOptions = RenderOptions(), to output: ReportOutput) throws(LLMBenchError) {
        switch format {
        case .table: try output.write(TerminalTable.render(try overview(), style: options.terminal))
        case .json: try JSONReport.write(self, to: output)
        case .markdown: try MarkdownReport.write(self, to: output)
        case .csv: try CSVReport.write(self, to: output)
        case .junit: try JUnitReport.write(self, hostname: options.hostname ?? SystemHost.name(), regressions: options.regressions, to: output)
        case .html: try HTMLReport.write(self, to: output)
        }
        try output.flush()
    }
}

/// What one pass over a run's results gathers for every format.
struct Overview {
    var tally: RunTally
    var summary: [GroupSummary]
    var names: CaseNames

    init(_ tally: RunTally) {
        self.tally = tally
        summary = tally.summary
        names = CaseNames(tally)
    }
}

/// Renders a run held in memory, as one string.
public func render(_ report: RunReport, as format: ReportFormat, options: RenderOptions = RenderOptions()) throws(LLMBenchError) -> String {
    var bytes: [UInt8] = []
    let output = ReportOutput { bytes.append(contentsOf: $0) }
    try StreamingReport(run: report.run, results: ResultList(report.results)).write(format, options: options, to: output)
    return String(decoding: bytes, as: UTF8.self)
}

/// Untrusted text made safe for one terminal line (control characters and ANSI escapes become spaces).
public func terminalSafe(_ text: String) -> String { Figures.terminalSafe(text) }

/// Untrusted text made inert anywhere in HTML, text or quoted attribute (what the HTML report does
/// to every answer); for the dashboard's pages.
public func htmlSafe(_ text: String) -> String { HTMLReport.escape(text) }

/// The HTML report's style sheet, so the dashboard's pages look like it.
public let htmlStyle = HTMLReport.style

/// `value` with exactly `decimals` places, as every report writes numbers (no locale, no negative zero).
public func fixedDecimals(_ value: Double, _ decimals: Int) -> String { Figures.fixed(value, decimals) }

/// The HTML report's inline SVG of mean cost against mean quality for `groups`, with the frontier
/// (the providers named) drawn through; for the dashboard's leaderboard.
public func costQualitySVG(_ groups: [GroupSummary], frontier: [String]) -> String { HTMLReport.costQualityChart(groups, frontier: frontier) }
