import Foundation
import LLMBenchCore

/// Where results live. SQLite is the embedded default; the protocol leaves room for PostgreSQL.
public protocol ResultStore: AnyObject, Sendable {
    /// Records a run as running, with its plan and the process that runs it.
    func beginRun(_ run: RunInfo, suitePath: String) throws(LLMBenchError)
    /// Appends one result and commits it before returning.
    func append(runID: String, sequence: Int, result: BenchResult) throws(LLMBenchError)
    /// Appends several results in one transaction (group commit).
    func append(runID: String, batch: [EncodedResult]) throws(LLMBenchError)
    /// Records how the run ended; `reason` says why when it did not complete.
    func finishRun(id: String, finishedAt: Double, notices: [String], status: RunStatus, reason: String?) throws(LLMBenchError)
    /// A run as it stands; a run still marked running whose process is gone reads as `killed`.
    func run(id: String) throws(LLMBenchError) -> RunInfo?
    func lastRunID() throws(LLMBenchError) -> String?
    func results(runID: String) throws(LLMBenchError) -> [BenchResult]
    /// Calls `body` with each result of the run that `filter` matches, in sequence order, reading
    /// and decoding one row at a time: memory does not grow with the run.
    func forEachResult(runID: String, matching filter: ResultFilter,
                       _ body: (BenchResult) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    /// The same results' figures (`ResultSource.forEachFigures`).
    func forEachFigures(runID: String, matching filter: ResultFilter,
                        _ body: (ResultFigures) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    /// The same results' figures with the details asked for (`ResultSource.forEachRow`); nil asks for none.
    func forEachRow(runID: String, matching filter: ResultFilter, detail: ResultDetail?,
                    _ body: (ResultRow) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    /// The same results' JSON text (`ResultSource.forEachResultJSON`).
    func forEachResultJSON(runID: String, matching filter: ResultFilter,
                           _ body: (UnsafeBufferPointer<UInt8>) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    /// Runs `body` on one snapshot of the store: every read in it sees the store as it stood at the
    /// first, even while a run writes into it, so several passes over a run agree. For readers:
    /// nothing may write through this store meanwhile.
    func withSnapshot<T>(_ body: () throws(LLMBenchError) -> T) throws(LLMBenchError) -> T
    /// The latest runs, newest first, each with how many results it stored.
    /// Runs matching `filter`, newest first, with how many results each has (warm-ups aside).
    func runs(matching filter: RunFilter, limit: Int) throws(LLMBenchError) -> [(run: RunInfo, done: Int)]
    /// Names a run; a name it has already is kept once.
    func addTags(runID: String, _ tags: [String]) throws(LLMBenchError)
    func removeTags(runID: String, _ tags: [String]) throws(LLMBenchError)
    /// The planned items of a run that have a result (warm-ups aside, and requests cancelled in
    /// flight by Ctrl-C, which never completed): what `--resume` skips.
    func completedItemKeys(runID: String) throws(LLMBenchError) -> Set<ItemKey>
    /// What a run has spent so far, by provider id (warm-ups included: they were paid for).
    func spending(runID: String) throws(LLMBenchError) -> [String: Double]
    /// The highest sequence number a run has stored; nil when it has none.
    func lastSequence(runID: String) throws(LLMBenchError) -> Int?
    /// Embeddings stored for these texts by this plugin and model (absent ones are missing).
    func embeddings(plugin: String, model: String, texts: [String]) throws(LLMBenchError) -> [String: [Double]]
    /// Keeps embeddings for later runs (an existing one is kept).
    func storeEmbeddings(plugin: String, model: String, _ vectors: [String: [Double]]) throws(LLMBenchError)
    /// Stores the scorers' figures for whole groups of a run (replacing any from before a resume).
    func recordCorpus(runID: String, figures: [CorpusFigure]) throws(LLMBenchError)
    /// Marks a stopped run as running again in this process (`--resume`), with its plan as given
    /// (a resumed run may continue with a larger budget), and drops the results of requests that
    /// Ctrl-C cancelled in flight: they are asked again.
    func resumeRun(_ run: RunInfo) throws(LLMBenchError)
    /// Answers stored for a request with this cache key (Docs/runs.md "Cache"), newest first:
    /// successful, not themselves from the cache, started at or after `since` (Unix seconds).
    func cachedAnswers(cacheKey: Int64, since: Double, limit: Int) throws(LLMBenchError) -> [BenchResult]
}

/// Which runs `runs(matching:)` lists: each set field must hold.
/// A run in a few numbers, for lists of runs (`SQLiteResultStore.overview`).
public struct RunOverview: Sendable, Equatable {
    public var results: Int
    public var passRate: Double
    public var errors: Int
    /// Over answered requests.
    public var qualityMean: Double?
    /// Cached answers aside (their cost and time belong to the run that measured them).
    public var costMeanUSD: Double?
    public var latencyMeanMs: Double?
}

public struct RunFilter: Sendable, Equatable {
    public var suite: String?
    public var tag: String?
    /// Started at or after / before, Unix seconds.
    public var since: Double?
    public var until: Double?

    public init(suite: String? = nil, tag: String? = nil, since: Double? = nil, until: Double? = nil) {
        self.suite = suite
        self.tag = tag
        self.since = since
        self.until = until
    }
}

extension ResultStore {
    public func runs(limit: Int) throws(LLMBenchError) -> [(run: RunInfo, done: Int)] { try runs(matching: RunFilter(), limit: limit) }

    /// The newest run named `tag`; nil when none is.
    public func lastRun(tagged tag: String) throws(LLMBenchError) -> RunInfo? { try runs(matching: RunFilter(tag: tag), limit: 1).first?.run }
}

/// A result with its JSON already written, so that the thread that commits only commits: the
/// encoding happens on the worker that produced the result.
public struct EncodedResult: Sendable {
    public var sequence: Int
    public var result: BenchResult
    public var json: [UInt8]
    /// Identifies the request for the response cache; nil for a result that may not answer others.
    public var cacheKey: Int64?

    public init(sequence: Int, result: BenchResult, cacheKey: Int64? = nil) {
        self.sequence = sequence
        self.result = result
        self.cacheKey = cacheKey
        var writer = JSONWriter()
        result.writeJSON(into: &writer)
        json = writer.bytes
    }
}

/// The SQLite store: one file, write-ahead log, each result committed as it completes.
public final class SQLiteResultStore: ResultStore, @unchecked Sendable {
    /// The schema version this build writes; migrations bring older files up to it.
    public static let schemaVersion = 7
    private let lock = NSLock()
    private let db: SQLiteDatabase
    /// The file's schema version: a store opened for reading is not migrated.
    private let fileVersion: Int
    private var insertResult: SQLiteDatabase.Statement?

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
        // 2: how a run ended (RunStatus), what it planned, and which process ran it
        // ("host/pid/start-time"), so that a run whose process died reads as killed.
        """
        ALTER TABLE runs ADD COLUMN status TEXT;
        ALTER TABLE runs ADD COLUMN status_reason TEXT;
        ALTER TABLE runs ADD COLUMN plan TEXT;
        ALTER TABLE runs ADD COLUMN process TEXT;
        """,
        // 3: the response cache's key (the first 64 bits of a SHA-256: an integer keeps each row and
        // the index small), cached answers and warm-ups told apart, and the start time a cache
        // entry's age is measured from (Docs/runs.md).
        """
        ALTER TABLE results ADD COLUMN cache_key INTEGER;
        ALTER TABLE results ADD COLUMN cached INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE results ADD COLUMN warmup INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE results ADD COLUMN started_at REAL;
        CREATE INDEX results_by_cache_key ON results(cache_key, started_at) WHERE cache_key IS NOT NULL;
        """,
        // 4: scorers' figures for whole groups (corpus BLEU), computed when a run ends (CorpusFigure).
        """
        ALTER TABLE runs ADD COLUMN corpus TEXT;
        """,
        // 5: embeddings made for scorers, by plugin, model and the text's SHA-256, so that a rerun
        // embeds nothing twice (Docs/embedding-cosine.md).
        """
        CREATE TABLE embeddings (
            plugin TEXT NOT NULL,
            model TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            vector TEXT NOT NULL,
            created_at REAL NOT NULL,
            PRIMARY KEY (plugin, model, text_sha256)
        );
        """,
        // 6: names given to runs (`run --tag`, `llmbench tag`), for `runs --tag` and `report --baseline TAG`.
        """
        CREATE TABLE run_tags (
            run_id TEXT NOT NULL REFERENCES runs(id),
            tag TEXT NOT NULL,
            PRIMARY KEY (run_id, tag)
        );
        CREATE INDEX run_tags_by_tag ON run_tags(tag);
        """,
        // 7: every figure a tally reads, as columns, so that reports add up a run without decoding each
        // result's JSON; which encoding of the JSON (`BenchResult.jsonEncoding`) `data` holds, so a
        // JSON report copies text this build would write as it is (rows from before have NULL there
        // and are read from their JSON as before); those figures again as a covering index, so a
        // tally's pass reads about 100 bytes a result instead of its whole row; and one provider's
        // results in sequence order, for JUnit's testsuite per provider (Docs/store.md).
        """
        ALTER TABLE results ADD COLUMN encoding INTEGER;
        ALTER TABLE results ADD COLUMN plugin TEXT;
        ALTER TABLE results ADD COLUMN tpot_ms REAL;
        ALTER TABLE results ADD COLUMN decode_tps REAL;
        ALTER TABLE results ADD COLUMN input_tokens INTEGER;
        ALTER TABLE results ADD COLUMN output_tokens INTEGER;
        ALTER TABLE results ADD COLUMN simulated INTEGER;
        ALTER TABLE results ADD COLUMN scoring_calls INTEGER;
        ALTER TABLE results ADD COLUMN scoring_cost_usd REAL;
        ALTER TABLE results ADD COLUMN attempts INTEGER;
        ALTER TABLE results ADD COLUMN tokens_estimated INTEGER;
        CREATE INDEX results_by_run_provider ON results(run_id, provider, seq);
        CREATE INDEX results_figures ON results(run_id, seq, warmup, encoding, test, category, provider, plugin, model, repeat_index,
            status, passed, latency_ms, ttft_ms, tpot_ms, decode_tps, input_tokens, output_tokens, error_kind, cost_usd, quality,
            simulated, cached, scoring_calls, scoring_cost_usd, attempts, tokens_estimated);
        """,
    ]

    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return (home as NSString).appendingPathComponent(".llmbench/results.sqlite")
    }

    /// Opens the store to write runs, creating the file (and its folder) when missing and bringing
    /// an older schema up to date. Safe when several processes open a new store at once.
    public init(path: String) throws(LLMBenchError) {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw LLMBenchError(.store, "cannot create the folder for the store \(path): \(error.localizedDescription)")
            }
        }
        db = try SQLiteDatabase(path: path)
        try Self.enableWriteAheadLog(db)
        try db.execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
        try Self.migrate(db)
        fileVersion = Self.schemaVersion
    }

