import Foundation
import Hummingbird
import LLMBenchCore
import LLMBenchEngine

/// How the dashboard is served (`llmbench serve`).
public struct DashboardConfiguration: Sendable {
    /// The store the pages and the API read.
    public var storePath: String
    public var host: String
    public var port: Int
    /// Asked of every request when set (`Authorization: Bearer TOKEN`); required to bind anywhere but loopback.
    public var token: String?

    public init(storePath: String, host: String = "127.0.0.1", port: Int = 8080, token: String? = nil) {
        self.storePath = storePath
        self.host = host
        self.port = port
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Loopback only, unless a token guards it: the dashboard shows prompts, answers and spend.
    public func validate() throws(LLMBenchError) {
        guard token == nil, !Self.isLoopback(host) else { return }
        throw LLMBenchError(.usage, "refusing to serve on \(host) without a token: anyone who reaches it would see every run; "
            + "give --token (or LLMBENCH_DASHBOARD_TOKEN), or bind to 127.0.0.1")
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}

/// The dashboard: server-rendered pages and the JSON API behind them (Docs/dashboard.md), over one
/// store, read-only. Every page escapes what models and providers wrote; no API key is ever in the
/// store, so none can be shown.
public enum DashboardServer {
    /// The application, ready to run (`runService()`) or to test.
    /// `onListening` gets the port once the server listens (the one chosen when `port` is 0).
    public static func application(_ configuration: DashboardConfiguration, onListening: @escaping @Sendable (Int) -> Void = { _ in })
        throws(LLMBenchError) -> some ApplicationProtocol
    {
        try configuration.validate()
        let router = Router()
        if let token = configuration.token { router.add(middleware: TokenCheck(token: token)) }
        let data = DashboardData(storePath: configuration.storePath)
        API.add(to: router, data: data)
        Pages.add(to: router, data: data)
        return Application(router: router, configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                                                serverName: "llmbench"),
                           onServerRunning: { channel in onListening(channel.localAddress?.port ?? configuration.port) })
    }
}

/// Every request must carry the token: `Authorization: Bearer TOKEN`. Compared in constant time.
struct TokenCheck<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let given = request.headers[.authorization].map { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : "" } ?? ""
        guard Self.equal(Array(given.utf8), Array(token.utf8)) else {
            return Response(status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8", .wwwAuthenticate: "Bearer"],
                            body: .init(byteBuffer: ByteBuffer(string: "a token is required (Authorization: Bearer TOKEN)\n")))
        }
        return try await next(request, context)
    }

    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) { difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0) }
        return difference == 0
    }
}

/// Reads the store for the pages and the API: each request opens it to read (no migration, no
/// write) on a thread of the global pool, so SQLite never blocks the server's event loops.
struct DashboardData: Sendable {
    let storePath: String

    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteResultStore) throws(LLMBenchError) -> T) async throws -> T {
        let path = storePath
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do throws(LLMBenchError) {
                    let store = try SQLiteResultStore(readingFrom: path)
                    continuation.resume(returning: try store.withSnapshot { () throws(LLMBenchError) in try body(store) })
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

extension Response {
    static func text(_ text: String, type: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        .text(value.jsonText + "\n", type: "application/json", status: status)
    }
}
