import LLMBenchCore
import Synchronization
import Testing

@testable import LLMBenchEngine

/// The thread that reads ahead for a report's passes: order kept, and a failure on either side stops
/// both, with the producer's thread over when `run` returns.
struct ReadAheadTests {
    @Test func batchesArriveInTheOrderTheyWereMade() throws {
        var seen: [Int] = []
        try ReadAhead.run(depth: 2, produce: { emit in
            for i in 0..<10_000 where !emit(i) { return }
        }, consume: { seen.append($0) })
        #expect(seen == Array(0..<10_000))
    }

    @Test func aFailingConsumerStopsTheProducer() throws {
        let emitted = Atomic(0), ended = Atomic(false)
        var consumed = 0
        #expect(throws: LLMBenchError.self) {
            try ReadAhead.run(depth: 3, produce: { (emit: (Int) -> Bool) in
                defer { ended.store(true, ordering: .sequentiallyConsistent) }
                for i in 0..<1_000_000 {
                    guard emit(i) else { return }
                    emitted.add(1, ordering: .sequentiallyConsistent)
                }
            }, consume: { (i: Int) throws(LLMBenchError) in
                consumed += 1
                if i == 5 { throw LLMBenchError(.store, "consumer failed") }
            })
        }
        #expect(consumed == 6)
        // The producer ran at most the queue's depth (and the batch it was emitting) past the failure.
        let made = emitted.load(ordering: .sequentiallyConsistent), over = ended.load(ordering: .sequentiallyConsistent)
        #expect(made <= 6 + 3 + 1)
        #expect(over)
    }

    @Test func aFailingProducerIsReportedAfterWhatItMadeWasConsumed() throws {
        var consumed: [Int] = []
        do {
            try ReadAhead.run(produce: { (emit: (Int) -> Bool) throws(LLMBenchError) in
                for i in 0..<3 { _ = emit(i) }
                throw LLMBenchError(.store, "row 3 is unreadable")
            }, consume: { consumed.append($0) })
            Issue.record("the producer's failure was lost")
        } catch {
            #expect(error.message.contains("row 3 is unreadable"))
        }
        #expect(consumed == [0, 1, 2])
    }
}
