import Foundation
import LLMBenchCore

/// One self-contained HTML file (Docs/output-formats.md "HTML"): the recommendation, charts as
/// inline SVG (cost against quality with the frontier, latency per provider, pass rate per
/// category), the summary, and every result with its output escaped and folded. It fetches nothing:
/// no script, no external style or image, and a Content-Security-Policy of `default-src 'none'`
/// says so to the browser. Results are written as they are read, so memory does not grow with them.
enum HTMLReport {
    /// The most results the page lists (a browser slows down past a few thousand rows of folded answers).
    static let listedResults = 5000

    static func write(_ report: StreamingReport, to output: ReportOutput) throws(LLMBenchError) {
        let run = report.run
        let overview = try report.overview()
        let tally = overview.tally
        let decisions = try report.decisions()
        func put(_ text: String) throws(LLMBenchError) { try output.write(text) }

        try put("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>LLMBench report: \(escape(run.suite))</title>
            <style>\(style)</style></head><body>
            <h1>LLMBench report: \(escape(run.suite))</h1>

            """)
        let (failed, errored) = (tally.thresholdFailures, tally.errors)
        try put("<p class=\"meta\">Run \(escape(run.id)) · started \(Timestamps.iso8601(run.startedAt)) · prices of \(escape(run.prices.date)) · "
            + "\(tally.done) results (\(tally.done - failed - errored) passed, \(failed) failed, \(errored) errored)</p>\n")
        if let note = tally.incompleteNote { try put("<p class=\"warning\">\(escape(note))</p>\n") }

        if !decisions.isEmpty {
            try put("<h2>Recommendation</h2>\n<table><tr><th>category</th><th>use</th><th>best quality</th><th>saving</th><th>not significantly worse than the best</th></tr>\n")
            for decision in decisions {
                guard let r = decision.recommendation else { continue }
                let saving = r.savingPercent.map { String(format: "%.0f%% vs ", $0) + escape(r.reference) } ?? "–"
                try put("<tr><td>\(escape(decision.category ?? "all"))</td><td><b>\(escape(r.chosen))</b></td><td>\(escape(r.best))</td>"
                    + "<td>\(saving)</td><td>\(escape(r.candidates.joined(separator: ", ")))</td></tr>\n")
            }
            try put("</table>\n<p class=\"note\">The cheapest model whose quality is not significantly worse (p &lt; 0.05, paired on the same tests) than the best's.</p>\n")
        }

        let overall = overview.summary.filter { $0.category == nil }
        try put("<h2>Cost and quality</h2>\n" + costQualityChart(overall, frontier: decisions.first?.frontier ?? []))
        try put("<h2>Latency</h2>\n" + latencyChart(overall))
        try put("<h2>Pass rate by category</h2>\n" + categoryChart(overview.summary.filter { $0.category != nil }))

        try put("<h2>Summary</h2>\n<table><tr>" + (["provider", "model", "category"] + SummaryColumns.headers).map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n")
        for group in overview.summary {
            let cells = [group.provider, group.model, group.category ?? "all"] + SummaryColumns.cells(group)
            try put("<tr>" + cells.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n")
        }
        try put("</table>\n")

        // A page a browser opens: every result of a run up to `listedResults`; above, the failures only,
        // up to as many, and where the rest are.
        let failures = tally.errors + tally.thresholdFailures
        let listing = tally.done <= listedResults ? ResultFilter.all : ResultFilter(onlyFailures: true, limit: listedResults)
        try put("<h2>Results</h2>\n")
        if tally.done > listedResults {
            let shown = min(failures, listedResults)
            try put("<p class=\"note\">\(shown == failures ? "All \(failures)" : "The first \(shown) of \(failures)") failed or errored results "
                + "of \(tally.done); every result: <code>llmbench report \(escape(run.id)) --format csv</code> (or <code>json</code>).</p>\n")
        }
        try put("<table class=\"results\"><tr><th>test</th><th>provider</th><th>model</th><th>outcome</th>"
            + "<th>latency ms</th><th>cost USD</th><th>quality</th><th>output</th></tr>\n")
        try report.results.forEachResult(matching: listing) { result throws(LLMBenchError) in
            let outcome = result.status == .error ? "error: \(result.error?.kind.rawValue ?? "")" : result.passed ? "passed" : "failed"
            let preview = Figures.truncated(result.output.replacingOccurrences(of: "\n", with: " "), limit: 80)
            try put("<tr class=\"\(result.status == .error ? "error" : result.passed ? "pass" : "fail")\"><td>\(escape(overview.names.name(result)))</td>"
                + "<td>\(escape(result.provider))</td><td>\(escape(result.model))</td><td>\(escape(outcome))</td>"
                + "<td>\(Figures.ms(result.latencyMs))</td><td>\(escape(Figures.cost(result)))</td><td>\(Figures.quality(result.quality))</td>"
                + "<td><details><summary>\(escape(preview))</summary><pre>\(escape(result.output))</pre></details></td></tr>\n")
        }
        try put("</table>\n")
        if !run.notices.isEmpty {
            try put("<h2>Notices</h2>\n<ul>" + run.notices.map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n")
        }
        try put("</body></html>\n")
    }

    /// Text made inert anywhere in HTML: in text and in a quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and line breaks cannot appear in HTML text.
                if scalar.properties.generalCategory == .control && scalar != "\n" && scalar != "\t" && scalar != "\r" {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]

    /// Mean cost per request (x) against mean quality (y), one point per provider × model; the
    /// frontier (its providers, cheapest first) joined by a line. Unpriced models are listed apart.
    static func costQualityChart(_ groups: [GroupSummary], frontier: [String]) -> String {
        let points = groups.compactMap { g in g.costMeanUSD.flatMap { cost in g.qualityMean.map { (g, cost, $0) } } }
        let unpriced = groups.filter { $0.costMeanUSD == nil }.map(\.provider)
        guard !points.isEmpty else { return "<p class=\"note\">No priced model with a quality: nothing to plot.</p>\n" }
        let (w, h, pad) = (560.0, 300.0, 50.0)
        let maxCost = max(points.map(\.1).max()!, 1e-12) * 1.1
        func x(_ cost: Double) -> Double { pad + cost / maxCost * (w - 2 * pad) }
        func y(_ quality: Double) -> Double { h - pad - quality * (h - 2 * pad) }
        var svg = "<svg class=\"chart\" id=\"cost-quality\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"mean cost per request against mean quality\">\n"
        svg += axes(w: w, h: h, pad: pad, xLabel: "mean cost per request, USD (0 to \(String(format: "%.3g", maxCost)))", yLabel: "quality")
        let onFrontier = frontier.compactMap { id in points.first { $0.0.provider == id } }
        if onFrontier.count >= 2 {
            svg += "<polyline class=\"frontier\" points=\"" + onFrontier.map { String(format: "%.1f,%.1f", x($0.1), y($0.2)) }.joined(separator: " ") + "\"/>\n"
        }
        for (i, point) in points.enumerated() {
            let colour = palette[i % palette.count]
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%@\"><title>", x(point.1), y(point.2), colour)
                + escape("\(point.0.provider) (\(point.0.model)): quality \(Figures.quality(point.2)), $\(String(format: "%.6f", point.1)) per request")
                + "</title></circle>\n"
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"label\">", x(point.1) + 7, y(point.2) - 7) + escape(point.0.provider) + "</text>\n"
        }
        svg += "</svg>\n"
        if !unpriced.isEmpty { svg += "<p class=\"note\">No price, not plotted: \(escape(unpriced.joined(separator: ", ")))</p>\n" }
        return svg
    }

    /// Per provider × model: a bar from p50 to p99 of the latency, ticks at p50, p90, p95 and p99.
    static func latencyChart(_ groups: [GroupSummary]) -> String {
        let rows = groups.compactMap { g in g.latencyMs.map { (g, $0) } }
        guard !rows.isEmpty else { return "<p class=\"note\">No latency measured.</p>\n" }
        let (w, rowHeight, left, pad) = (560.0, 28.0, 160.0, 20.0)
        let h = Double(rows.count) * rowHeight + 2 * pad + 20
        let maxMs = max(rows.map(\.1.p99).max()!, 1e-9) * 1.05
        func x(_ ms: Double) -> Double { left + ms / maxMs * (w - left - pad) }
        var svg = "<svg class=\"chart\" id=\"latency\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"latency percentiles per provider\">\n"
        for (i, row) in rows.enumerated() {
            let yMid = pad + Double(i) * rowHeight + rowHeight / 2
            let d = row.1
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"label\" text-anchor=\"end\">", left - 8, yMid + 4) + escape(row.0.provider) + "</text>\n"
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\" fill=\"%@\" opacity=\"0.35\"/>\n",
                          x(d.p50), yMid - 5, max(1, x(d.p99) - x(d.p50)), palette[i % palette.count])
            for (name, value) in [("p50", d.p50), ("p90", d.p90), ("p95", d.p95), ("p99", d.p99)] {
                svg += String(format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"tick\"><title>", x(value), x(value), yMid - 8, yMid + 8)
                    + escape("\(row.0.provider) \(name): \(Figures.ms(value)) ms") + "</title></line>\n"
            }
        }
        svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\">latency, ms (0 to %.1f): bar from p50 to p99, ticks at p50, p90, p95, p99</text>\n",
                      left, h - 8, maxMs)
        svg += "</svg>\n"
        return svg
    }

    /// Pass rate per category, one bar per provider × model in each.
    static func categoryChart(_ groups: [GroupSummary]) -> String {
        guard !groups.isEmpty else { return "<p class=\"note\">No categories.</p>\n" }
        var categories: [String] = []
        var providers: [String] = []
        for g in groups {
            if let c = g.category, !categories.contains(c) { categories.append(c) }
            if !providers.contains(g.provider) { providers.append(g.provider) }
        }
        let (barWidth, gap, h, pad) = (18.0, 24.0, 240.0, 40.0)
        let groupWidth = Double(providers.count) * barWidth + gap
        let w = pad * 2 + Double(categories.count) * groupWidth
        var svg = "<svg class=\"chart\" id=\"categories\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"pass rate per category and provider\">\n"
        svg += axes(w: w, h: h, pad: pad, xLabel: "category", yLabel: "pass rate")
        for (c, category) in categories.enumerated() {
            for (p, provider) in providers.enumerated() {
                guard let g = groups.first(where: { $0.category == category && $0.provider == provider }) else { continue }
                let barHeight = g.passRate * (h - 2 * pad)
                svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\"><title>",
                              pad + Double(c) * groupWidth + Double(p) * barWidth, h - pad - barHeight, barWidth - 2, barHeight, palette[p % palette.count])
                    + escape("\(category) · \(provider): \(Figures.percent(g.passRate))") + "</title></rect>\n"
            }
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"label\">", pad + Double(c) * groupWidth, h - pad + 16) + escape(category) + "</text>\n"
        }
        svg += "</svg>\n<p class=\"legend\">" + providers.enumerated().map { p, provider in
            "<span style=\"color:\(palette[p % palette.count])\">■</span> \(escape(provider))"
        }.joined(separator: " &nbsp; ") + "</p>\n"
        return svg
    }

    static func axes(w: Double, h: Double, pad: Double, xLabel: String, yLabel: String) -> String {
        String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axisline\"/>\n", pad, h - pad, w - pad, h - pad)
            + String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axisline\"/>\n", pad, pad, pad, h - pad)
            + String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\">", pad, h - 12) + escape(xLabel) + "</text>\n"
            + String(format: "<text x=\"12\" y=\"%.1f\" class=\"axis\" transform=\"rotate(-90 12 %.1f)\">", h / 2, h / 2) + escape(yLabel) + "</text>\n"
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0;font-size:14px}
        th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}
        tr.fail td:nth-child(4){color:#b00}tr.error td:nth-child(4){color:#b00;font-weight:bold}
        pre{white-space:pre-wrap;max-width:60em;margin:0.3em 0}.meta,.note,.legend{color:#555}.warning{color:#a60;font-weight:bold}
        svg.chart{max-width:720px;display:block;margin:1em 0;border:1px solid #eee}.label{font-size:11px}.axis{font-size:11px;fill:#555}
        .axisline{stroke:#999}.tick{stroke:#222;stroke-width:2}.frontier{fill:none;stroke:#888;stroke-dasharray:4 3}
        """
}
