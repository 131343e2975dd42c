import Foundation
import Hummingbird
import HummingbirdTesting
import LLMBenchCore
import LLMBenchEngine
import LLMBenchTestSupport
import Testing

@testable import LLMBenchServer

/// The dashboard over a store of one run: two providers, two categories, one answer made of markup.
/// Most tests go through the router in process; one through a real socket.
struct ServerTests {
    static let hostile = "<script>alert('pwned')</script></textarea><b id=\"injected\">bold</b>"

    /// A store with one complete run of 2 providers × 10 tests; "cheap" misses 3 of them, and test
    /// t4's answer from "cheap" is markup.
    static func store() throws -> (dir: TemporaryDirectory, path: String, runID: String) {
        let dir = TemporaryDirectory()
        let path = dir.file("s.sqlite")
        let store = try SQLiteResultStore(path: path)
        let run = RunInfo(id: "run-20261202-1", suite: "dash", suiteDigest: "sha256:0", startedAt: 1_796_000_000,
                          prices: PriceSnapshot(date: "2026-12-01", entries: []), concurrency: 2, tags: ["nightly"])
        try store.beginRun(run, suitePath: "dash.yaml")
        var results: [EncodedResult] = []
        for t in 0..<10 {
            for provider in ["cheap", "dear"] {
                let passed = provider == "dear" || ![2, 5, 8].contains(t)
                let output = provider == "cheap" && t == 4 ? hostile : passed ? "a\(t)" : "wrong"
                let result = BenchResult(
                    test: "t\(t)", category: t % 2 == 0 ? "qa" : "code", provider: provider, plugin: "mock", model: "m-\(provider)",
                    repeatIndex: 0, status: .ok, latencyMs: Double(100 + t), ttftMs: Double(10 + t),
                    usage: Usage(inputTokens: 10, outputTokens: 5), costUSD: provider == "cheap" ? 0.001 : 0.01,
                    quality: passed ? 1 : 0, passed: passed,
                    scores: [ScoreOutcome(scorer: "exact_match", value: passed ? 1 : 0, passed: passed, threshold: 1,
                                          explanation: passed ? nil : "expected <a\(t)>")],
                    output: output, startedAt: 1_796_000_000 + Double(t))
                results.append(EncodedResult(sequence: results.count, result: result))
            }
        }
        try store.append(runID: run.id, batch: results)
        try store.finishRun(id: run.id, finishedAt: 1_796_000_100, notices: [], status: .complete, reason: nil)
        return (dir, path, run.id)
    }

    static func json(_ response: TestResponse) throws -> JSONValue { try JSONValue.parse(String(buffer: response.body)) }

    /// The dashboard over a fresh `store()`, driven by `test` with the run's id.
    static func withDashboard(token: String? = nil, _ setup: TestingSetup = .router,
                              _ test: @escaping @Sendable (any TestClientProtocol, String) async throws -> Void) async throws
    {
        let (dir, path, runID) = try store()
        defer { _ = dir }
        let app = try DashboardServer.application(DashboardConfiguration(storePath: path, port: 0, token: token))
        try await app.test(setup) { client in try await test(client, runID) }
    }

    @Test func theAPIListsRunsSummarisesThemAndPagesTheirResults() async throws {
        try await Self.withDashboard(.router) { client, runID in
            let runs = try Self.json(try await client.execute(uri: "/api/runs", method: .get))
            #expect(runs["format"]?.stringValue == "llmbench.runs/1")
            #expect(runs["runs"]?.arrayValue?.map { $0["id"]?.stringValue } == [runID])
            let first = try #require(runs["runs"]?.arrayValue?.first)
            #expect(first["done"]?.intValue == 20 && first["tags"]?.arrayValue?.count == 1)

            let summary = try Self.json(try await client.execute(uri: "/api/runs/\(runID)", method: .get))
            #expect(summary["run"]?["done"]?.intValue == 20)
            // Overall and per category, for each provider: 2 × 3 groups.
            #expect(summary["summary"]?.arrayValue?.count == 6)
            #expect(summary["decisions"]?.arrayValue?.isEmpty == false)

            let page = try Self.json(try await client.execute(uri: "/api/runs/\(runID)/results?offset=3&limit=2", method: .get))
            let tests = page["results"]?.arrayValue?.map { "\($0["test"]?.stringValue ?? "")/\($0["provider"]?.stringValue ?? "")" }
            #expect(tests == ["t1/dear", "t2/cheap"], "results 3 and 4 in sequence order")

            let one = try Self.json(try await client.execute(uri: "/api/runs/\(runID)/results/8", method: .get))
            #expect(one["output"]?.stringValue == Self.hostile, "the API gives the answer as it was, JSON-escaped")
        }
    }

