import LLMBenchCore
import LLMBenchEngine
import LLMBenchReports

/// What the pages and the API show, read from the store once per request; the JSON of each is the
/// API's body (Docs/dashboard.md), and the pages render the same values.
enum Views {
    /// The most results one page of `/api/runs/{id}/results` gives.
    static let pageLimit = 1000

    struct RunSummary: Sendable {
        var run: RunInfo
        var done: Int
        var notStarted: Int
        var summary: [GroupSummary]
        var decisions: [DecisionTally.Decision]

        var json: JSONValue {
            .object([
                "format": .string("llmbench.run-summary/1"),
                "run": RunDocument.run(run, done: done, notStarted: notStarted),
                "summary": .array(summary.map(\.json)),
                "decisions": .array(decisions.map(\.json)),
            ])
        }
    }

    /// A run in a list: its few figures, and the run of the same suite before it (within the list).
    struct RunRow: Sendable {
        var run: RunInfo
        var done: Int
        var overview: RunOverview?
        var previous: (id: String, overview: RunOverview?)?

        var json: JSONValue {
            var listing = runListing(run, done: done).objectValue ?? [:]
            listing["overview"] = overview.map(Views.json) ?? .null
            listing["previous"] = previous.map { .object(["id": .string($0.id), "overview": $0.overview.map(Views.json) ?? .null]) } ?? .null
            return .object(listing)
        }
    }

    static func runRows(_ store: SQLiteResultStore, suite: String?, tag: String?, limit: Int) throws(LLMBenchError) -> [RunRow] {
        let runs = try store.runs(matching: RunFilter(suite: suite, tag: tag), limit: limit)
        let overviews = try store.overview(runIDs: runs.map(\.run.id))
        return runs.enumerated().map { i, entry in
            let before = runs[(i + 1)...].first { $0.run.suite == entry.run.suite }
            return RunRow(run: entry.run, done: entry.done, overview: overviews[entry.run.id],
                          previous: before.map { ($0.run.id, overviews[$0.run.id]) })
        }
    }

    static func runs(_ store: SQLiteResultStore, suite: String?, tag: String?, limit: Int) throws(LLMBenchError) -> JSONValue {
        .object(["format": .string("llmbench.runs/1"), "runs": .array(try runRows(store, suite: suite, tag: tag, limit: limit).map(\.json))])
    }

    static func json(_ overview: RunOverview) -> JSONValue {
        .object(["results": JSONValue(overview.results), "pass_rate": .number(overview.passRate), "errors": JSONValue(overview.errors),
                 "quality_mean": JSONValue(overview.qualityMean), "cost_usd_mean": JSONValue(overview.costMeanUSD),
                 "latency_ms_mean": JSONValue(overview.latencyMeanMs)])
    }

    static func runListing(_ run: RunInfo, done: Int) -> JSONValue {
        .object([
            "id": .string(run.id), "suite": .string(run.suite), "started": .string(Timestamps.iso8601(run.startedAt)),
            "finished": run.finishedAt.map { .string(Timestamps.iso8601($0)) } ?? .null, "status": .string(run.status.rawValue),
            "done": JSONValue(done), "tags": .array(run.tags.map { .string($0) }),
        ])
    }

    /// A run's figures and decisions; nil when the store has no such run.
    static func summary(_ store: SQLiteResultStore, runID: String) throws(LLMBenchError) -> RunSummary? {
        guard let run = try store.run(id: runID) else { return nil }
        let report = StreamingReport(run: run, results: store.results(of: runID))
        let tally = try report.tally()
        return RunSummary(run: run, done: tally.done, notStarted: tally.notStartedCount, summary: tally.summary,
                          decisions: try report.decisions())
    }

    /// The newest run (of `suite`, when given); nil when there is none.
    static func latest(_ store: SQLiteResultStore, suite: String?) throws(LLMBenchError) -> RunSummary? {
        guard let newest = try store.runs(matching: RunFilter(suite: suite), limit: 1).first else { return nil }
        return try summary(store, runID: newest.run.id)
    }

    /// The suites of the newest runs, newest first, each once.
    static func suites(_ store: SQLiteResultStore) throws(LLMBenchError) -> [String] {
        var seen: [String] = []
        for (run, _) in try store.runs(limit: 200) where !seen.contains(run.suite) { seen.append(run.suite) }
        return seen
    }

    /// One leaderboard row: a model in a category, with how it stands against the category's best.
    struct Standing: Sendable {
        var group: GroupSummary
        var isBest: Bool
        var onFrontier: Bool
        /// Against the best on the same tests: nil for the best itself or where no comparison was made.
        var comparison: PairedComparison?

        /// Worse than the best on pass/fail or quality at p < 0.05, as the recommendation judges it
        /// (McNemar; the paired test of quality); nil when not compared.
        var significantlyWorse: Bool? { comparison.map { Recommendation.significantlyWorse($0) } }

        var json: JSONValue {
            .object([
                "provider": .string(group.provider), "model": .string(group.model), "n": JSONValue(group.n),
                "quality_mean": JSONValue(group.qualityMean), "quality_ci": group.qualityInterval?.json ?? .null,
                "pass_rate": .number(group.passRate), "pass_rate_ci": group.passRateInterval?.json ?? .null,
                "latency_p50_ms": JSONValue(group.latencyMs?.p50), "latency_p95_ms": JSONValue(group.latencyMs?.p95),
                "cost_usd_mean": JSONValue(group.costMeanUSD), "cost_per_pass_usd": JSONValue(group.costPerPassUSD),
                "best": .bool(isBest), "on_frontier": .bool(onFrontier), "significantly_worse": JSONValue(significantlyWorse),
            ])
        }
    }

