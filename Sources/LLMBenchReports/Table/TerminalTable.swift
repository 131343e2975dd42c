import LLMBenchCore

/// The comparative table printed at the end of a run: ASCII rules, aligned, no colour, so it reads the
/// same in a terminal, a CI log and a pasted issue.
enum TerminalTable {
    static func render(_ overview: Overview) -> String {
        let run = overview.tally.run
        let headers = ["provider", "model", "category"] + SummaryColumns.headers
        let rows = overview.summary.map { group in
            [group.provider, group.model, group.category ?? "all"].map(Figures.terminalSafe) + SummaryColumns.cells(group)
        }
        // Columns after provider, model and category hold figures; the last (note) is text.
        let rightAligned = Set(3..<(headers.count - 1))
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { i, cell in
                let fill = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? fill + cell : cell + fill
            }
            return trimmingTrailingSpaces(padded.joined(separator: "  "))
        }
        let rule = String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))

        let incompleteNote = overview.tally.incompleteNote
        var out = incompleteNote.map { [Figures.terminalSafe($0), ""] } ?? []
        out += [line(headers), rule]
        let overallCount = overview.summary.prefix { $0.category == nil }.count
        for (i, row) in rows.enumerated() {
            // Summaries list overall groups first, then per-category ones; a rule separates the two.
            if i == overallCount, i > 0 { out.append(rule) }
            out.append(line(row))
        }
        if rows.isEmpty { out.append("(no results)") }
        if !run.notices.isEmpty { out.append("") }
        for notice in run.notices { out.append("note: " + Figures.terminalSafe(notice)) }
        if let note = incompleteNote { out += ["", Figures.terminalSafe(note)] }
        return out.joined(separator: "\n") + "\n"
    }

    private static func trimmingTrailingSpaces(_ text: String) -> String {
        var text = Substring(text)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