    @Test func theLeaderboardRanksEachCategoryAndSaysWhatIsSignificant() async throws {
        try await Self.withDashboard(.router) { client, runID in
            let board = try Self.json(try await client.execute(uri: "/api/leaderboard?suite=dash", method: .get))
            let categories = try #require(board["categories"]?.arrayValue)
            #expect(categories.map { $0["category"]?.stringValue ?? "all" } == ["all", "qa", "code"])
            let all = try #require(categories[0]["models"]?.arrayValue)
            let dear = try #require(all.first { $0["provider"]?.stringValue == "dear" })
            let cheap = try #require(all.first { $0["provider"]?.stringValue == "cheap" })
            #expect(dear["best"]?.boolValue == true && cheap["best"]?.boolValue == false)
            #expect(cheap["pass_rate"]?.doubleValue == 0.7 && dear["pass_rate"]?.doubleValue == 1)
            // 3 discordant pairs: McNemar's exact p = 0.25, so cheap is not significantly worse and,
            // being cheaper, is the recommendation.
            #expect(cheap["significantly_worse"]?.boolValue == false)
            #expect(categories[0]["recommendation"]?["provider"]?.stringValue == "cheap")
            #expect(categories[0]["recommendation"]?["saving_percent"]?.doubleValue.map { abs($0 - 90) < 1e-9 } == true)
        }
    }

    @Test func badParametersAndMissingRunsAreClearErrors() async throws {
        try await Self.withDashboard(.router) { client, runID in
            let bad = try await client.execute(uri: "/api/runs?limit=0", method: .get)
            #expect(bad.status == .badRequest)
            let error = try Self.json(bad)["error"]?.stringValue
            #expect(error == "limit must be a whole number from 1 to 1000, not 0")
            let missing = try await client.execute(uri: "/api/runs/nope", method: .get)
            let message = try Self.json(missing)["error"]?.stringValue
            #expect(missing.status == .notFound && message == "no run nope")
            let past = try await client.execute(uri: "/api/runs/\(runID)/results/20", method: .get)
            #expect(past.status == .notFound)
            let page = try await client.execute(uri: "/runs/nope", method: .get)
            #expect(page.status == .notFound && String(buffer: page.body).contains("No run nope."))
        }
    }

    @Test func thePagesRenderTheRunAndShowMarkupAsText() async throws {
        try await Self.withDashboard(.router) { client, runID in
            let board = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(board.contains("<title>Leaderboard: dash · LLMBench</title>"))
            #expect(board.contains("Use <b>cheap</b>"))
            #expect(board.components(separatedBy: "id=\"cost-quality\"").count == 2, "the scatter, once, for the whole run")
            #expect(board.contains("not significantly worse (ns)"))
            #expect(board.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""))
            let runs = String(buffer: try await client.execute(uri: "/runs", method: .get).body)
            #expect(runs.contains("<a href=\"/runs/\(runID)\">\(runID)</a>"))
            let report = String(buffer: try await client.execute(uri: "/runs/\(runID)", method: .get).body)
            #expect(report.contains("<h2>Recommendation</h2>"))
            // Result 8 is t4 from cheap: markup, shown as text on its page and in the run's report.
            let result = String(buffer: try await client.execute(uri: "/runs/\(runID)/results/8", method: .get).body)
            #expect(result.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;&lt;/textarea&gt;&lt;b id=&quot;injected&quot;&gt;bold&lt;/b&gt;"))
            for page in [result, report] {
                #expect(!page.contains("<script") && !page.contains("<b id=\"injected\""))
            }
        }
    }

