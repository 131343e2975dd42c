import Hummingbird
import LLMBenchCore
import LLMBenchEngine
import LLMBenchReports

/// The pages: server-rendered HTML, readable without JavaScript, fetching nothing (a CSP of
/// `default-src 'none'`, inline style only). Everything a model or a provider wrote is escaped
/// (`htmlSafe`), names in links are percent-encoded.
enum Pages {
    static func add(to router: Router<BasicRequestContext>, data: DashboardData) {
        router.get("/") { request, _ -> Response in
            let suite = request.uri.queryParameters.get("suite")
            return try await page(data) { store throws(LLMBenchError) in
                let suites = try Views.suites(store)
                guard let summary = try Views.latest(store, suite: suite) else {
                    return document("Leaderboard", suite.map { "<p>No run of suite \(htmlSafe($0)) yet.</p>" } ?? "<p>No run yet: <code>llmbench run SUITE</code> fills the store.</p>")
                }
                return document("Leaderboard: \(summary.run.suite)", suiteLinks(suites, current: summary.run.suite) + leaderboard(summary))
            }
        }
        router.get("/trends") { request, _ -> Response in
            let suite = request.uri.queryParameters.get("suite")
            let now = WallClock.nowUnix()
            return try await page(data) { store throws(LLMBenchError) in
                guard let found = try Views.trends(store, suite: suite) else { return document("Trends", "<p>No run yet.</p>", status: .notFound) }
                return document("Trends: \(found.suite)", trendsTable(found.trends, now: now))
            }
        }
        router.get("/runs") { request, _ -> Response in
            let suite = request.uri.queryParameters.get("suite")
            return try await page(data) { store throws(LLMBenchError) in
                let rows = try Views.runRows(store, suite: suite, tag: nil, limit: 200)
                var html = "<p class=\"note\">Each run against the one of its suite before it: pass rate in points, mean quality, and "
                    + "mean cost and latency in % (means over the run; the run's own report has the intervals and tests).</p>\n"
                    + "<table><tr><th>run</th><th>suite</th><th>started</th><th>status</th><th>results</th><th>pass rate</th>"
                    + "<th>quality</th><th>cost / request USD</th><th>latency ms</th><th>tags</th></tr>\n"
                for row in rows {
                    let now = row.overview, before = row.previous?.overview
                    html += "<tr><td><a href=\"/runs/\(link(row.run.id))\">\(htmlSafe(row.run.id))</a></td><td>\(htmlSafe(row.run.suite))</td>"
                        + "<td>\(Timestamps.iso8601(row.run.startedAt))</td><td>\(htmlSafe(row.run.status.rawValue))</td><td>\(row.done)</td>"
                        + "<td>\(changeCell(now?.passRate, before?.passRate, { fixedDecimals($0 * 100, 1) + " %" }, points))</td>"
                        + "<td>\(changeCell(now?.qualityMean, before?.qualityMean, { fixedDecimals($0, 3) }, signed(3)))</td>"
                        + "<td>\(changeCell(now?.costMeanUSD, before?.costMeanUSD, { fixedDecimals($0, 6) }, percent))</td>"
                        + "<td>\(changeCell(now?.latencyMeanMs, before?.latencyMeanMs, { fixedDecimals($0, 1) }, percent))</td>"
                        + "<td>\(htmlSafe(row.run.tags.joined(separator: ", ")))</td></tr>\n"
                }
                return document("Runs", html + "</table>\n")
            }
        }
        router.get("/runs/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            return try await page(data) { store throws(LLMBenchError) in
                guard let run = try store.run(id: id) else { return document("Not found", "<p>No run \(htmlSafe(id)).</p>", status: .notFound) }
                // The run's own HTML report: recommendation, charts, summary, results (Docs/output-formats.md).
                var bytes: [UInt8] = []
                try StreamingReport(run: run, results: store.results(of: id)).write(.html, to: ReportOutput { bytes.append(contentsOf: $0) })
                return .text(String(decoding: bytes, as: UTF8.self), type: htmlType)
            }
        }
        router.get("/runs/:id/results/:index") { _, context -> Response in
            let id = try context.parameters.require("id")
            let index = Int(context.parameters.get("index") ?? "") ?? -1
            return try await page(data) { store throws(LLMBenchError) in
                guard index >= 0, let result = try Views.result(store, runID: id, index: index) else {
                    return document("Not found", "<p>Run \(htmlSafe(id)) has no result \(max(index, 0)).</p>", status: .notFound)
                }
                return document("\(result.test): \(result.provider)", drillDown(result, runID: id, index: index))
            }
        }
    }

    static let htmlType = "text/html; charset=utf-8"

    /// `value` as `text` writes it, with its change from `previous` after it when there is one.
    static func changeCell(_ value: Double?, _ previous: Double?, _ text: (Double) -> String, _ change: (Double, Double) -> String) -> String {
        guard let value else { return "–" }
        guard let previous else { return text(value) }
        return text(value) + " <span class=\"meta\">(" + change(value, previous) + ")</span>"
    }

    static func points(_ now: Double, _ before: Double) -> String { sign(now - before) + fixedDecimals(abs(now - before) * 100, 1) + " pp" }

    static func signed(_ decimals: Int) -> (Double, Double) -> String {
        { now, before in sign(now - before) + fixedDecimals(abs(now - before), decimals) }
    }

    static func percent(_ now: Double, _ before: Double) -> String {
        guard before != 0 else { return "–" }
        let change = (now - before) / before * 100
        return sign(change) + fixedDecimals(abs(change), 1) + " %"
    }

    private static func sign(_ difference: Double) -> String { difference > 0 ? "+" : difference < 0 ? "−" : "±" }

    /// Renders on the store; a store not made yet is a page saying how to fill it (404), one that
    /// cannot be read a page saying why (500).
    static func page(_ data: DashboardData, _ body: @escaping @Sendable (SQLiteResultStore) throws(LLMBenchError) -> Response) async throws -> Response {
        do {
            return try await data.read(body)
        } catch let error as LLMBenchError where error.code == .usage {
            return document("No runs yet", "<p>\(htmlSafe(error.message))</p>", status: .notFound)
        } catch let error as LLMBenchError {
            return document("Store unavailable", "<p class=\"warning\">\(htmlSafe(error.message))</p>", status: .internalServerError)
        }
    }

    static func document(_ title: String, _ body: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(htmlSafe(title)) · LLMBench</title><style>\(htmlStyle)</style></head>
            <body><nav><a href="/">Leaderboard</a> · <a href="/trends">Trends</a> · <a href="/runs">Runs</a></nav>
            <h1>\(htmlSafe(title))</h1>
            \(body)</body></html>

            """
        return .text(html, type: htmlType, status: status)
    }

    /// A path segment or query value, percent-encoded but for letters, digits and `-._~`.
    static func link(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-._~".unicodeScalars.contains(scalar)) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    static func suiteLinks(_ suites: [String], current: String) -> String {
        guard suites.count > 1 else { return "" }
        let links = suites.map { $0 == current ? "<b>\(htmlSafe($0))</b>" : "<a href=\"/?suite=\(link($0))\">\(htmlSafe($0))</a>" }
        return "<p class=\"meta\">Suites: " + links.joined(separator: " · ") + "</p>\n"
    }

    static func leaderboard(_ summary: Views.RunSummary) -> String {
        let run = summary.run
        var html = "<p class=\"meta\">Run <a href=\"/runs/\(link(run.id))\">\(htmlSafe(run.id))</a>, started \(Timestamps.iso8601(run.startedAt)), "
            + "\(summary.done) results, \(htmlSafe(run.status.rawValue)), prices of \(htmlSafe(run.prices.date)).</p>\n"
        for board in Views.boards(summary) {
            html += "<h2>\(htmlSafe(board.category ?? "All categories"))</h2>\n"
            if board.category == nil {
                // The cost–quality scatter of the whole run, with its frontier (the HTML report's chart).
                let frontier = summary.decisions.first { $0.category == nil }?.frontier ?? []
                html += costQualitySVG(board.standings.map(\.group), frontier: frontier)
            }
            if let r = board.recommendation {
                let saving = r.savingPercent.map { " — saves " + fixedDecimals($0, 0) + " % against " + htmlSafe(r.reference) } ?? ""
                html += "<p>Use <b>\(htmlSafe(r.chosen))</b>: the cheapest model not significantly worse than the best (\(htmlSafe(r.best)))\(saving).</p>\n"
            }
            html += "<table><tr><th>provider</th><th>model</th><th>n</th><th>quality (95 % CI)</th><th>pass rate (95 % CI)</th>"
                + "<th>latency p50 / p95 ms</th><th>cost / request USD</th><th>cost / pass USD</th><th>against the best</th></tr>\n"
            for s in board.standings {
                let g = s.group
                let quality = g.qualityMean.map { fixedDecimals($0, 3) + (g.qualityInterval.map { " (\(fixedDecimals($0.lower, 3))–\(fixedDecimals($0.upper, 3)))" } ?? "") } ?? "–"
                let pass = fixedDecimals(g.passRate * 100, 1) + " %" + (g.passRateInterval.map { " (\(fixedDecimals($0.lower * 100, 1))–\(fixedDecimals($0.upper * 100, 1)))" } ?? "")
                let latency = "\(g.latencyMs.map { fixedDecimals($0.p50, 1) } ?? "–") / \(g.latencyMs.map { fixedDecimals($0.p95, 1) } ?? "–")"
                let against = s.isBest ? "best" : s.significantlyWorse.map { $0 ? "significantly worse" : "not significantly worse (ns)" } ?? "–"
                html += "<tr><td>\(htmlSafe(g.provider))</td><td>\(htmlSafe(g.model))</td><td>\(g.n)</td><td>\(quality)</td><td>\(pass)</td>"
                    + "<td>\(latency)</td><td>\(g.costMeanUSD.map { fixedDecimals($0, 6) } ?? "no price")</td>"
                    + "<td>\(g.costPerPassUSD.map { fixedDecimals($0, 6) } ?? "–")</td><td>\(against)\(s.onFrontier ? ", on the frontier" : "")</td></tr>\n"
            }
            html += "</table>\n"
        }
        return html
    }

    /// Per model: its newest run's figures, then the median of each run's figure over the last day,
    /// week and month (the runs that started in each).
    static func trendsTable(_ trends: [Views.Trend], now: Double) -> String {
        var html = "<p class=\"note\">Each figure is the median over the runs of the suite that started in the window (each run's mean); "
            + "the newest run's own comes first.</p>\n<table><tr><th>provider</th><th>model</th><th>figure</th><th>newest run</th>"
            + Views.windows.map { "<th>median, last \($0.name)</th>" }.joined() + "</tr>\n"
        let figures: [(String, (RunOverview) -> Double?, (Double) -> String)] = [
            ("pass rate", { $0.passRate }, { fixedDecimals($0 * 100, 1) + " %" }), ("quality", \.qualityMean, { fixedDecimals($0, 3) }),
            ("latency ms", \.latencyMeanMs, { fixedDecimals($0, 1) }), ("cost / request USD", \.costMeanUSD, { fixedDecimals($0, 6) }),
        ]
        for trend in trends {
            for (i, (name, value, text)) in figures.enumerated() {
                let newest = trend.points.last.flatMap { value($0.overview) }.map(text) ?? "–"
                let medians = Views.windows.map { window -> String in
                    let (median, runs) = trend.median(value, since: now - window.seconds)
                    return median.map { "<td>\(text($0)) <span class=\"meta\">(\(runs) runs)</span></td>" } ?? "<td>–</td>"
                }
                let who = i == 0 ? "<td rowspan=\"\(figures.count)\">\(htmlSafe(trend.provider))</td><td rowspan=\"\(figures.count)\">\(htmlSafe(trend.model))</td>" : ""
                html += "<tr>\(who)<td>\(name)</td><td>\(newest)</td>\(medians.joined())</tr>\n"
            }
        }
        return html + "</table>\n"
    }

    static func drillDown(_ result: BenchResult, runID: String, index: Int) -> String {
        var rows: [(String, String)] = [
            ("run", "<a href=\"/runs/\(link(runID))\">\(htmlSafe(runID))</a>"), ("test", htmlSafe(result.test)),
            ("category", htmlSafe(result.category)), ("provider", htmlSafe(result.provider)), ("model", htmlSafe(result.model)),
            ("repeat", "\(result.repeatIndex + 1)"), ("status", htmlSafe(result.status.rawValue)), ("passed", result.passed ? "yes" : "no"),
            ("latency ms", result.latencyMs.map { fixedDecimals($0, 1) } ?? "–"), ("TTFT ms", result.ttftMs.map { fixedDecimals($0, 1) } ?? "–"),
            ("tokens in / out", result.usage.map { "\($0.inputTokens) / \($0.outputTokens)" } ?? "–"),
            ("cost USD", result.costUSD.map { fixedDecimals($0, 6) } ?? "–"), ("quality", result.quality.map { fixedDecimals($0, 3) } ?? "–"),
            ("attempts", "\(result.attempts)"),
        ]
        if let error = result.error { rows.append(("error", htmlSafe("\(error.kind.rawValue): \(error.message)"))) }
        var html = "<table>" + rows.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined() + "</table>\n"
        html += "<h2>Output</h2>\n<pre>\(htmlSafe(result.output))</pre>\n"
        if !result.scores.isEmpty {
            html += "<h2>Scores</h2>\n<table><tr><th>scorer</th><th>value</th><th>threshold</th><th>passed</th><th>explanation</th></tr>\n"
            for score in result.scores {
                html += "<tr><td>\(htmlSafe(score.scorer))</td><td>\(score.value.map { fixedDecimals($0, 3) } ?? "–")</td>"
                    + "<td>\(score.threshold.map { fixedDecimals($0, 3) } ?? "–")</td><td>\(score.passed ? "yes" : "no")</td>"
                    + "<td>\(htmlSafe(score.error ?? score.explanation ?? ""))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if !result.attemptRecords.isEmpty {
            html += "<h2>Attempts</h2>\n<table><tr><th>#</th><th>status</th><th>waited ms</th><th>latency ms</th><th>error</th></tr>\n"
            for (i, attempt) in result.attemptRecords.enumerated() {
                html += "<tr><td>\(i + 1)</td><td>\(htmlSafe(attempt.status.rawValue))</td><td>\(fixedDecimals(attempt.waitBeforeMs, 1))</td>"
                    + "<td>\(attempt.latencyMs.map { fixedDecimals($0, 1) } ?? "–")</td>"
                    + "<td>\(htmlSafe(attempt.error.map { "\($0.kind.rawValue): \($0.message)" } ?? ""))</td></tr>\n"
            }
            html += "</table>\n"
        }
        let previous = index > 0 ? "<a href=\"/runs/\(link(runID))/results/\(index - 1)\">previous</a> · " : ""
        return html + "<p>\(previous)<a href=\"/runs/\(link(runID))/results/\(index + 1)\">next</a></p>\n"
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