    /// Opens an existing store to read: nothing is created, migrated or written. On a read-only
    /// medium (where SQLite cannot make the write-ahead log's -shm file) it reads the file as immutable.
    public init(readingFrom path: String) throws(LLMBenchError) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LLMBenchError(.usage, "no store at \(path): nothing has been run into it yet (llmbench run SUITE --store \(path))")
        }
        var opened: (SQLiteDatabase, Int)
        do {
            let db = try SQLiteDatabase(path: path, access: .readOnly)
            opened = (db, try db.userVersion())
        } catch {
            let db = try SQLiteDatabase(path: path, access: .immutable)
            opened = (db, try db.userVersion())
        }
        (db, fileVersion) = opened
        guard fileVersion <= Self.schemaVersion else { throw Self.newerSchema(fileVersion, path: path) }
        guard fileVersion >= 1 else { throw LLMBenchError(.store, "\(path) is not an LLMBench store (it has no schema)") }
    }

    static func newerSchema(_ version: Int, path: String) -> LLMBenchError {
        LLMBenchError(.store, "the store \(path) has schema version \(version), newer than this llmbench's \(schemaVersion); upgrade llmbench")
    }

    /// Switching a new file to WAL needs an exclusive lock, and SQLite answers "database is locked"
    /// at once (without its busy handler) while another connection does the same: retry until the
    /// busy timeout's five seconds are spent.
    static func enableWriteAheadLog(_ db: SQLiteDatabase) throws(LLMBenchError) {
        let deadline = MonotonicClock.nowNs() + 5_000_000_000
        while true {
            do {
                try db.execute("PRAGMA journal_mode=WAL")
                return
            } catch {
                guard error.message.contains("locked"), MonotonicClock.nowNs() < deadline else { throw error }
                usleep(1_000)
            }
        }
    }

    /// Reads the version under BEGIN IMMEDIATE, so two processes creating one store cannot both
    /// run the same migration.
    static func migrate(_ db: SQLiteDatabase) throws(LLMBenchError) {
        let seen = try db.userVersion()
        guard seen != schemaVersion else { return }
        guard seen < schemaVersion else { throw newerSchema(seen, path: db.path) }
        try db.execute("BEGIN IMMEDIATE")
        do throws(LLMBenchError) {
            let version = try db.userVersion()
            guard version <= schemaVersion else { throw newerSchema(version, path: db.path) }
            for target in version..<schemaVersion { try db.execute(migrations[target]) }
            try db.execute("PRAGMA user_version = \(schemaVersion)")
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// Marks a run as aborted from a fresh connection: for the exit guard, which runs while other
    /// threads may hold this process's own connection.
    public static func markAborted(path: String, runID: String, reason: String, at time: Double) {
        guard let db = try? SQLiteDatabase(path: path) else { return }
        guard let update = try? db.prepare("UPDATE runs SET status = 'aborted', status_reason = ?2, finished_at = ?3 WHERE id = ?1") else { return }
        update.bind(1, runID); update.bind(2, reason); update.bind(3, time)
        try? update.run()
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
                let insert = try db.prepare("""
                    INSERT INTO runs (id, suite, suite_digest, suite_path, started_at, concurrency, notices, status, plan, process)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'running', ?8, ?9)
                    """)
                insert.bind(1, run.id); insert.bind(2, run.suite); insert.bind(3, run.suiteDigest); insert.bind(4, suitePath)
                insert.bind(5, run.startedAt); insert.bind(6, run.concurrency)
                insert.bind(7, JSONValue.array(run.notices.map { .string($0) }).jsonText)
                insert.bind(8, run.plan?.json.jsonText)
                insert.bind(9, ProcessIdentity.current)
                try insert.run()
                let prices = try db.prepare("INSERT INTO price_snapshots (run_id, price_date, entries) VALUES (?1, ?2, ?3)")
                prices.bind(1, run.id); prices.bind(2, run.prices.date); prices.bind(3, JSONValue.array(run.prices.entries.map(\.json)).jsonText)
                try prices.run()
                let tag = try db.prepare("INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?1, ?2)")
                for name in run.tags {
                    tag.reset()
                    tag.bind(1, run.id); tag.bind(2, name)
                    try tag.run()
                }
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
        if insertResult == nil {
            insertResult = try db.prepare("""
                INSERT INTO results (run_id, seq, test, category, provider, model, repeat_index, status, error_kind,
                                     latency_ms, ttft_ms, cost_usd, quality, passed, data, cache_key, cached, warmup, started_at,
                                     encoding, plugin, tpot_ms, decode_tps, input_tokens, output_tokens, simulated,
                                     scoring_calls, scoring_cost_usd, attempts, tokens_estimated)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                        ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)
                """)
        }
        let s = insertResult!, result = item.result
        s.bind(1, runID); s.bind(2, item.sequence); s.bind(3, result.test); s.bind(4, result.category); s.bind(5, result.provider)
        s.bind(6, result.model); s.bind(7, result.repeatIndex); s.bind(8, result.status.rawValue); s.bind(9, result.error?.kind.rawValue)
        s.bind(10, result.latencyMs); s.bind(11, result.ttftMs); s.bind(12, result.costUSD); s.bind(13, result.quality)
        s.bind(14, result.passed ? 1 : 0)
        s.bind(15, bytes: item.json)
        s.bind(16, item.cacheKey.map { Int($0) }); s.bind(17, result.cached ? 1 : 0); s.bind(18, result.warmup ? 1 : 0); s.bind(19, result.startedAt)
        // The figures as a tally reads them (cached answers' own, before ResultFigures leaves them out).
        s.bind(20, BenchResult.jsonEncoding); s.bind(21, result.plugin); s.bind(22, result.tpotMs); s.bind(23, result.decodeTPS)
        s.bind(24, result.usage?.inputTokens); s.bind(25, result.usage?.outputTokens); s.bind(26, result.simulated ? 1 : 0)
        s.bind(27, result.madeScoringCalls ? 1 : 0)
        s.bind(28, result.scoringCostUSD); s.bind(29, result.attempts); s.bind(30, result.usage?.estimated == true ? 1 : 0)
        try s.run()
    }

    public func finishRun(id: String, finishedAt: Double, notices: [String], status: RunStatus, reason: String?) throws(LLMBenchError) {
        try locked { () throws(LLMBenchError) in
            let update = try db.prepare("UPDATE runs SET finished_at = ?2, notices = ?3, status = ?4, status_reason = ?5 WHERE id = ?1")
            update.bind(1, id); update.bind(2, finishedAt); update.bind(3, JSONValue.array(notices.map { .string($0) }).jsonText)
            update.bind(4, status.rawValue); update.bind(5, reason)
            try update.run()
        }
    }

    /// The run columns every query reads; a schema-1 file has none of the status columns.
    private var runColumns: String {
        let status = fileVersion >= 2 ? "r.status, r.status_reason, r.plan, r.process" : "NULL, NULL, NULL, NULL"
        let corpus = fileVersion >= 4 ? "r.corpus" : "NULL"
        // Tags joined by the unit separator, which no tag holds.
        let tags = fileVersion >= 6 ? "(SELECT group_concat(t.tag, char(31)) FROM run_tags t WHERE t.run_id = r.id)" : "NULL"
        return "r.id, r.suite, r.suite_digest, r.started_at, r.finished_at, r.concurrency, r.notices, p.price_date, p.entries, \(status), r.suite_path, \(corpus), \(tags)"
    }

    /// One row of `runColumns`, with the status a reader should see.
    private func runInfo(_ row: SQLiteDatabase.Statement) -> RunInfo {
        let notices = (try? JSONValue.parse(row.string(6) ?? "[]"))?.arrayValue?.compactMap(\.stringValue) ?? []
        let entries = (try? JSONValue.parse(row.string(8) ?? "[]")) ?? .array([])
        let prices = PriceSnapshot(json: .object(["date": .string(row.string(7) ?? ""), "entries": entries]))
        let finishedAt = row.double(4)
        var status = row.string(9).flatMap(RunStatus.init(rawValue:)) ?? (finishedAt == nil ? .running : .complete)
        var reason = row.string(10)
        if status == .running, !ProcessIdentity.mayBeAlive(row.string(12)) {
            status = .killed
            reason = "the process running it ended without recording how the run finished (killed, crashed, or the store could not be written)"
        }
        return RunInfo(id: row.string(0) ?? "", suite: row.string(1) ?? "", suiteDigest: row.string(2) ?? "",
                       startedAt: row.double(3) ?? 0, finishedAt: finishedAt, prices: prices,
                       concurrency: row.int(5) ?? 1, notices: notices, status: status, statusReason: reason,
                       plan: row.string(11).flatMap { try? JSONValue.parse($0) }.flatMap(RunPlan.init(json:)), suitePath: row.string(13),
                       corpus: row.string(14).flatMap { try? JSONValue.parse($0) }?.arrayValue?.compactMap(CorpusFigure.init(json:)) ?? [],
                       tags: row.string(15).map { $0.split(separator: "\u{1F}").map(String.init) } ?? [])
    }

    public func run(id: String) throws(LLMBenchError) -> RunInfo? {
        try locked { () throws(LLMBenchError) -> RunInfo? in
            let query = try db.prepare("SELECT \(runColumns) FROM runs r LEFT JOIN price_snapshots p ON p.run_id = r.id WHERE r.id = ?1")
            query.bind(1, id)
            return try query.step() ? runInfo(query) : nil
        }
    }

    public func runs(matching filter: RunFilter, limit: Int) throws(LLMBenchError) -> [(run: RunInfo, done: Int)] {
        try locked { () throws(LLMBenchError) -> [(run: RunInfo, done: Int)] in
            // A store from before tags has no tagged run.
            let tagged = fileVersion >= 6 ? "EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.tag = ?3)" : "0"
            let conditions = ["(?2 IS NULL OR r.suite = ?2)", "(?3 IS NULL OR \(tagged))", "(?4 IS NULL OR r.started_at >= ?4)",
                              "(?5 IS NULL OR r.started_at < ?5)"]
            let query = try db.prepare("""
                SELECT \(runColumns), (SELECT COUNT(*) FROM results x WHERE x.run_id = r.id\(fileVersion >= 3 ? " AND x.warmup = 0" : ""))
                FROM runs r LEFT JOIN price_snapshots p ON p.run_id = r.id
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?1
                """)
            query.bind(1, limit); query.bind(2, filter.suite); query.bind(3, filter.tag); query.bind(4, filter.since); query.bind(5, filter.until)
            var found: [(run: RunInfo, done: Int)] = []
            while try query.step() { found.append((runInfo(query), query.int(16) ?? 0)) }
            return found
        }
    }

    /// Each run's figures in a few numbers (warm-ups aside), added up by SQLite: for lists of runs,
    /// not for reports (means, not percentiles; no intervals).
    public func overview(runIDs: [String]) throws(LLMBenchError) -> [String: RunOverview] {
        var found: [String: RunOverview] = [:]
        for row in try aggregate(runIDs: runIDs, by: ["run_id"]) { found[row.keys[0]] = row.overview }
        return found
    }

    /// The same per provider and model of each run: the points of a trend.
    public func overviewByModel(runIDs: [String]) throws(LLMBenchError) -> [(runID: String, provider: String, model: String, overview: RunOverview)] {
        try aggregate(runIDs: runIDs, by: ["run_id", "provider", "model"]).map { ($0.keys[0], $0.keys[1], $0.keys[2], $0.overview) }
    }

    /// `RunOverview`s of the runs' results grouped by `columns` (text columns of `results`).
    private func aggregate(runIDs: [String], by columns: [String]) throws(LLMBenchError) -> [(keys: [String], overview: RunOverview)] {
        guard !runIDs.isEmpty else { return [] }
        return try locked { () throws(LLMBenchError) -> [(keys: [String], overview: RunOverview)] in
            let measured = fileVersion >= 3 ? "warmup = 0" : "1"
            let fresh = fileVersion >= 3 ? "cached = 0" : "1"
            let keys = columns.joined(separator: ", ")
            let query = try db.prepare("""
                SELECT \(keys), COUNT(*), SUM(passed), SUM(status = 'error'), AVG(CASE WHEN status = 'ok' THEN quality END),
                       AVG(CASE WHEN \(fresh) THEN cost_usd END), AVG(CASE WHEN status = 'ok' AND \(fresh) THEN latency_ms END)
                FROM results WHERE \(measured) AND run_id IN (\(runIDs.indices.map { "?\($0 + 1)" }.joined(separator: ", ")))
                GROUP BY \(keys) ORDER BY \(keys)
                """)
            for (i, id) in runIDs.enumerated() { query.bind(Int32(i + 1), id) }
            var found: [(keys: [String], overview: RunOverview)] = []
            let k = Int32(columns.count)
            while try query.step() {
                let n = query.int(k) ?? 0
                found.append(((0..<k).map { query.string($0) ?? "" }, RunOverview(
                    results: n, passRate: n == 0 ? 0 : Double(query.int(k + 1) ?? 0) / Double(n), errors: query.int(k + 2) ?? 0,
                    qualityMean: query.double(k + 3), costMeanUSD: query.double(k + 4), latencyMeanMs: query.double(k + 5))))
            }
            return found
        }
    }

    public func addTags(runID: String, _ tags: [String]) throws(LLMBenchError) {
        try eachTag("INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?1, ?2)", runID: runID, tags)
    }

    public func removeTags(runID: String, _ tags: [String]) throws(LLMBenchError) {
        try eachTag("DELETE FROM run_tags WHERE run_id = ?1 AND tag = ?2", runID: runID, tags)
    }

    /// Runs `sql` once per tag, with the run id as ?1 and the tag as ?2.
    private func eachTag(_ sql: String, runID: String, _ tags: [String]) throws(LLMBenchError) {
        try locked { () throws(LLMBenchError) in
            try requireTags()
            let statement = try db.prepare(sql)
            for tag in tags {
                statement.reset()
                statement.bind(1, runID); statement.bind(2, tag)
                try statement.run()
            }
        }
    }

    private func requireTags() throws(LLMBenchError) {
        guard fileVersion >= 6 else { throw LLMBenchError(.store, "this store was opened read-only at schema \(fileVersion), which has no tags") }
    }

    public func lastRunID() throws(LLMBenchError) -> String? {
        try locked { () throws(LLMBenchError) -> String? in
            let query = try db.prepare("SELECT id FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1")
            return try query.step() ? query.string(0) : nil
        }
    }

    public func results(runID: String) throws(LLMBenchError) -> [BenchResult] {
        var results: [BenchResult] = []
        try forEachResult(runID: runID, matching: .stored) { results.append($0) }
        return results
    }

    public func forEachResult(runID: String, matching filter: ResultFilter,
                              _ body: (BenchResult) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    {
        try forEachRow(runID: runID, columns: "seq, data", matching: filter, batch: [BenchResult](), read: { q, batch throws(LLMBenchError) in
            batch.append(try decoded(q, data: 1, runID: runID))
        }, { batch throws(LLMBenchError) in
            for result in batch { try body(result) }
        })
    }

    /// The figures of a row written at schema 7 or later come from its columns; an older row's from its JSON.
    public func forEachFigures(runID: String, matching filter: ResultFilter,
                               _ body: (ResultFigures) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    {
        try forEachRow(runID: runID, matching: filter, detail: nil) { row throws(LLMBenchError) in try body(row.figures) }
    }

    /// Figures as `forEachFigures` reads them; a row's JSON is decoded only where `detail` needs it.
    public func forEachRow(runID: String, matching filter: ResultFilter, detail: ResultDetail?,
                           _ body: (ResultRow) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    {
        guard fileVersion >= 7 else {
            return try forEachResult(runID: runID, matching: filter) { result throws(LLMBenchError) in try body(ResultRow(result)) }
        }
        // Column 1: the JSON, where this row's must be read (a cached answer's whole result is given
        // with any detail: its figures leave out the times and cost it was stored with).
        let needed = switch detail {
        case nil: "encoding IS NULL"
        case .failures: "encoding IS NULL OR cached = 1 OR status = 'error' OR passed = 0"
        case .text: "1"
        }
        // Without a detail, the query reads the covering index `results_figures`, not the rows: no JSON.
        let columns = """
            seq, \(detail == nil ? "NULL" : "CASE WHEN \(needed) THEN data END"), test, category, provider, plugin, model, repeat_index, status, passed,
            latency_ms, ttft_ms, tpot_ms, decode_tps, input_tokens, output_tokens, error_kind, cost_usd, quality, simulated, cached,
            scoring_calls, scoring_cost_usd, attempts, tokens_estimated, encoding IS NULL
            """
        try forEachRow(runID: runID, columns: columns, matching: filter, batch: [ResultRow](), read: { q, batch throws(LLMBenchError) in
            // A row from before schema 7 has only its JSON.
            guard q.int(25) == 0 else {
                guard q.text(1) == nil else { return batch.append(ResultRow(try decoded(q, data: 1, runID: runID))) }
                return batch.append(ResultRow(try storedResult(runID: runID, sequence: q.int(0) ?? -1)))
            }
            guard let status = q.string(8).flatMap(ResultStatus.init(rawValue:)) else {
                throw LLMBenchError(.store, "result \(q.int(0) ?? -1) of run \(runID) has no status in \(db.path)")
            }
            var row = ResultRow(figures: ResultFigures(
                test: q.string(2) ?? "", category: q.string(3) ?? "",
                provider: q.string(4) ?? "", plugin: q.string(5) ?? "",
                model: q.string(6) ?? "", repeatIndex: q.int(7) ?? 0, status: status, passed: q.int(9) == 1,
                latencyMs: q.double(10), ttftMs: q.double(11), tpotMs: q.double(12), decodeTPS: q.double(13),
                inputTokens: q.int(14), outputTokens: q.int(15), errorKind: q.string(16),
                costUSD: q.double(17), quality: q.double(18), simulated: q.int(19) == 1, cached: q.int(20) == 1,
                scoringCalls: q.int(21) == 1, scoringCostUSD: q.double(22), attempts: q.int(23) ?? 1, tokensEstimated: q.int(24) == 1))
            if detail == .failures && q.text(1) != nil || detail == .text && row.figures.cached {
                row.result = try decoded(q, data: 1, runID: runID)
                row.text = row.result.map { ResultText(output: $0.output, errorMessage: $0.error?.message) }
            } else if detail == .text {
                guard let bytes = q.utf8(1), let text = BenchResult.decodeText(utf8: bytes) else { throw unreadable(q, runID: runID) }
                row.text = text
            }
            batch.append(row)
        }, { batch throws(LLMBenchError) in
            for row in batch { try body(row) }
        })
    }

    /// Text this build wrote is handed over as stored; older text is decoded and written again.
    public func forEachResultJSON(runID: String, matching filter: ResultFilter,
                                  _ body: (UnsafeBufferPointer<UInt8>) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    {
        let current = fileVersion >= 7 ? "encoding IS \(BenchResult.jsonEncoding)" : "0"
        try forEachRow(runID: runID, columns: "seq, data, \(current)", matching: filter, batch: TextBatch(), read: { q, batch throws(LLMBenchError) in
            if q.int(2) == 1, let stored = q.text(1) {
                batch.text.append(contentsOf: stored)
            } else {
                var writer = JSONWriter()
                try decoded(q, data: 1, runID: runID).writeJSON(into: &writer)
                batch.text.append(contentsOf: writer.bytes)
            }
            batch.ends.append(batch.text.count)
        }, { batch throws(LLMBenchError) in
            try batch.text.withUnsafeBufferPointer { text throws(LLMBenchError) in
                var start = 0
                for end in batch.ends {
                    try body(UnsafeBufferPointer(rebasing: text[start..<end]))
                    start = end
                }
            }
        })
    }

    /// Results' texts one after another, and where each ends.
    private struct TextBatch {
        var text: [UInt8] = []
        var ends: [Int] = []
    }

    /// Steps through the run's rows that `filter` matches, in sequence order, on a thread of its own
    /// (`ReadAhead`): `read` adds what it needs of each row's columns to a batch while the connection's
    /// lock is held; the caller's thread `consume`s each batch of `rowsPerBatch` rows, in order.
    private func forEachRow<Batch>(runID: String, columns: String, matching filter: ResultFilter, batch empty: Batch,
                                   rowsPerBatch: Int = 512,
                                   read: (SQLiteDatabase.Statement, inout Batch) throws(LLMBenchError) -> Void,
                                   _ consume: (Batch) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    {
        var sql = "SELECT \(columns) FROM results WHERE run_id = ?1"
        var values = [runID]
        for (column, value) in [("provider", filter.provider), ("model", filter.model), ("category", filter.category)] {
            guard let value else { continue }
            values.append(value)
            sql += " AND \(column) = ?\(values.count)"
        }
        if filter.onlyFailures { sql += " AND (status = 'error' OR passed = 0)" }
        if !filter.warmups && fileVersion >= 3 { sql += " AND warmup = 0" }
        sql += " ORDER BY seq"
        if filter.limit != nil || filter.offset > 0 { sql += " LIMIT \(filter.limit.map { max(0, $0) } ?? -1) OFFSET \(filter.offset)" }
        var query: SQLiteDatabase.Statement? = try locked { () throws(LLMBenchError) in
            let query = try db.prepare(sql)
            for (i, value) in values.enumerated() { query.bind(Int32(i + 1), value) }
            return query
        }
        // The statement is finalized under the lock, as every use of the connection is.
        defer { lock.lock(); query = nil; lock.unlock() }
        try ReadAhead.run(produce: { emit throws(LLMBenchError) in
            var more = true
            while more {
                var batch = empty
                var failure: LLMBenchError?
                // The lock is held for one batch of rows at a time, never while a batch is consumed.
                try locked { () throws(LLMBenchError) in
                    do throws(LLMBenchError) {
                        for _ in 0..<rowsPerBatch {
                            guard try query!.step() else { more = false; return }
                            try read(query!, &batch)
                        }
                    } catch {
                        failure = error
                    }
                }
                // The rows before an unreadable one are handed over before its error.
                guard emit(batch) else { return }
                if let failure { throw failure }
                guard more else { return }
            }
        }, consume: consume)
    }

    /// The row's result from its JSON in column `data` (column 0 is its sequence number).
    private func decoded(_ query: SQLiteDatabase.Statement, data: Int32, runID: String) throws(LLMBenchError) -> BenchResult {
        guard let bytes = query.utf8(data), let result = BenchResult.decode(utf8: bytes) else { throw unreadable(query, runID: runID) }
        return result
    }

    /// One stored result, read by its sequence number (the caller holds the lock).
    private func storedResult(runID: String, sequence: Int) throws(LLMBenchError) -> BenchResult {
        let query = try db.prepare("SELECT seq, data FROM results WHERE run_id = ?1 AND seq = ?2")
        query.bind(1, runID); query.bind(2, sequence)
        guard try query.step() else { throw LLMBenchError(.store, "result \(sequence) of run \(runID) is missing from \(db.path)") }
        return try decoded(query, data: 1, runID: runID)
    }

    private func unreadable(_ query: SQLiteDatabase.Statement, runID: String) -> LLMBenchError {
        LLMBenchError(.store, "result \(query.int(0) ?? -1) of run \(runID) is unreadable in \(db.path)")
    }

    public func withSnapshot<T>(_ body: () throws(LLMBenchError) -> T) throws(LLMBenchError) -> T {
        // A deferred transaction takes its snapshot at its first read and keeps it until it ends.
        try locked { () throws(LLMBenchError) in try db.execute("BEGIN") }
        do {
            let value = try body()
            try locked { () throws(LLMBenchError) in try db.execute("COMMIT") }
            return value
        } catch {
            try? locked { () throws(LLMBenchError) in try db.execute("ROLLBACK") }
            throw error
        }
    }

    public func completedItemKeys(runID: String) throws(LLMBenchError) -> Set<ItemKey> {
        try locked { () throws(LLMBenchError) -> Set<ItemKey> in
            let warmup = fileVersion >= 3 ? "AND warmup = 0" : ""
            let query = try db.prepare("""
                SELECT test, provider, repeat_index FROM results
                WHERE run_id = ?1 \(warmup) AND (error_kind IS NULL OR error_kind != 'cancelled')
                """)
            query.bind(1, runID)
            var keys: Set<ItemKey> = []
            while try query.step() {
                keys.insert(ItemKey(test: query.string(0) ?? "", provider: query.string(1) ?? "", repeatIndex: query.int(2) ?? 0))
            }
            return keys
        }
    }

    public func spending(runID: String) throws(LLMBenchError) -> [String: Double] {
        try locked { () throws(LLMBenchError) -> [String: Double] in
            let query = try db.prepare("SELECT provider, SUM(cost_usd) FROM results WHERE run_id = ?1 AND cost_usd IS NOT NULL GROUP BY provider")
            query.bind(1, runID)
            var spent: [String: Double] = [:]
            while try query.step() { spent[query.string(0) ?? ""] = query.double(1) ?? 0 }
            return spent
        }
    }

    public func lastSequence(runID: String) throws(LLMBenchError) -> Int? {
        try locked { () throws(LLMBenchError) -> Int? in
            let query = try db.prepare("SELECT MAX(seq) FROM results WHERE run_id = ?1")
            query.bind(1, runID)
            return try query.step() ? query.int(0) : nil
        }
    }

    public func embeddings(plugin: String, model: String, texts: [String]) throws(LLMBenchError) -> [String: [Double]] {
        try locked { () throws(LLMBenchError) -> [String: [Double]] in
            guard fileVersion >= 5 else { return [:] }
            let query = try db.prepare("SELECT vector FROM embeddings WHERE plugin = ?1 AND model = ?2 AND text_sha256 = ?3")
            var found: [String: [Double]] = [:]
            for text in Set(texts) {
                query.reset()
                query.bind(1, plugin); query.bind(2, model); query.bind(3, Digest.sha256Hex(text))
                if try query.step(), let json = query.string(0).flatMap({ try? JSONValue.parse($0) }),
                   let vector = json.arrayValue?.compactMap(\.doubleValue), vector.count == json.arrayValue?.count
                {
                    found[text] = vector
                }
            }
            return found
        }
    }

    public func storeEmbeddings(plugin: String, model: String, _ vectors: [String: [Double]]) throws(LLMBenchError) {
        guard !vectors.isEmpty else { return }
        try locked { () throws(LLMBenchError) in
            try db.execute("BEGIN IMMEDIATE")
            do throws(LLMBenchError) {
                let insert = try db.prepare("""
                    INSERT OR IGNORE INTO embeddings (plugin, model, text_sha256, vector, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
                    """)
                for (text, vector) in vectors {
                    insert.reset()
                    insert.bind(1, plugin); insert.bind(2, model); insert.bind(3, Digest.sha256Hex(text))
                    insert.bind(4, JSONValue.array(vector.map { .number($0) }).jsonText); insert.bind(5, WallClock.nowUnix())
                    try insert.run()
                }
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }

    public func recordCorpus(runID: String, figures: [CorpusFigure]) throws(LLMBenchError) {
        try locked { () throws(LLMBenchError) in
            let update = try db.prepare("UPDATE runs SET corpus = ?2 WHERE id = ?1")
            update.bind(1, runID); update.bind(2, JSONValue.array(figures.map(\.json)).jsonText)
            try update.run()
        }
    }

    public func resumeRun(_ run: RunInfo) throws(LLMBenchError) {
        try locked { () throws(LLMBenchError) in
            let update = try db.prepare("""
                UPDATE runs SET status = 'running', status_reason = NULL, finished_at = NULL, process = ?2, plan = ?3 WHERE id = ?1
                """)
            update.bind(1, run.id); update.bind(2, ProcessIdentity.current); update.bind(3, run.plan?.json.jsonText)
            try db.execute("BEGIN IMMEDIATE")
            do throws(LLMBenchError) {
                try update.run()
                let drop = try db.prepare("DELETE FROM results WHERE run_id = ?1 AND error_kind = 'cancelled'")
                drop.bind(1, run.id)
                try drop.run()
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }

    public func cachedAnswers(cacheKey: Int64, since: Double, limit: Int) throws(LLMBenchError) -> [BenchResult] {
        try locked { () throws(LLMBenchError) -> [BenchResult] in
            guard fileVersion >= 3 else { return [] }
            let query = try db.prepare("""
                SELECT data FROM results WHERE cache_key = ?1 AND started_at >= ?2 AND cached = 0 AND status = 'ok'
                ORDER BY started_at DESC LIMIT ?3
                """)
            query.bind(1, Int(cacheKey)); query.bind(2, since); query.bind(3, limit)
            var found: [BenchResult] = []
            while try query.step() {
                if let bytes = query.utf8(0), let result = BenchResult.decode(utf8: bytes) { found.append(result) }
            }
            return found
        }
    }
}

extension ResultStore {
    /// For stores that cannot read row by row: the whole run, then filtered.
    public func forEachResult(runID: String, matching filter: ResultFilter,
                              _ body: (BenchResult) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    {
        try ResultList(try results(runID: runID)).forEachResult(matching: filter, body)
    }

    public func forEachFigures(runID: String, matching filter: ResultFilter,
                               _ body: (ResultFigures) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    {
        try results(of: runID).forEachResult(matching: filter) { result throws(LLMBenchError) in try body(ResultFigures(result)) }
    }

    public func forEachResultJSON(runID: String, matching filter: ResultFilter,
                                  _ body: (UnsafeBufferPointer<UInt8>) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    {
        try ResultList(try results(runID: runID)).forEachResultJSON(matching: filter, body)
    }

    public func forEachRow(runID: String, matching filter: ResultFilter, detail: ResultDetail?,
                           _ body: (ResultRow) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    {
        try results(of: runID).forEachResult(matching: filter) { result throws(LLMBenchError) in try body(ResultRow(result)) }
    }

    /// For stores that take no snapshots: each read sees the store as it stands.
    public func withSnapshot<T>(_ body: () throws(LLMBenchError) -> T) throws(LLMBenchError) -> T { try body() }

    /// One run's results as a report reads them, pass after pass.
    public func results(of runID: String) -> StoredResults { StoredResults(store: self, runID: runID) }
}

/// A run's results in the store, read row by row each time they are asked for.
public struct StoredResults: ResultSource {
    public let store: any ResultStore
    public let runID: String

    public func forEachResult(matching filter: ResultFilter, _ body: (BenchResult) throws(LLMBenchError) -> Void) throws(LLMBenchError) {
        try store.forEachResult(runID: runID, matching: filter, body)
    }

    public func forEachFigures(matching filter: ResultFilter, _ body: (ResultFigures) throws(LLMBenchError) -> Void) throws(LLMBenchError) {
        try store.forEachFigures(runID: runID, matching: filter, body)
    }

    public func forEachRow(matching filter: ResultFilter, detail: ResultDetail, _ body: (ResultRow) throws(LLMBenchError) -> Void) throws(LLMBenchError) {
        try store.forEachRow(runID: runID, matching: filter, detail: detail, body)
    }

    public func forEachResultJSON(matching filter: ResultFilter,
                                  _ body: (UnsafeBufferPointer<UInt8>) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    {
        try store.forEachResultJSON(runID: runID, matching: filter, body)
    }
}
