import Foundation
import LLMBenchCore

/// Where results live. SQLite is the embedded default; the protocol leaves room for PostgreSQL.
public protocol ResultStore: AnyObject, Sendable {
    func beginRun(_ run: RunInfo, suitePath: String) throws(LLMBenchError)
    /// Appends one result and commits it before returning.
    func append(runID: String, sequence: Int, result: BenchResult) throws(LLMBenchError)
    /// Appends several results in one transaction (group commit).
    func append(runID: String, batch: [EncodedResult]) throws(LLMBenchError)
    func finishRun(id: String, finishedAt: Double, notices: [String]) throws(LLMBenchError)
    func run(id: String) throws(LLMBenchError) -> RunInfo?
    func lastRunID() throws(LLMBenchError) -> String?
    func results(runID: String) throws(LLMBenchError) -> [BenchResult]
}

/// A result with its JSON already written, so that the thread that commits only commits: the
/// encoding happens on the worker that produced the result.
public struct EncodedResult: Sendable {
    public var sequence: Int
    public var result: BenchResult
    public var json: [UInt8]

    public init(sequence: Int, result: BenchResult) {
        self.sequence = sequence
        self.result = result
        var writer = JSONWriter()
        result.writeJSON(into: &writer)
        json = writer.bytes
    }
}

/// The SQLite store: one file, write-ahead log, each result committed as it completes.
public final class SQLiteResultStore: ResultStore, @unchecked Sendable {
    /// The schema version this build writes; migrations bring older files up to it.
    public static let schemaVersion = 1
    private let lock = NSLock()
    private let db: SQLiteDatabase
    private let insertResult: SQLiteDatabase.Statement

