import LLMBenchCore

/// A report for pull requests and wikis (GitHub-flavoured Markdown): run header, summary, per-category
/// table and the failures. Everything that comes from a model or a provider is escaped.
enum MarkdownReport {
    /// How much of an answer a failure row shows.
    static let outputLimitCharacters = 200

    static func render(_ report: RunReport) -> String {
        let run = report.run
        var out: [String] = []
        out.append("# LLMBench report: \(inline(run.suite))")
        out.append("")
        if let note = report.incompleteNote {
            out.append("> **\(inline(note))**")
            out.append("")
        }
        out.append("- Run: \(inline(run.id))")
        out.append("- Started: \(Timestamps.iso8601(run.startedAt))")
        if let finished = run.finishedAt { out.append("- Finished: \(Timestamps.iso8601(finished))") }
        out.append("- Price snapshot: \(inline(run.prices.date))")
        let failed = report.results.filter { $0.status == .ok && !$0.passed }.count
        let errored = report.results.filter { $0.status == .error }.count
        out.append("- Results: \(report.results.count) (\(report.results.count - failed - errored) passed, \(failed) failed, \(errored) errored)")
        out.append("")

        out.append("## Summary")
        out.append("")
        let overall = report.summary.filter { $0.category == nil }
        out += table(headers: ["provider", "model"] + SummaryColumns.headers,
                     rows: overall.map { [cell($0.provider), cell($0.model)] + SummaryColumns.cells($0) })
        out.append("")

        out.append("## By category")
        out.append("")
        let byCategory = report.summary.filter { $0.category != nil }
        out += table(headers: ["provider", "model", "category"] + SummaryColumns.headers,
                     rows: byCategory.map { [cell($0.provider), cell($0.model), cell($0.category ?? "")] + SummaryColumns.cells($0) })
        out.append("")

        out.append("## Failures")
        out.append("")
        let failures = report.results.filter { $0.status == .error || !$0.passed }
        if failures.isEmpty {
            out.append("None.")
        } else {
            let names = CaseNames(report.results, plan: run.plan)
            out += table(headers: ["test", "provider", "model", "kind", "detail", "output"],
                         rows: failures.map { failureRow($0, name: names.name($0)) })
        }

        if !report.notStarted.isEmpty {
            out.append("")
            out.append("## Not started")
            out.append("")
            let names = CaseNames(report.results, plan: run.plan)
            out += table(headers: ["test", "category", "provider"],
                         rows: report.notStarted.map { [cell(names.name(test: $0.test, repeatIndex: $0.repeatIndex)), cell($0.category), cell($0.provider)] })
        }

        if !run.notices.isEmpty {
            out.append("")
            out.append("## Notices")
            out.append("")
            out += run.notices.map { "- " + inline($0) }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func failureRow(_ result: BenchResult, name: String) -> [String] {
        let kind: String
        let detail: String
        if result.status == .error {
            kind = result.error?.kind.rawValue ?? ErrorKind.internal.rawValue
            detail = result.error?.message ?? ""
        } else {
            kind = "threshold"
            let explanations = result.scores.filter { !$0.passed }.compactMap(\.explanation)
            detail = ([Figures.scorerFailures(result)] + explanations).joined(separator: "\n")
        }
        return [cell(name), cell(result.provider), cell(result.model), cell(kind),
                cell(detail), cell(Figures.truncated(result.output, limit: outputLimitCharacters))]
    }

    private static func table(headers: [String], rows: [[String]]) -> [String] {
        func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
        return [line(headers), line(headers.map { _ in "---" })] + rows.map(line)
    }

    /// Untrusted text made inert in a table cell: line breaks become `<br>`, and everything else that
    /// Markdown or HTML would interpret is escaped (see `inline`).
    static func cell(_ text: String) -> String {
        let lines = text.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { inline(String($0)) }.joined(separator: "<br>")
    }

    /// Untrusted text made inert on one line: HTML is entity-escaped (no tags reach a renderer), Markdown
    /// punctuation is backslash-escaped (no links, emphasis or code spans; `|` cannot end a cell), and
    /// control characters, line breaks included, become spaces.
    static func inline(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "`", "*", "_", "[", "]", "|", "~":
                out += "\\"
                out.unicodeScalars.append(scalar)
            default:
                if scalar.properties.generalCategory == .control { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

private extension String {
    /// CR LF and lone CR become LF, so every line break is one character.
    func replacingCRLF() -> String {
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                out.append("\n")
                previousWasCR = true
                continue
            }
            if !(scalar == "\n" && previousWasCR) { out.append(scalar) }
            previousWasCR = false
        }
        return String(out)
    }
}
