import Dispatch
import Foundation
import LLMBenchCore
import Synchronization
import Testing

@testable import LLMBenchEngine

/// Results wait for their commit in a bounded queue: a provider faster than the store (the Mock)
/// holds its workers back instead of piling encoded results up in memory.
struct StoreWriterTests {
    @Test func aStoreSlowerThanTheAnswersHoldsItsSubmittersBackNotTheirResults() throws {
        let release = DispatchSemaphore(value: 0)
        let batches = Mutex<[Int]>([])
        let writer = StoreWriter { batch in
            let first = batches.withLock { sizes in
                sizes.append(batch.count)
                return sizes.count == 1
            }
            if first { release.wait() }  // the first commit takes until the test lets it end
        }
        let total = StoreWriter.pendingLimit * 3
        let encoded = (0..<total).map { EncodedResult(sequence: $0, result: StoreTests.sampleResult("t\($0)")) }
        let finished = DispatchSemaphore(value: 0)
        Thread {
            for item in encoded { writer.submit(item) }
            finished.signal()
        }.start()
        // Without the limit the submitter would be done in milliseconds; with it, it waits for the
        // first commit, which waits for the test. (If it were done, the sizes below would show it too.)
        let heldBack = finished.wait(timeout: .now() + 0.5) == .timedOut
        #expect(heldBack, "the submitter was never held back")
        release.signal()
        if heldBack { #expect(finished.wait(timeout: .now() + 60) == .success) }
        #expect(writer.close() == nil)
        let sizes = batches.withLock { $0 }
        #expect(sizes.reduce(0, +) == total)
        #expect(sizes.allSatisfy { $0 <= StoreWriter.pendingLimit }, "\(sizes)")
    }

    /// A store that fails lets every waiting submitter go on (nothing more is written), and close()
    /// reports the failure.
    @Test func aFailingStoreReleasesItsSubmitters() throws {
        let writer = StoreWriter { _ throws(LLMBenchError) in throw LLMBenchError(.store, "disk full") }
        for i in 0..<(StoreWriter.pendingLimit * 2) { writer.submit(EncodedResult(sequence: i, result: StoreTests.sampleResult("t"))) }
        #expect(writer.close()?.message == "disk full")
    }
}