    struct Board: Sendable {
        var category: String?
        var standings: [Standing]
        var recommendation: Recommendation?

        var json: JSONValue {
            .object([
                "category": JSONValue(category), "models": .array(standings.map(\.json)),
                "recommendation": recommendation.map { r in
                    .object(["provider": .string(r.chosen), "best": .string(r.best), "reference": .string(r.reference),
                             "saving_percent": JSONValue(r.savingPercent)])
                } ?? .null,
            ])
        }
    }

    /// The run as a leaderboard: the run as a whole, then each category, every model of it with the
    /// decision's view of it where there is one.
    static func boards(_ summary: RunSummary) -> [Board] {
        var categories: [String?] = [nil]
        for group in summary.summary { if let c = group.category, !categories.contains(c) { categories.append(c) } }
        return categories.map { category in
            let decision = summary.decisions.first { $0.category == category }
            let best = decision?.recommendation?.best
            let standings = summary.summary.filter { $0.category == category }.map { group in
                Standing(group: group, isBest: group.provider == best, onFrontier: decision?.frontier.contains(group.provider) ?? false,
                         comparison: decision?.comparisons[group.provider])
            }
            return Board(category: category, standings: standings, recommendation: decision?.recommendation)
        }
    }

    static func leaderboard(_ summary: RunSummary) -> JSONValue {
        .object([
            "format": .string("llmbench.leaderboard/1"),
            "run": runListing(summary.run, done: summary.done),
            "categories": .array(boards(summary).map(\.json)),
        ])
    }

    /// The `index`-th result of the run (in sequence order, warm-ups aside); nil past the last.
    static func result(_ store: SQLiteResultStore, runID: String, index: Int) throws(LLMBenchError) -> BenchResult? {
        var found: BenchResult?
        try store.forEachResult(runID: runID, matching: ResultFilter(limit: 1, offset: index)) { found = $0 }
        return found
    }

    static func results(_ store: SQLiteResultStore, runID: String, offset: Int, limit: Int) throws(LLMBenchError) -> JSONValue {
        var results: [JSONValue] = []
        try store.forEachResult(runID: runID, matching: ResultFilter(limit: limit, offset: offset)) { results.append($0.json) }
        return .object(["format": .string("llmbench.results/1"), "offset": JSONValue(offset), "limit": JSONValue(limit),
                        "results": .array(results)])
    }
}

extension Views {
    /// Windows back from now that a trend's rolling medians cover.
    static let windows: [(name: String, seconds: Double)] = [("day", 86_400), ("week", 7 * 86_400), ("month", 30 * 86_400)]

    /// One model's figures over a suite's runs: each run's overview (a point) and, per window, the
    /// median of each figure over the runs that started in it.
    struct Trend: Sendable {
        var provider: String
        var model: String
        /// Oldest first.
        var points: [(runID: String, started: Double, overview: RunOverview)]

        /// The median of `figure` over the runs that started at `since` or later, and how many had it.
        func median(_ figure: (RunOverview) -> Double?, since: Double) -> (value: Double?, runs: Int) {
            let values = points.filter { $0.started >= since }.compactMap { figure($0.overview) }
            return (Statistics.percentile(sorted: values.sorted(), 50), values.count)
        }

        func window(since: Double) -> JSONValue {
            .object([
                "runs": JSONValue(points.count(where: { $0.started >= since })),
                "pass_rate": JSONValue(median({ $0.passRate }, since: since).value),
                "quality_mean": JSONValue(median(\.qualityMean, since: since).value),
                "cost_usd_mean": JSONValue(median(\.costMeanUSD, since: since).value),
                "latency_ms_mean": JSONValue(median(\.latencyMeanMs, since: since).value),
            ])
        }

        func json(now: Double) -> JSONValue {
            .object([
                "provider": .string(provider), "model": .string(model),
                "windows": .object(Dictionary(uniqueKeysWithValues: Views.windows.map { ($0.name, window(since: now - $0.seconds)) })),
                "points": .array(points.map { point in
                    .object(["run": .string(point.runID), "started": .string(Timestamps.iso8601(point.started)), "overview": Views.json(point.overview)])
                }),
            ])
        }
    }

    /// The trends of a suite's models over its newest `limit` runs (of `suite`, else of the newest
    /// run's suite); nil when there is no run.
    static func trends(_ store: SQLiteResultStore, suite: String?, limit: Int = 500) throws(LLMBenchError) -> (suite: String, trends: [Trend])? {
        let newest = try store.runs(limit: 1).first?.run.suite
        guard let name = suite ?? newest else { return nil }
        let runs = try store.runs(matching: RunFilter(suite: name), limit: limit)
        guard !runs.isEmpty else { return nil }
        let started = Dictionary(runs.map { ($0.run.id, $0.run.startedAt) }, uniquingKeysWith: { first, _ in first })
        var trends: [Trend] = []
        for point in try store.overviewByModel(runIDs: runs.map(\.run.id)) {
            if trends.last.map({ $0.provider != point.provider || $0.model != point.model }) ?? true {
                trends.append(Trend(provider: point.provider, model: point.model, points: []))
            }
            trends[trends.count - 1].points.append((point.runID, started[point.runID] ?? 0, point.overview))
        }
        for i in trends.indices { trends[i].points.sort { ($0.started, $0.runID) < ($1.started, $1.runID) } }
        return (name, trends)
    }

    static func trendsJSON(_ found: (suite: String, trends: [Trend]), now: Double) -> JSONValue {
        .object(["format": .string("llmbench.trends/1"), "suite": .string(found.suite), "now": .string(Timestamps.iso8601(now)),
                 "models": .array(found.trends.map { $0.json(now: now) })])
    }
}