    /// With a token, nothing is served without it; without one, only loopback may be bound.
    @Test func aTokenGuardsEveryRequestAndIsRequiredOffLoopback() async throws {
        try await Self.withDashboard(token: "s3cret", .router) { client, runID in
            for headers: HTTPFields in [[:], [.authorization: "Bearer wrong"], [.authorization: "s3cret"]] {
                let refused = try await client.execute(uri: "/api/runs", method: .get, headers: headers)
                #expect(refused.status == .unauthorized)
                #expect(!String(buffer: refused.body).contains("run-"))
            }
            let page = try await client.execute(uri: "/", method: .get, headers: [.authorization: "Bearer s3cret"])
            #expect(page.status == .ok)
        }
        #expect(throws: LLMBenchError.self) { try DashboardConfiguration(storePath: "unused.sqlite", host: "0.0.0.0").validate() }
        try DashboardConfiguration(storePath: "unused.sqlite", host: "0.0.0.0", token: "s3cret").validate()
        try DashboardConfiguration(storePath: "unused.sqlite", host: "127.0.0.1").validate()
    }

    /// A second run of the suite, where "cheap" now passes everything: the run list gives each run's
    /// overview and the one before it, and the page shows the change.
    @Test func theRunListSaysWhatChangedSinceThePreviousRunOfTheSuite() async throws {
        let (dir, path, firstID) = try Self.store()
        defer { _ = dir }
        let store = try SQLiteResultStore(path: path)
        let second = RunInfo(id: "run-20261202-2", suite: "dash", suiteDigest: "sha256:0", startedAt: 1_796_100_000,
                             prices: PriceSnapshot(date: "2026-12-01", entries: []), concurrency: 2)
        try store.beginRun(second, suitePath: "dash.yaml")
        try store.append(runID: second.id, batch: (0..<10).map { t in
            EncodedResult(sequence: t, result: BenchResult(
                test: "t\(t)", category: "qa", provider: "cheap", plugin: "mock", model: "m-cheap", repeatIndex: 0, status: .ok,
                latencyMs: 150, usage: Usage(inputTokens: 10, outputTokens: 5), costUSD: 0.002, quality: 1, passed: true, output: "a\(t)"))
        })
        try store.finishRun(id: second.id, finishedAt: 1_796_100_100, notices: [], status: .complete, reason: nil)
        let app = try DashboardServer.application(DashboardConfiguration(storePath: path, port: 0))
        try await app.test(.router) { client in
            let runs = try #require(try Self.json(try await client.execute(uri: "/api/runs", method: .get))["runs"]?.arrayValue)
            #expect(runs.map { $0["id"]?.stringValue } == [second.id, firstID])
            #expect(runs[0]["previous"]?["id"]?.stringValue == firstID && runs[1]["previous"]?.isNull == true)
            #expect(runs[0]["overview"]?["pass_rate"]?.doubleValue == 1 && runs[1]["overview"]?["pass_rate"]?.doubleValue == 0.85)
            #expect(runs[1]["overview"]?["cost_usd_mean"]?.doubleValue.map { abs($0 - 0.0055) < 1e-12 } == true)
            let page = String(buffer: try await client.execute(uri: "/runs", method: .get).body)
            // 85 % → 100 %: +15.0 pp; mean cost 0.0055 → 0.002: −63.6 %; mean latency 104.5 → 150 ms: +43.5 %.
            #expect(page.contains("100.0 % <span class=\"meta\">(+15.0 pp)</span>"), "\(page)")
            #expect(page.contains("0.002000 <span class=\"meta\">(−63.6 %)</span>"))
            #expect(page.contains("150.0 <span class=\"meta\">(+43.5 %)</span>"))
        }
    }

