import Foundation
import LLMBenchCore
import LLMBenchEngine

/// A plugin that calls exit() would end llmbench with the plugin's status, 0 included: a false green
/// in CI. While a run is being prepared or runs, an atexit handler turns any such exit into exit
/// code 4, after recording the run as aborted in the store (from a connection of its own: other
/// threads may hold the run's). llmbench's own exits disarm it first. A plugin calling _exit() or
/// raising a signal bypasses atexit; the run then reads as killed (Docs/security.md).
enum ExitGuard {
    private struct State {
        var armed = false
        var storePath: String?
        var runID: String?
    }

    // Process-wide by nature: exit() is.
    nonisolated(unsafe) private static var state = State()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered = false

    /// From here until `disarm`, an exit() ends the process with code 4.
    static func arm(storePath: String, runID: String) {
        lock.withLock {
            state = State(armed: true, storePath: storePath, runID: runID)
            if !registered {
                registered = true
                atexit { ExitGuard.onExit() }
            }
        }
    }

    static func disarm() { lock.withLock { state.armed = false } }

    private static func onExit() {
        let current = lock.withLock { state }
        guard current.armed else { return }
        let reason = "a plugin ended the process with exit() while the run was being prepared or ran; results stored before it are kept"
        if let storePath = current.storePath, let runID = current.runID {
            SQLiteResultStore.markAborted(path: storePath, runID: runID, reason: reason, at: WallClock.nowUnix())
        }
        FileHandle.standardError.write(Data("error: \(reason) (run \(current.runID ?? "?")); exit code 4\n".utf8))
        _exit(Exit.pluginExited.rawValue)
    }
}
