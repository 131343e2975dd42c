import LLMBenchCore

/// The comparative table printed at the end of a run: ASCII rules, aligned, so it reads the same in
/// a terminal, a CI log and a pasted issue. On a terminal (`style`), it fits the terminal's width —
/// the least needed columns go first, and a line says which — and it is coloured: the pass rate by
/// how high it is, errors in red, rules dim; `NO_COLOR` turns colour off.
enum TerminalTable {
    /// Columns of `SummaryColumns.headers` left out, in this order, until the table fits.
    static let dropOrder = ["note", "cost/pass USD", "TTFT p50 ms", "latency p95 ms", "errors", "n", "cost USD", "latency p50 ms"]

    static func render(_ overview: Overview, style: TerminalStyle? = nil) -> String {
        let run = overview.tally.run
        var headers = ["provider", "model", "category"] + SummaryColumns.headers
        var rows = overview.summary.map { group in
            [group.provider, group.model, group.category ?? "all"].map(Figures.terminalSafe) + SummaryColumns.cells(group)
        }
        // Columns after provider, model and category hold figures; the note is text.
        func rightAligned(_ header: String) -> Bool { !["provider", "model", "category", "note"].contains(header) }
        func widths() -> [Int] {
            var widths = headers.map(\.count)
            for row in rows {
                for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
            }
            return widths
        }
        var left: [String] = []
        if let style, style.width > 0 {
            for column in dropOrder where widths().reduce(0, +) + 2 * (headers.count - 1) > style.width {
                guard let i = headers.firstIndex(of: column) else { continue }
                headers.remove(at: i)
                rows = rows.map { var row = $0; row.remove(at: i); return row }
                left.append(column)
            }
        }
        let width = widths()
        let colour = style?.colour == true
        func paint(_ text: String, _ code: String) -> String { colour && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        /// A row's cells, coloured from its group's figures (the header's, bold).
        func line(_ cells: [String], of group: GroupSummary? = nil) -> String {
            let padded = cells.enumerated().map { i, cell -> String in
                let fill = String(repeating: " ", count: width[i] - cell.count)
                var shown = cell
                if let group {
                    if headers[i] == "pass rate" {
                        shown = paint(cell, group.passRate >= 0.9 ? "32" : group.passRate >= 0.5 ? "33" : "31")
                    } else if headers[i] == "errors", group.errors > 0 {
                        shown = paint(cell, "31")
                    }
                } else {
                    shown = paint(cell, "1")
                }
                return rightAligned(headers[i]) ? fill + shown : shown + fill
            }
            return trimmingTrailingSpaces(padded.joined(separator: "  "))
        }
        let rule = paint(String(repeating: "-", count: width.reduce(0, +) + 2 * (width.count - 1)), "2")

        let incompleteNote = overview.tally.incompleteNote
        var out = incompleteNote.map { [paint(Figures.terminalSafe($0), "1;33"), ""] } ?? []
        out += [line(headers), rule]
        let overallCount = overview.summary.prefix { $0.category == nil }.count
        for (i, row) in rows.enumerated() {
            // Summaries list overall groups first, then per-category ones; a rule separates the two.
            if i == overallCount, i > 0 { out.append(rule) }
            out.append(line(row, of: overview.summary[i]))
        }
        if rows.isEmpty { out.append("(no results)") }
        if !left.isEmpty {
            out.append("(left out to fit \(style!.width) columns: \(left.joined(separator: ", ")); widen the terminal, or use --format markdown)")
        }
        if !run.notices.isEmpty { out.append("") }
        for notice in run.notices { out.append("note: " + Figures.terminalSafe(notice)) }
        if let note = incompleteNote { out += ["", paint(Figures.terminalSafe(note), "1;33")] }
        return out.joined(separator: "\n") + "\n"
    }

    private static func trimmingTrailingSpaces(_ text: String) -> String {
        var text = Substring(text)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
