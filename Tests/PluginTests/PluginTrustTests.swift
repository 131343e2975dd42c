import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchTestSupport
import Testing

/// A plugin is checked before it is trusted: loaded in a child process first (so a crash, hang or
/// exit in its constructors or entry refuses it instead of ending llmbench), never from a place
/// other users can write, and never from outside its own folder.
struct PluginTrustTests {
    /// A probe with a short deadline and no cache file, so each test sees its own verdicts.
    static func catalog(timeoutMs: Int = 1_000, cacheFile: String? = nil, allowWritable: Bool = false) -> PluginCatalog {
        PluginCatalog(probe: PluginProbe(cacheFile: cacheFile, timeoutMs: timeoutMs), allowWritable: allowWritable)
    }

    @Test(arguments: [
        ("CRASH_IN_ENTRY", "crashed (SIGSEGV"), ("RAISE_IN_ENTRY", "crashed (SIGSEGV"), ("ABORT_IN_ENTRY", "crashed (SIGABRT"),
        ("EXIT_IN_ENTRY", "ended the process (exit status 0)"), ("EXIT_IN_CONSTRUCTOR", "ended the process (exit status 0)"),
        ("HANG_IN_ENTRY", "did not finish within 1000 ms"),
    ])
    func aHarmfulLibraryIsRefusedAndTheRestStillLoad(flag: String, reason: String) throws {
        let dir = TemporaryDirectory()
        let path = try buildFixture("harm", in: dir.path, flags: ["-D\(flag)"])
        let catalog = Self.catalog()
        catalog.loadAll(from: [dir.path, TestPaths.buildDir])
        let refusal = try #require(catalog.refused.first { $0.path == path })
        #expect(refusal.reason.contains(reason), "\(refusal.reason)")
        #expect(catalog.plugin(id: "fixture") == nil)
        #expect(catalog.plugin(id: "mock") != nil, "this process survived and went on loading")
    }

    @Test func verdictsAreCachedOnDiskUntilTheFileChanges() throws {
        let dir = TemporaryDirectory()
        let cache = dir.file("cache/plugin-probes.json")
        let path = try buildFixture("slowpoke", in: dir.subdirectory("plugins"), flags: ["-DHANG_IN_ENTRY"])
        let first = Self.catalog(timeoutMs: 300, cacheFile: cache)
        #expect(first.load(path: path) == nil)
        #expect(first.refused.last?.reason.contains("did not finish within 300 ms") == true)
        #expect(first.refused.last?.reason.contains("cached") == false)

        // Another process (a new probe reading the same file) trusts the verdict without probing.
        let second = Self.catalog(timeoutMs: 300, cacheFile: cache)
        #expect(second.load(path: path) == nil)
        #expect(second.refused.last?.reason.contains("cached verdict") == true)

        // The file changes (rebuilt, fixed): it is probed again.
        _ = try buildFixture("slowpoke", in: dir.file("plugins"))
        let third = Self.catalog(timeoutMs: 300, cacheFile: cache)
        #expect(third.load(path: path)?.id == "fixture")
        let saved = try JSONValue.parse(try String(contentsOfFile: cache, encoding: .utf8))
        #expect(saved["version"] == 2)
        #expect(saved["verdicts"]?.objectValue?.values.contains { $0["probe"]?.stringValue?.hasPrefix("llmbench-probe: table 1 ") == true } == true)
    }

    /// New libraries are probed in parallel; the cache file must end up with every verdict (its
    /// writers take turns, each writing all it knows), so a second catalog probes nothing.
    @Test func parallelProbesLeaveEveryVerdictInTheCacheFile() throws {
        let dir = TemporaryDirectory()
        let folder = dir.subdirectory("plugins")
        for i in 0..<6 { _ = try buildFixture("many\(i)", in: folder, flags: ["-DPLUGIN_ID_VALUE=\"many\(i)\""]) }
        let cache = dir.file("cache/plugin-probes.json")
        let first = Self.catalog(cacheFile: cache)
        first.loadAll(from: [folder])
        #expect(first.plugins.count == 6)
        let saved = try JSONValue.parse(try String(contentsOfFile: cache, encoding: .utf8))
        #expect(saved["verdicts"]?.objectValue?.count == 6)
        // With the probe unavailable, only cached verdicts can let the libraries in.
        let second = PluginCatalog(probe: PluginProbe(executable: nil, cacheFile: cache))
        second.loadAll(from: [folder])
        #expect(second.plugins.count == 6, "\(second.refused)")
    }