    /// Schema migrations, index i takes a store from version i to i + 1. Only ever append.
    static let migrations: [String] = [
        """
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            suite TEXT NOT NULL,
            suite_digest TEXT NOT NULL,
            suite_path TEXT,
            started_at REAL NOT NULL,
            finished_at REAL,
            concurrency INTEGER NOT NULL,
            notices TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE price_snapshots (
            run_id TEXT PRIMARY KEY REFERENCES runs(id),
            price_date TEXT NOT NULL,
            entries TEXT NOT NULL
        );
        CREATE TABLE results (
            run_id TEXT NOT NULL REFERENCES runs(id),
            seq INTEGER NOT NULL,
            test TEXT NOT NULL,
            category TEXT NOT NULL,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            repeat_index INTEGER NOT NULL,
            status TEXT NOT NULL,
            error_kind TEXT,
            latency_ms REAL,
            ttft_ms REAL,
            cost_usd REAL,
            quality REAL,
            passed INTEGER NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (run_id, seq)
        );
        CREATE INDEX results_by_model ON results(provider, model, category);
        """,
    ]

    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return (home as NSString).appendingPathComponent(".llmbench/results.sqlite")
    }

    public init(path: String) throws(LLMBenchError) {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw LLMBenchError(.store, "cannot create the folder for the store \(path): \(error.localizedDescription)")
            }
        }
        db = try SQLiteDatabase(path: path)
        try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
        try Self.migrate(db)
        insertResult = try db.prepare("""
            INSERT INTO results (run_id, seq, test, category, provider, model, repeat_index, status, error_kind,
                                 latency_ms, ttft_ms, cost_usd, quality, passed, data)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            """)
    }

    static func migrate(_ db: SQLiteDatabase) throws(LLMBenchError) {
        let version = try db.userVersion()
        guard version <= schemaVersion else {
            throw LLMBenchError(.store, "the store \(db.path) has schema version \(version), newer than this llmbench's \(schemaVersion); upgrade llmbench")
        }
        for target in version..<schemaVersion {
            try db.execute("BEGIN IMMEDIATE")
            do throws(LLMBenchError) {
                try db.execute(migrations[target])
                try db.execute("PRAGMA user_version = \(target + 1)")
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }

    private func locked<T>(_ body: () throws(LLMBenchError) -> T) throws(LLMBenchError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    public func beginRun(_ run: RunInfo, suitePath: String) throws(LLMBenchError) {
        try locked { () throws(LLMBenchError) in
            try db.execute("BEGIN IMMEDIATE")
            do throws(LLMBenchError) {
                let insert = try db.prepare("INSERT INTO runs (id, suite, suite_digest, suite_path, started_at, concurrency, notices) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                insert.bind(1, run.id); insert.bind(2, run.suite); insert.bind(3, run.suiteDigest); insert.bind(4, suitePath)
                insert.bind(5, run.startedAt); insert.bind(6, run.concurrency)
                insert.bind(7, JSONValue.array(run.notices.map { .string($0) }).jsonText)
                try insert.run()
                let prices = try db.prepare("INSERT INTO price_snapshots (run_id, price_date, entries) VALUES (?1, ?2, ?3)")
                prices.bind(1, run.id); prices.bind(2, run.prices.date); prices.bind(3, JSONValue.array(run.prices.entries.map(\.json)).jsonText)
                try prices.run()
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }

    public func append(runID: String, sequence: Int, result: BenchResult) throws(LLMBenchError) {
        try append(runID: runID, batch: [EncodedResult(sequence: sequence, result: result)])
    }

    public func append(runID: String, batch: [EncodedResult]) throws(LLMBenchError) {
        guard !batch.isEmpty else { return }
        try locked { () throws(LLMBenchError) in
            try db.execute("BEGIN IMMEDIATE")
            do throws(LLMBenchError) {
                for item in batch { try insert(runID: runID, item) }
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }

    private func insert(runID: String, _ item: EncodedResult) throws(LLMBenchError) {
        let s = insertResult, result = item.result
        s.bind(1, runID); s.bind(2, item.sequence); s.bind(3, result.test); s.bind(4, result.category); s.bind(5, result.provider)
        s.bind(6, result.model); s.bind(7, result.repeatIndex); s.bind(8, result.status.rawValue); s.bind(9, result.error?.kind.rawValue)
        s.bind(10, result.latencyMs); s.bind(11, result.ttftMs); s.bind(12, result.costUSD); s.bind(13, result.quality)
        s.bind(14, result.passed ? 1 : 0)
        s.bind(15, bytes: item.json)
        try s.run()
    }

    public func finishRun(id: String, finishedAt: Double, notices: [String]) throws(LLMBenchError) {
        try locked { () throws(LLMBenchError) in
            let update = try db.prepare("UPDATE runs SET finished_at = ?2, notices = ?3 WHERE id = ?1")
            update.bind(1, id); update.bind(2, finishedAt); update.bind(3, JSONValue.array(notices.map { .string($0) }).jsonText)
            try update.run()
        }
    }

    public func run(id: String) throws(LLMBenchError) -> RunInfo? {
        try locked { () throws(LLMBenchError) -> RunInfo? in
            let query = try db.prepare("""
                SELECT r.id, r.suite, r.suite_digest, r.started_at, r.finished_at, r.concurrency, r.notices, p.price_date, p.entries
                FROM runs r LEFT JOIN price_snapshots p ON p.run_id = r.id WHERE r.id = ?1
                """)
            query.bind(1, id)
            guard try query.step() else { return nil }
            let notices = (try? JSONValue.parse(query.string(6) ?? "[]"))?.arrayValue?.compactMap(\.stringValue) ?? []
            let entries = (try? JSONValue.parse(query.string(8) ?? "[]")) ?? .array([])
            let prices = PriceSnapshot(json: .object(["date": .string(query.string(7) ?? ""), "entries": entries]))
            return RunInfo(id: query.string(0) ?? id, suite: query.string(1) ?? "", suiteDigest: query.string(2) ?? "",
                           startedAt: query.double(3) ?? 0, finishedAt: query.double(4), prices: prices,
                           concurrency: query.int(5) ?? 1, notices: notices)
        }
    }

    public func lastRunID() throws(LLMBenchError) -> String? {
        try locked { () throws(LLMBenchError) -> String? in
            let query = try db.prepare("SELECT id FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1")
            return try query.step() ? query.string(0) : nil
        }
    }

    public func results(runID: String) throws(LLMBenchError) -> [BenchResult] {
        try locked { () throws(LLMBenchError) -> [BenchResult] in
            let query = try db.prepare("SELECT seq, data FROM results WHERE run_id = ?1 ORDER BY seq")
            query.bind(1, runID)
            var results: [BenchResult] = []
            while try query.step() {
                guard let text = query.string(1), let json = try? JSONValue.parse(text), let result = BenchResult(json: json) else {
                    throw LLMBenchError(.store, "result \(query.int(0) ?? -1) of run \(runID) is unreadable in \(db.path)")
                }
                results.append(result)
            }
            return results
        }
    }
}
