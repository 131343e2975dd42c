import LLMBenchCore

/// A report for pull requests and wikis (GitHub-flavoured Markdown): run header, summary, per-category
/// table and the failures. Everything that comes from a model or a provider is escaped.
enum MarkdownReport {
    /// How much of an answer a failure row shows.
    static let outputLimitCharacters = 200
    /// How many failures (and requests not started) are listed: a pull-request comment holds 65,536
    /// characters, and a row can take a few hundred. The rest are counted, with where to find them.
    static let listedRows = 100

    static func write(_ report: StreamingReport, to output: ReportOutput) throws(LLMBenchError) {
        let run = report.run
        let overview = try report.overview()
        let tally = overview.tally
        func line(_ text: String) throws(LLMBenchError) { try output.write(text + "\n") }
        func lines(_ texts: [String]) throws(LLMBenchError) { for text in texts { try line(text) } }

        try lines(["# LLMBench report: \(inline(run.suite))", ""])
        if let note = tally.incompleteNote { try lines(["> **\(inline(note))**", ""]) }
        try line("- Run: \(inline(run.id))")
        try line("- Started: \(Timestamps.iso8601(run.startedAt))")
        if let finished = run.finishedAt { try line("- Finished: \(Timestamps.iso8601(finished))") }
        try line("- Price snapshot: \(inline(run.prices.date))")
        let (failed, errored) = (tally.thresholdFailures, tally.errors)
        try lines(["- Results: \(tally.done) (\(tally.done - failed - errored) passed, \(failed) failed, \(errored) errored)", ""])

        // The answer first: which model for which category.
        let decisions = try report.decisions()
        if !decisions.isEmpty {
            try lines(["## Recommendation", ""])
            try lines(tableHead(["category", "use", "best quality", "saving", "not significantly worse than the best"]))
            for decision in decisions {
                guard let r = decision.recommendation else { continue }
                let saving = r.savingPercent.map { String(format: "%.0f%% vs %@", $0, r.reference) } ?? "–"
                try line(tableRow([cell(decision.category ?? "all"), cell(r.chosen), cell(r.best), cell(saving),
                                   cell(r.candidates.joined(separator: ", "))]))
            }
            try lines(["", "The cheapest model whose quality is not significantly worse (p < 0.05, paired on the same tests) than the best's; its saving is against the suite's `current:` provider, else the costliest (Docs/statistics.md).", ""])
        }

        try lines(["## Summary", ""])
        let overall = overview.summary.filter { $0.category == nil }
        try lines(tableHead(["provider", "model"] + SummaryColumns.headers))
        try lines(overall.map { tableRow([cell($0.provider), cell($0.model)] + SummaryColumns.cells($0)) })
        // Details folded, so the report fits a pull-request comment (GitHub renders <details>).
        let byCategory = overview.summary.filter { $0.category != nil }
        try lines(["", "## By category", "", "<details><summary>\(byCategory.count) rows</summary>", ""])
        try lines(tableHead(["provider", "model", "category"] + SummaryColumns.headers))
        try lines(byCategory.map { tableRow([cell($0.provider), cell($0.model), cell($0.category ?? "")] + SummaryColumns.cells($0)) })
        try lines(["", "</details>", "", "## Failures", ""])
        if failed + errored == 0 {
            try line("None.")
        } else {
            try lines(["<details><summary>\(failed + errored) failed or errored</summary>", ""])
            try lines(tableHead(["test", "provider", "model", "kind", "detail", "output"]))
            try report.results.forEachResult(matching: ResultFilter(onlyFailures: true, limit: listedRows)) { result throws(LLMBenchError) in
                try line(tableRow(failureRow(result, name: overview.names.name(result))))
            }
            if failed + errored > listedRows { try lines(["", more(failed + errored, run: run)]) }
            try lines(["", "</details>"])
        }

        if tally.notStartedCount > 0 {
            try lines(["", "## Not started", ""])
            try lines(tableHead(["test", "category", "provider"]))
            var listed = 0
            try tally.forEachNotStarted { item throws(LLMBenchError) in
                listed += 1
                guard listed <= listedRows else { return }
                try line(tableRow([cell(overview.names.name(test: item.test, repeatIndex: item.repeatIndex)), cell(item.category), cell(item.provider)]))
            }
            if tally.notStartedCount > listedRows { try lines(["", more(tally.notStartedCount, run: run)]) }
        }

        if !run.notices.isEmpty {
            try lines(["", "## Notices", ""])
            try lines(run.notices.map { "- " + inline($0) })
        }
    }

    /// The line under a list cut at `listedRows`.
    private static func more(_ total: Int, run: RunInfo) -> String {
        "The first \(listedRows) of \(total); all of them: `llmbench report \(inline(run.id)) --format csv` (or `json`)."
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

    private static func tableHead(_ headers: [String]) -> [String] { [tableRow(headers), tableRow(headers.map { _ in "---" })] }

    private static func tableRow(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

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
