import LLMBenchCore
import Testing
@testable import LLMBenchReports

/// The table on a terminal: fitted to its width, coloured unless NO_COLOR; elsewhere plain.
struct TerminalStyleTests {
    static func table(_ style: TerminalStyle?) throws -> String {
        var bytes: [UInt8] = []
        try StreamingReport(run: Fixture.report.run, results: ResultList(Fixture.report.results))
            .write(.table, options: RenderOptions(terminal: style), to: ReportOutput { bytes.append(contentsOf: $0) })
        return String(decoding: bytes, as: UTF8.self)
    }

    /// What a person sees: the text without ANSI colour codes.
    static func visible(_ text: String) -> String {
        text.replacing(/\u{1B}\[[0-9;]*m/, with: "")
    }

    @Test func offATerminalTheTableIsPlainAndWhole() throws {
        let plain = try Self.table(nil)
        #expect(!plain.contains("\u{1B}["))
        #expect(try Self.table(TerminalStyle(width: 0, colour: false)) == plain, "no width limit, no colour: the same table")
        #expect(plain.contains("cost/pass USD") && plain.contains("note"))
    }

    @Test func onANarrowTerminalTheLeastNeededColumnsGoAndALineSaysWhich() throws {
        let wide = try Self.table(nil)
        let widest = wide.split(separator: "\n").map(\.count).max()!
        let narrow = try Self.table(TerminalStyle(width: widest - 40, colour: false))
        let lines = narrow.split(separator: "\n").map(String.init)
        let tableLines = lines.prefix { !$0.hasPrefix("(left out") && !$0.isEmpty }
        #expect(tableLines.allSatisfy { $0.count <= widest - 40 }, "\(tableLines.map(\.count))")
        #expect(narrow.contains("(left out to fit \(widest - 40) columns: note, cost/pass USD"))
        #expect(tableLines.first?.contains("pass rate") == true && tableLines.first?.contains("quality") == true, "the pass rate and quality stay")
    }

    @Test func coloursMarkThePassRateAndErrorsAndAreOnlyDecoration() throws {
        let coloured = try Self.table(TerminalStyle(width: 0, colour: true))
        #expect(coloured.contains("\u{1B}[32m100.0%\u{1B}[0m"), "a full pass rate in green")
        #expect(coloured.contains("\u{1B}[31m33.3%\u{1B}[0m"), "a low one in red")
        #expect(coloured.contains("\u{1B}[31m1\u{1B}[0m"), "errors in red")
        #expect(Self.visible(coloured) == (try Self.table(nil)), "without the codes, the same table")
    }

    @Test func noColorAndDumbTerminalsTurnColourOff() {
        #expect(TerminalStyle.make(isTerminal: true, measuredColumns: 120, environment: [:]) == TerminalStyle(width: 120, colour: true))
        #expect(TerminalStyle.make(isTerminal: true, measuredColumns: 120, environment: ["NO_COLOR": "1"])?.colour == false)
        #expect(TerminalStyle.make(isTerminal: true, measuredColumns: 120, environment: ["NO_COLOR": ""])?.colour == true, "no-color.org: an empty value does not count")
        #expect(TerminalStyle.make(isTerminal: true, measuredColumns: nil, environment: ["TERM": "dumb", "COLUMNS": "90"]) == TerminalStyle(width: 90, colour: false))
        #expect(TerminalStyle.make(isTerminal: false, measuredColumns: 120, environment: [:]) == nil, "a pipe or a file: plain")
    }
}
