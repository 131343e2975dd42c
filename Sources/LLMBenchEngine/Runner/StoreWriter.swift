import Foundation
import LLMBenchCore

/// Commits results on one thread as they complete. When results arrive faster than a commit takes,
/// those waiting go into the next transaction together (group commit); none waits for later ones.
final class StoreWriter: @unchecked Sendable {
    /// Commits one batch (the store's `append`).
    typealias Commit = @Sendable ([EncodedResult]) throws(LLMBenchError) -> Void
    private let commit: Commit
    private let condition = NSCondition()
    private var pending: [EncodedResult] = []
    private var closed = false
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)
    /// The first store failure; after it nothing more is written and the run reports it.
    private(set) var failure: LLMBenchError?

    convenience init(store: any ResultStore, runID: String) {
        self.init { batch throws(LLMBenchError) in try store.append(runID: runID, batch: batch) }
    }

    init(commit: @escaping Commit) {
        self.commit = commit
        let thread = Thread { [unowned self] in self.loop() }
        self.thread = thread
        thread.start()
    }

    /// Results waiting at most: past this, `submit` waits for the commit in progress. Only a provider
    /// that answers faster than the store commits (the Mock) ever reaches it; without it a million-
    /// result Mock run held a backlog of encoded results (about 1.5 GB at its peak).
    static let pendingLimit = 4096

    /// Queues a result encoded on the caller's thread for the next commit; waits while
    /// `pendingLimit` results are already waiting (the request it answers is measured already).
    func submit(_ encoded: EncodedResult) {
        condition.lock()
        while pending.count >= Self.pendingLimit && !closed && failure == nil { condition.wait() }
        pending.append(encoded)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until everything submitted is committed (or the store failed).
    func close() -> LLMBenchError? {
        condition.lock()
        closed = true
        condition.broadcast()
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
            // Room again for submitters waiting on the limit.
            condition.broadcast()
            condition.unlock()
            if finished { break }
            guard failure == nil else { continue }
            do {
                try commit(batch)
            } catch {
                condition.lock()
                failure = error
                // Submitters waiting on the limit go on: nothing more is written.
                condition.broadcast()
                condition.unlock()
            }
        }
        done.signal()
    }
}
