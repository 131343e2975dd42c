import Foundation
import LLMBenchCore

/// Commits results on one thread as they complete. When results arrive faster than a commit takes,
/// those waiting go into the next transaction together (group commit); none waits for later ones.
final class StoreWriter: @unchecked Sendable {
    private let store: any ResultStore
    private let runID: String
    private let condition = NSCondition()
    private var pending: [EncodedResult] = []
    private var closed = false
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)
    /// The first store failure; after it nothing more is written and the run reports it.
    private(set) var failure: LLMBenchError?

    init(store: any ResultStore, runID: String) {
        self.store = store
        self.runID = runID
        let thread = Thread { [unowned self] in self.loop() }
        self.thread = thread
        thread.start()
    }

    /// Queues a result encoded on the caller's thread for the next commit.
    func submit(_ encoded: EncodedResult) {
        condition.lock()
        pending.append(encoded)
        condition.signal()
        condition.unlock()
    }

    /// Waits until everything submitted is committed (or the store failed).
    func close() -> LLMBenchError? {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
        done.wait()
        return failure
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            let finished = closed && batch.isEmpty
            condition.unlock()
            if finished { break }
            guard failure == nil else { continue }
            do {
                try store.append(runID: runID, batch: batch)
            } catch {
                failure = error
            }
        }
        done.signal()
    }
}
