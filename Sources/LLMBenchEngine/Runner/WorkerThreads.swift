import Foundation

/// Runs `body(worker)` on `count` dedicated threads and waits for all of them. Plugin calls block,
/// so they run on their own threads rather than on Swift's cooperative pool (2 threads here).
enum WorkerThreads {
    static func run(count: Int, stackSize: Int = 512 * 1024, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for worker in 0..<count {
            group.enter()
            let thread = Thread {
                body(worker)
                group.leave()
            }
            thread.stackSize = stackSize
            thread.start()
        }
        group.wait()
    }
}