    /// Three runs of a suite, started 2 hours, 3 days and 20 days ago, where "dear" passes 100 %,
    /// 80 % and 60 %: the last day's median is the newest run's, the week's the median of two, the
    /// month's of all three; the page shows the same.
    @Test func trendsGiveRollingMediansOverTheLastDayWeekAndMonth() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("s.sqlite")
        let store = try SQLiteResultStore(path: path)
        let now = WallClock.nowUnix()
        for (age, passes) in [(20 * 86_400.0, 6), (3 * 86_400.0, 8), (2 * 3_600.0, 10)] {
            let run = RunInfo(id: "run-\(Int(age))", suite: "trend", suiteDigest: "d", startedAt: now - age,
                              prices: PriceSnapshot(date: "2026-12-01", entries: []))
            try store.beginRun(run, suitePath: "t.yaml")
            try store.append(runID: run.id, batch: (0..<10).map { t in
                EncodedResult(sequence: t, result: BenchResult(
                    test: "t\(t)", category: "c", provider: "dear", plugin: "mock", model: "m", repeatIndex: 0, status: .ok,
                    latencyMs: age > 86_400 ? 200 : 100, quality: t < passes ? 1 : 0, passed: t < passes, output: "x"))
            })
            try store.finishRun(id: run.id, finishedAt: now - age + 60, notices: [], status: .complete, reason: nil)
        }
        let app = try DashboardServer.application(DashboardConfiguration(storePath: path, port: 0))
        try await app.test(.router) { client in
            let trends = try Self.json(try await client.execute(uri: "/api/trends?suite=trend", method: .get))
            let model = try #require(trends["models"]?.arrayValue?.first)
            #expect(model["points"]?.arrayValue?.compactMap { $0["overview"]?["pass_rate"]?.doubleValue } == [0.6, 0.8, 1])
            let windows = try #require(model["windows"])
            #expect(windows["day"]?["runs"]?.intValue == 1 && windows["day"]?["pass_rate"]?.doubleValue == 1)
            #expect(windows["week"]?["runs"]?.intValue == 2 && windows["week"]?["pass_rate"]?.doubleValue.map { abs($0 - 0.9) < 1e-12 } == true)
            #expect(windows["month"]?["runs"]?.intValue == 3 && windows["month"]?["pass_rate"]?.doubleValue == 0.8)
            #expect(windows["week"]?["latency_ms_mean"]?.doubleValue == 150)
            let page = String(buffer: try await client.execute(uri: "/trends?suite=trend", method: .get).body)
            #expect(page.contains("<td>pass rate</td><td>100.0 %</td><td>100.0 % <span class=\"meta\">(1 runs)</span></td>"
                + "<td>90.0 % <span class=\"meta\">(2 runs)</span></td><td>80.0 % <span class=\"meta\">(3 runs)</span></td>"), "\(page)")
        }
    }

    /// Before the first run there is no store: the pages say how to fill it, the API says so too.
    @Test func aStoreNotMadeYetIsSaidSoNotAnError() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("none.sqlite")
        let app = try DashboardServer.application(DashboardConfiguration(storePath: path, port: 0))
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .notFound && String(buffer: page.body).contains("<h1>No runs yet</h1>"))
            #expect(String(buffer: page.body).contains("no store at \(path): nothing has been run into it yet"))
            let api = try await client.execute(uri: "/api/runs", method: .get)
            #expect(api.status == .notFound)
        }
        #expect(!FileManager.default.fileExists(atPath: path), "reading never makes a store")
    }

    /// Over a real socket, as a browser would reach it.
    @Test func itServesOverARealSocket() async throws {
        try await Self.withDashboard(.live) { client, runID in
            let response = try await client.execute(uri: "/api/runs/\(runID)", method: .get)
            #expect(response.status == .ok && response.headers[.contentType] == "application/json")
            let id = try Self.json(response)["run"]?["id"]?.stringValue
            #expect(id == runID)
        }
    }
}
