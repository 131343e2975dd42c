import LLMBenchCore

/// The report formats the CLI offers (`--format`).
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, json, markdown, csv, junit
}

/// What a rendering may vary besides the report itself. A parameter object, so options can be added
/// without breaking callers.
public struct RenderOptions: Sendable {
    /// The JUnit `hostname`; nil asks the system (gethostname), falling back to "localhost".
    /// Tests pin it so that golden files are stable.
    public var hostname: String?

    public init(hostname: String? = nil) {
        self.hostname = hostname
    }
}

/// Renders a finished run. Every format except JSON ends with a newline-terminated last line; JSON is
/// `RunReport.json` (the contract in Core) plus a newline.
public func render(_ report: RunReport, as format: ReportFormat, options: RenderOptions = RenderOptions()) throws -> String {
    switch format {
    case .table: return TerminalTable.render(report)
    case .json: return report.json.jsonText + "\n"
    case .markdown: return MarkdownReport.render(report)
    case .csv: return CSVReport.render(report)
    case .junit: return try JUnitReport.render(report, hostname: options.hostname ?? SystemHost.name())
    }
}

/// Untrusted text made safe for one terminal line (control characters and ANSI escapes become spaces).
public func terminalSafe(_ text: String) -> String { Figures.terminalSafe(text) }
