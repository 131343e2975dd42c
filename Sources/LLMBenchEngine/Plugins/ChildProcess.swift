import Foundation

/// Runs a short-lived helper program with a deadline: its standard output collected (up to 64 KiB),
/// its standard input and error on /dev/null, and SIGKILL when the deadline passes.
enum ChildProcess {
    enum Ending: Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case failedToStart(String)
    }

    struct Outcome {
        var ending: Ending
        var stdout: String
    }

    static func run(_ executable: String, _ arguments: [String], timeoutMs: Int) -> Outcome {
        // Close-on-exec from birth (a socket pair, as Glibc's Swift overlay lacks pipe2): a child
        // spawned meanwhile by another thread must not inherit this write end, or our read would wait
        // for that child too.
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            return Outcome(ending: .failedToStart("socketpair: \(String(cString: strerror(errno)))"), stdout: "")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(fds[1])
        defer { close(fds[0]) }
        guard spawned == 0 else { return Outcome(ending: .failedToStart("\(executable): \(String(cString: strerror(spawned)))"), stdout: "") }

        let deadline = MonotonicClock.nowNs() + UInt64(max(0, timeoutMs)) * 1_000_000
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        // Read until end of file (the child closed its output, normally by exiting) or the deadline.
        while true {
            let now = MonotonicClock.nowNs()
            guard now < deadline else { return killed(pid, output) }
            var poller = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(1_000, (deadline - now) / 1_000_000 + 1)))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            let count = read(fds[0], &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            if output.count < 65_536 { output += buffer.prefix(count) }
        }
        // The output is closed; the exit follows at once unless the child lingers (then: the deadline).
        while true {
            var status: Int32 = 0
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { return Outcome(ending: ending(status), stdout: String(decoding: output, as: UTF8.self)) }
            if done < 0 && errno != EINTR { return Outcome(ending: .failedToStart("waitpid: \(String(cString: strerror(errno)))"), stdout: "") }
            guard MonotonicClock.nowNs() < deadline else { return killed(pid, output) }
            usleep(500)
        }
    }

    private static func killed(_ pid: pid_t, _ output: [UInt8]) -> Outcome {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return Outcome(ending: .timedOut, stdout: String(decoding: output, as: UTF8.self))
    }

    /// WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import from the C macros.
    private static func ending(_ status: Int32) -> Ending {
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }

    static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [SIGSEGV: "SIGSEGV, a segmentation fault", SIGABRT: "SIGABRT, an abort", SIGBUS: "SIGBUS",
                                      SIGILL: "SIGILL", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGTRAP: "SIGTRAP"]
        return names[signal] ?? "signal \(signal)"
    }
}
