import Hummingbird
import LLMBenchCore
import LLMBenchEngine

/// The JSON API behind every page (Docs/dashboard.md). Errors are `{"error": "…"}` with 400 (a bad
/// parameter), 404 (no such run or result) or 500 (the store could not be read).
enum API {
    /// Every path the API answers, as Docs/openapi.json writes it; a test holds the two together.
    static let paths = ["/api/runs", "/api/runs/{id}", "/api/runs/{id}/results", "/api/runs/{id}/results/{index}", "/api/leaderboard",
                        "/api/trends"]

    static func add(to router: Router<BasicRequestContext>, data: DashboardData) {
        /// Routes a GET of one of `paths`, written as the OpenAPI file writes it (`{id}` for `:id`):
        /// a path not in the list stops the server at start, so the list and the file's test hold.
        func get(_ path: String, _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
            precondition(paths.contains(path), "\(path) is not in API.paths (and Docs/openapi.json)")
            let routed = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            router.get(RouterPath(routed), use: handler)
        }
        get("/api/runs") { request, _ -> Response in try await guarded {
            let query = request.uri.queryParameters
            let limit = try number(query.get("limit"), name: "limit", default: 50, in: 1...1000)
            let (suite, tag) = (query.get("suite"), query.get("tag"))
            return try await answer(data) { store throws(LLMBenchError) in .json(try Views.runs(store, suite: suite, tag: tag, limit: limit)) }
        } }
        get("/api/runs/{id}") { _, context -> Response in
            let id = try context.parameters.require("id")
            return try await answer(data) { store throws(LLMBenchError) in
                guard let summary = try Views.summary(store, runID: id) else { return missing("no run \(id)") }
                return .json(summary.json)
            }
        }
        get("/api/runs/{id}/results") { request, context -> Response in try await guarded {
            let id = try context.parameters.require("id")
            let query = request.uri.queryParameters
            let offset = try number(query.get("offset"), name: "offset", default: 0, in: 0...Int.max)
            let limit = try number(query.get("limit"), name: "limit", default: 100, in: 1...Views.pageLimit)
            return try await answer(data) { store throws(LLMBenchError) in
                guard try store.run(id: id) != nil else { return missing("no run \(id)") }
                return .json(try Views.results(store, runID: id, offset: offset, limit: limit))
            }
        } }
        get("/api/runs/{id}/results/{index}") { _, context -> Response in try await guarded {
            let id = try context.parameters.require("id")
            let index = try number(context.parameters.get("index"), name: "index", default: 0, in: 0...Int.max)
            return try await answer(data) { store throws(LLMBenchError) in
                guard let result = try Views.result(store, runID: id, index: index) else { return missing("run \(id) has no result \(index)") }
                return .json(result.json)
            }
        } }
        get("/api/trends") { request, _ -> Response in
            let suite = request.uri.queryParameters.get("suite")
            let now = WallClock.nowUnix()
            return try await answer(data) { store throws(LLMBenchError) in
                guard let found = try Views.trends(store, suite: suite) else { return missing(suite.map { "no run of suite \($0)" } ?? "no run yet") }
                return .json(Views.trendsJSON(found, now: now))
            }
        }
        get("/api/leaderboard") { request, _ -> Response in
            let suite = request.uri.queryParameters.get("suite")
            return try await answer(data) { store throws(LLMBenchError) in
                guard let summary = try Views.latest(store, suite: suite) else { return missing(suite.map { "no run of suite \($0)" } ?? "no run yet") }
                return .json(Views.leaderboard(summary))
            }
        }
    }

    /// Runs `body` on the store; a store that cannot be read is a 500 with its message.
    static func answer(_ data: DashboardData, _ body: @escaping @Sendable (SQLiteResultStore) throws(LLMBenchError) -> Response) async throws -> Response {
        do {
            return try await data.read(body)
        } catch let error as LLMBenchError {
            return .json(.object(["error": .string(error.message)]), status: error.code == .usage ? .notFound : .internalServerError)
        }
    }

    static func missing(_ message: String) -> Response { .json(.object(["error": .string(message)]), status: .notFound) }

    /// A parameter the API cannot take: a 400 saying which and what it must be.
    struct BadParameter: Error {
        var message: String
    }

    static func guarded(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let bad as BadParameter {
            return .json(.object(["error": .string(bad.message)]), status: .badRequest)
        }
    }

    /// A whole number parameter in `range`; absent gives `default`; anything else is a 400.
    static func number(_ text: String?, name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            let upper = range.upperBound == Int.max ? " up" : " to \(range.upperBound)"
            throw BadParameter(message: "\(name) must be a whole number from \(range.lowerBound)\(upper), not \(text)")
        }
        return number
    }
}