    /// A missing probe executable says nothing about a library: its refusal is not cached, so the
    /// library loads as soon as the probe is there (a release build made without the probe, then
    /// with it, kept refusing every plugin until the library itself changed).
    @Test func aProbeThatCannotRunLeavesNoVerdictBehind() throws {
        let dir = TemporaryDirectory()
        let folder = dir.subdirectory("plugins")
        _ = try buildFixture("later", in: folder, flags: ["-DPLUGIN_ID_VALUE=\"later\""])
        let cache = dir.file("cache/plugin-probes.json")
        let without = PluginCatalog(probe: PluginProbe(executable: nil, cacheFile: cache))
        without.loadAll(from: [folder])
        #expect(without.plugins.isEmpty && without.refused.count == 1)
        #expect(without.refused.first.map { "\($0)".contains("was not found") } == true)
        let saved = (try? String(contentsOfFile: cache, encoding: .utf8)) ?? ""
        #expect(!saved.contains("later"))
        let with = Self.catalog(cacheFile: cache)
        with.loadAll(from: [folder])
        #expect(with.plugins.map(\.id) == ["later"], "\(with.refused)")
    }

    /// The probe reports the table's facts, so a library the ABI checks refuse never runs a
    /// constructor in this process; one that passes is loaded here as well.
    @Test func aLibraryOfAnotherABIIsNeverLoadedIntoThisProcess() throws {
        let dir = TemporaryDirectory()
        let marks = dir.file("loaded-by")
        let wrong = try buildFixture("abi9", in: dir.subdirectory("wrong"), flags: ["-DABI_MAJOR_VALUE=9", "-DMARK_LOAD_TO=\"\(marks)\""])
        let catalog = Self.catalog()
        #expect(catalog.load(path: wrong) == nil)
        #expect(catalog.refused.last?.reason.contains("plugin ABI 9.0 does not match") == true)
        var pids = try String(contentsOfFile: marks, encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(pids.count == 1 && !pids.contains(getpid()), "loaded by the probe only")

        let right = try buildFixture("abi1", in: dir.subdirectory("right"), flags: ["-DMARK_LOAD_TO=\"\(marks)\""])
        #expect(catalog.load(path: right)?.id == "fixture")
        pids = try String(contentsOfFile: marks, encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(pids.count == 3 && pids.last == getpid(), "probed, then loaded here")
    }

    @Test func aManifestMayNotNameALibraryOutsideItsFolder() throws {
        let dir = TemporaryDirectory()
        let outside = try buildFixture("outside", in: dir.subdirectory("elsewhere"))
        for (name, library) in [("relative", "../../elsewhere/liboutside.so"), ("absolute", outside), ("link", "liblink.so")] {
            let folder = dir.subdirectory("plugins/\(name)")
            if name == "link" { try FileManager.default.createSymbolicLink(atPath: folder + "/liblink.so", withDestinationPath: outside) }
            dir.write("plugins/\(name)/plugin.json", #"{"id": "fixture", "library": "\#(library)"}"#)
        }
        let catalog = Self.catalog()
        catalog.loadAll(from: [dir.file("plugins")])
        #expect(catalog.plugins.isEmpty)
        #expect(catalog.refused.count == 3)
        #expect(catalog.refused.allSatisfy { $0.reason.contains("is outside the plugin's folder") }, "\(catalog.refused)")
    }

    @Test func aFolderOthersCanWriteIsRefusedUnlessAllowed() throws {
        let dir = TemporaryDirectory()
        let open = dir.subdirectory("open")
        _ = try buildFixture("fixture", in: open)
        chmod(open, 0o777)
        let strict = Self.catalog()
        strict.loadAll(from: [open])
        #expect(strict.plugins.isEmpty)
        #expect(strict.refused.first?.reason.contains("is writable by every user (mode 777)") == true)
        #expect(strict.refused.first?.reason.contains("--allow-writable-plugins") == true)
        let allowed = Self.catalog(allowWritable: true)
        allowed.loadAll(from: [open])
        #expect(allowed.plugin(id: "fixture") != nil)

        // A library file others can write, in a safe folder, is refused too.
        let safe = dir.subdirectory("safe")
        let library = try buildFixture("fixture", in: safe)
        chmod(library, 0o666)
        let again = Self.catalog()
        again.loadAll(from: [safe])
        #expect(again.plugins.isEmpty && again.refused.first?.reason.contains("library \(library) is writable by every user") == true)
    }
}
