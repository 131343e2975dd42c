import Foundation
import LLMBenchCore
import Synchronization

/// Loads a plugin library in a child process (`llmbench-plugin-probe`) before the engine loads it
/// into itself: a library whose constructors or entry function crash, hang or call exit() is
/// refused with a reason instead of taking llmbench down (Docs/security.md, "Plugins").
///
/// Verdicts are kept per file identity (real path, size, modification time, inode), in memory and,
/// when `cacheFile` is set, on disk, so a library is probed again only when it changes.
public final class PluginProbe: Sendable {
    enum Verdict: Sendable, Equatable {
        /// Loading and calling the entry did no harm; what they showed decides the ABI checks.
        case safe(PluginTableFacts)
        case unsafe(String)
    }

    /// The probe executable; nil when it cannot be found (every library is then refused).
    public let executable: String?
    /// Where verdicts persist between runs (JSON); nil keeps them in memory only.
    public let cacheFile: String?
    public let timeoutMs: Int

    private let verdicts = Mutex<[String: Verdict]>([:])
    private let cacheLoaded = Mutex<Bool>(false)
    private let writing = Mutex<Bool>(false)

    public init(executable: String? = PluginProbe.findExecutable(), cacheFile: String? = nil, timeoutMs: Int = 5_000) {
        self.executable = executable
        self.cacheFile = cacheFile
        self.timeoutMs = timeoutMs
    }

    /// One probe for the whole process, whose verdicts all catalogs share.
    public static let inMemory = PluginProbe()

    public static let executableName = "llmbench-plugin-probe"

    /// Beside the running executable (a build folder), or in its ../lib/llmbench (an installation).
    public static func findExecutable(executablePath: String = Installation.executablePath) -> String? {
        let dir = (executablePath as NSString).deletingLastPathComponent
        return [(dir as NSString).appendingPathComponent(executableName),
                ((dir as NSString).appendingPathComponent("../lib/llmbench/\(executableName)") as NSString).standardizingPath]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The verdict for the library at `realPath`, probing it when this version of the file has none.
    func verdict(for realPath: String) -> Verdict {
        guard let key = Self.identity(realPath) else { return .unsafe("cannot read the file's size and time") }
        loadCacheOnce()
        if let known = verdicts.withLock({ $0[key] }) {
            if case .unsafe(let reason) = known { return .unsafe(reason + " (cached verdict; the file is probed again when it changes)") }
            return known
        }
        let (verdict, aboutTheFile) = probe(realPath)
        // A probe that could not run says nothing about the file: asked again next time.
        guard aboutTheFile else { return verdict }
        verdicts.withLock { $0[key] = verdict }
        saveCache()
        return verdict
    }

    /// "path|size|mtime-ns|inode": any change to the file makes another key.
    static func identity(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return "\(path)|\(info.st_size)|\(mtime)|\(info.st_ino)"
    }

    /// The verdict, and whether it is about the file (false: the probe itself could not run).
    private func probe(_ path: String) -> (Verdict, Bool) {
        guard let executable else {
            return (.unsafe("cannot probe it: \(Self.executableName) was not found beside llmbench or in its ../lib/llmbench; reinstall llmbench"), false)
        }
        let outcome = ChildProcess.run(executable, [path], timeoutMs: timeoutMs)
        if case .failedToStart(let reason) = outcome.ending { return (.unsafe("cannot probe it: \(reason)"), false) }
        return (verdict(of: outcome), true)
    }

    private func verdict(of outcome: ChildProcess.Outcome) -> Verdict {
        switch outcome.ending {
        case .exited(0) where outcome.stdout.hasSuffix("llmbench-probe: returned\n"):
            guard let facts = PluginTableFacts(probeOutput: outcome.stdout) else { return .unsafe("the probe's report is unreadable") }
            return .safe(facts)
        case .exited(let status):
            return .unsafe("loading it ended the process (exit status \(status)) before its entry function returned: a plugin must not call exit()")
        case .signalled(let signal):
            return .unsafe("loading it crashed (\(ChildProcess.signalName(signal))) in its constructors or entry function")
        case .timedOut:
            return .unsafe("loading it did not finish within \(timeoutMs) ms: its constructors or entry function hang")
        case .failedToStart(let reason):
            return .unsafe("cannot probe it: \(reason)")
        }
    }

    // MARK: The cache file: {"version": 2, "verdicts": {identity: {"probe": report} | {"unsafe": reason}}}

    /// The first caller reads the file while the others wait, so that no probe runs for a verdict
    /// the file already holds (the catalog asks for verdicts from several threads at once).
    private func loadCacheOnce() {
        guard let cacheFile else { return }
        cacheLoaded.withLock { loaded in
            guard !loaded else { return }
            loaded = true
            guard let data = FileManager.default.contents(atPath: cacheFile), let text = String(data: data, encoding: .utf8),
                  let json = try? JSONValue.parse(text), json["version"] == 2, case .object(let entries)? = json["verdicts"] else { return }
            verdicts.withLock { known in
                for (key, value) in entries {
                    if let reason = value["unsafe"]?.stringValue {
                        known[key] = .unsafe(reason)
                    } else if let report = value["probe"]?.stringValue, let facts = PluginTableFacts(probeOutput: report) {
                        known[key] = .safe(facts)
                    }
                }
            }
        }
    }

    /// Writes every verdict known. Writers take turns and each takes its snapshot in its turn, so a
    /// slower writer can never replace the file with fewer verdicts than an earlier one wrote.
    private func saveCache() {
        guard let cacheFile else { return }
        writing.withLock { _ in write(cacheFile) }
    }

    private func write(_ cacheFile: String) {
        let entries = verdicts.withLock { known in
            known.mapValues { verdict -> JSONValue in
                switch verdict {
                case .unsafe(let reason): return .object(["unsafe": .string(reason)])
                case .safe(let facts): return .object(["probe": .string(facts.probeReport)])
                }
            }
        }
        let text = JSONValue.object(["version": 2, "verdicts": .object(entries)]).jsonText
        try? FileManager.default.createDirectory(atPath: (cacheFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? Data(text.utf8).write(to: URL(fileURLWithPath: cacheFile), options: .atomic)
    }
}
