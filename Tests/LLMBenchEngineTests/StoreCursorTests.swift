import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

@testable import LLMBenchEngine

/// Reading a run row by row: in sequence order whatever the order of the commits, narrowed by
/// provider, model or category, and inside a snapshot that a writer cannot move.
struct StoreCursorTests {
    static func result(_ test: String, provider: String, model: String = "m", category: String = "c",
                       status: ResultStatus = .ok, passed: Bool = true) -> BenchResult {
        var result = StoreTests.sampleResult(test, status: status)
        (result.provider, result.model, result.category, result.passed) = (provider, model, category, passed)
        return result
    }

    /// Sequences committed out of order, in several batches, with another run's results between them.
    static func filledStore(_ dir: TemporaryDirectory) throws -> SQLiteResultStore {
        let store = try SQLiteResultStore(path: dir.file("s.sqlite"))
        try store.beginRun(StoreTests.sampleRun(), suitePath: "x")
        try store.beginRun(StoreTests.sampleRun(id: "run-2"), suitePath: "x")
        let results = [
            result("t0", provider: "a", category: "x"), result("t1", provider: "b", category: "x", status: .error, passed: false),
            result("t2", provider: "a", model: "m2", category: "y"), result("t3", provider: "b", category: "y", passed: false),
            result("t4", provider: "a", category: "x"), result("t5", provider: "b", model: "m2", category: "x"),
        ]
        for order in [[4, 1], [5, 0, 3], [2]] {
            try store.append(runID: "run-1", batch: order.map { EncodedResult(sequence: $0, result: results[$0]) })
            try store.append(runID: "run-2", sequence: order[0], result: result("other", provider: "a"))
        }
        return store
    }

    static func tests(_ store: SQLiteResultStore, _ filter: ResultFilter = .all) throws -> [String] {
        var tests: [String] = []
        try store.forEachResult(runID: "run-1", matching: filter) { tests.append($0.test) }
        return tests
    }

    @Test func resultsComeInSequenceOrderWhateverTheOrderTheyWereCommittedIn() throws {
        let dir = TemporaryDirectory()
        let store = try Self.filledStore(dir)
        #expect(try Self.tests(store) == ["t0", "t1", "t2", "t3", "t4", "t5"])
        #expect(try store.results(runID: "run-1").map(\.test) == ["t0", "t1", "t2", "t3", "t4", "t5"])
        var fromSource: [String] = []
        try store.results(of: "run-1").forEachResult(matching: .all) { fromSource.append($0.test) }
        #expect(fromSource == ["t0", "t1", "t2", "t3", "t4", "t5"])
    }

    @Test func aFilterNarrowsByProviderModelAndCategory() throws {
        let dir = TemporaryDirectory()
        let store = try Self.filledStore(dir)
        #expect(try Self.tests(store, ResultFilter(provider: "a")) == ["t0", "t2", "t4"])
        #expect(try Self.tests(store, ResultFilter(model: "m2")) == ["t2", "t5"])
        #expect(try Self.tests(store, ResultFilter(category: "x")) == ["t0", "t1", "t4", "t5"])
        #expect(try Self.tests(store, ResultFilter(provider: "b", model: "m", category: "y")) == ["t3"])
        #expect(try Self.tests(store, ResultFilter(provider: "nobody")) == [])
        #expect(try Self.tests(store, ResultFilter(onlyFailures: true)) == ["t1", "t3"])
        #expect(try Self.tests(store, ResultFilter(provider: "a", onlyFailures: true)) == [])
        // The same filter over the results in memory picks the same ones.
        let all = try store.results(runID: "run-1")
        #expect(all.filter(ResultFilter(provider: "b", category: "x").matches).map(\.test) == ["t1", "t5"])
        #expect(all.filter(ResultFilter(onlyFailures: true).matches).map(\.test) == ["t1", "t3"])
    }

    @Test func theBodyMayReadTheStoreAndAThrownErrorEndsTheReading() throws {
        let dir = TemporaryDirectory()
        let store = try Self.filledStore(dir)
        var seen: [String] = []
        #expect(throws: LLMBenchError(.usage, "stop")) {
            try store.forEachResult(runID: "run-1", matching: .all) { result throws(LLMBenchError) in
                // Reading the store from inside the loop does not deadlock: the lock is held one row at a time.
                seen.append("\(result.test):\(try store.results(runID: "run-2").count)")
                if seen.count == 2 { throw LLMBenchError(.usage, "stop") }
            }
        }
        #expect(seen == ["t0:3", "t1:3"])
        #expect(try Self.tests(store).count == 6, "the store is usable afterwards")
    }

    @Test func anUnreadableRowNamesItsSequenceAndRun() throws {
        let dir = TemporaryDirectory()
        let store = try Self.filledStore(dir)
        let db = try SQLiteDatabase(path: dir.file("s.sqlite"))
        try db.execute("UPDATE results SET data = '{not json' WHERE run_id = 'run-1' AND seq = 3")
        var seen = 0
        #expect(throws: LLMBenchError.self) { try store.forEachResult(runID: "run-1", matching: .all) { _ in seen += 1 } }
        #expect(seen == 3)
        let error = #expect(throws: LLMBenchError.self) { try store.results(runID: "run-1") }
        #expect(error?.message.hasPrefix("result 3 of run run-1 is unreadable") == true)
    }

    @Test func aSnapshotDoesNotSeeWhatIsWrittenMeanwhile() throws {
        let dir = TemporaryDirectory()
        let writer = try Self.filledStore(dir)
        let reader = try SQLiteResultStore(readingFrom: dir.file("s.sqlite"))
        let counts = try reader.withSnapshot { () throws(LLMBenchError) -> [Int] in
            let before = try reader.results(runID: "run-1").count
            try writer.append(runID: "run-1", sequence: 6, result: Self.result("t6", provider: "a"))
            var after = 0
            try reader.forEachResult(runID: "run-1", matching: .all) { _ in after += 1 }
            return [before, after]
        }
        #expect(counts == [6, 6])
        #expect(try reader.results(runID: "run-1").count == 7, "outside the snapshot the new result is there")
    }
}
