import Foundation
import LLMBenchCore

/// Reading on one core while the caller works on the other: `produce` runs on a thread of its own
/// and hands batches over through a queue of at most `depth`; the calling thread `consume`s them in
/// order. A report's pass over a large run is half SQLite stepping and half adding up, so each gets
/// a core (Benchmarks/README.md, "Reports").
///
/// Whichever side fails first stops both: a failing consumer makes the producer's next `emit`
/// return false; a failing producer's error is thrown after the batches it emitted were consumed.
/// The producer's thread has ended when `run` returns, whatever happened.
enum ReadAhead {
    private final class Queue<Batch>: @unchecked Sendable {
        let condition = NSCondition()
        var batches: [Batch] = []
        var head = 0
        var produced = false
        var failure: LLMBenchError?
        var stopped = false
        var finished = false
    }

    /// `produce` calls `emit` with each batch, stopping when it returns false.
    static func run<Batch>(depth: Int = 4,
                           produce: (_ emit: (Batch) -> Bool) throws(LLMBenchError) -> Void,
                           consume: (Batch) throws(LLMBenchError) -> Void) throws(LLMBenchError)
    {
        let queue = Queue<Batch>()
        let emit: (Batch) -> Bool = { batch in
            queue.condition.lock()
            defer { queue.condition.unlock() }
            while queue.batches.count - queue.head >= depth && !queue.stopped { queue.condition.wait() }
            guard !queue.stopped else { return false }
            queue.batches.append(batch)
            queue.condition.broadcast()
            return true
        }
        try withoutActuallyEscaping(produce) { produce throws(LLMBenchError) in
            // The thread holds the producer only until it has run: it lets go of it before it says it
            // has finished, and `run` waits for that, so `produce` does not outlive this call.
            let job = ProducerJob()
            job.work = {
                var failure: LLMBenchError?
                do throws(LLMBenchError) { try produce(emit) } catch { failure = error }
                queue.condition.lock()
                queue.failure = failure
                queue.produced = true
                queue.condition.broadcast()
                queue.condition.unlock()
            }
            let thread = Thread {
                job.work?()
                job.work = nil
                queue.condition.lock()
                queue.finished = true
                queue.condition.broadcast()
                queue.condition.unlock()
            }
            thread.stackSize = 1 << 20
            thread.start()
            var consumerFailure: LLMBenchError?
            while true {
                queue.condition.lock()
                while queue.head == queue.batches.count && !queue.produced { queue.condition.wait() }
                guard queue.head < queue.batches.count else {
                    queue.condition.unlock()
                    break
                }
                let batch = queue.batches[queue.head]
                queue.head += 1
                if queue.head > 64 {
                    queue.batches.removeFirst(queue.head)
                    queue.head = 0
                }
                queue.condition.broadcast()
                queue.condition.unlock()
                do throws(LLMBenchError) { try consume(batch) } catch {
                    consumerFailure = error
                    break
                }
            }
            queue.condition.lock()
            queue.stopped = true
            queue.condition.broadcast()
            while !queue.finished { queue.condition.wait() }
            let producerFailure = queue.failure
            queue.condition.unlock()
            if let failure = consumerFailure ?? producerFailure { throw failure }
        }
    }
}

/// The producer, handed to its thread and let go of there.
private final class ProducerJob: @unchecked Sendable {
    var work: (() -> Void)?
}
