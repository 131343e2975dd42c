import Foundation

/// Which process runs a run, stored with it so that a reader can tell a run still going from one
/// whose process died: "host/boot/pid/start", where boot is the kernel's boot id and start the
/// process's start time in clock ticks since boot (/proc/PID/stat, field 22), so that neither a
/// reboot nor a reused pid is taken for the same process.
enum ProcessIdentity {
    static let current: String = identity(pid: getpid()) ?? "\(hostName)/-/\(getpid())/-"

    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func identity(pid: pid_t) -> String? {
        guard let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8),
              let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may hold spaces and parentheses): state is field 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return "\(hostName)/\(boot.trimmingCharacters(in: .whitespacesAndNewlines))/\(pid)/\(fields[19])"
    }

    /// False when the recorded process is certainly gone: same host, and no process with that pid
    /// and start time (or another boot). True when it may still run, including on another host.
    static func mayBeAlive(_ recorded: String?) -> Bool {
        guard let recorded else { return false }
        let parts = recorded.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, let pid = pid_t(parts[2]) else { return false }
        guard parts[0] == Substring(hostName) else { return true }
        return identity(pid: pid) == recorded
    }
}
