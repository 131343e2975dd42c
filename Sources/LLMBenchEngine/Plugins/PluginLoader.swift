import CLLMBenchPluginABI
import Foundation
import LLMBenchCore

/// A plugin library that loaded and passed the ABI checks.
public final class LoadedPlugin: @unchecked Sendable {
    public enum Kind: String, Sendable { case provider, scorer }

    public let id: String
    public let kind: Kind
    public let displayName: String
    public let version: String
    public let abiMajor: UInt32
    public let abiMinor: UInt32
    public let path: String
    public let capabilities: UInt64
    let table: UnsafePointer<llmbench_plugin>
    /// This plugin's host table: its context tells log lines which plugin wrote them.
    let host: UnsafeMutablePointer<llmbench_host>
    /// The scorer's `aggregate` (ABI 1.2), or nil: NULL, or past the end of an older plugin's table.
    let aggregate: PluginCallFunction?
    /// Its plugin.json, when one was found (its folder's, one beside it, or the source tree's for a
    /// built-in in a build folder): the description and options `llmbench plugins` shows.
    public internal(set) var manifest: PluginManifest?

    init(table: UnsafePointer<llmbench_plugin>, kind: Kind, path: String) {
        self.table = table
        self.kind = kind
        self.path = path
        id = String(cString: table.pointee.id)
        displayName = table.pointee.display_name.map { String(cString: $0) } ?? id
        version = table.pointee.version.map { String(cString: $0) } ?? "?"
        abiMajor = table.pointee.abi_major
        abiMinor = table.pointee.abi_minor
        capabilities = table.pointee.capabilities
        aggregate = Self.appendedField(\.aggregate, of: table)
        host = HostTable.make(pluginID: id)
    }

    /// A field appended to the table after ABI 1.0, or nil when the plugin's table (its
    /// `struct_size`) ends before the field does: an older plugin's table is that much shorter, and
    /// what lies past it is not the plugin's.
    static func appendedField<Field>(_ field: KeyPath<llmbench_plugin, Field?>, of table: UnsafePointer<llmbench_plugin>) -> Field? {
        guard let offset = MemoryLayout<llmbench_plugin>.offset(of: field),
              Int(table.pointee.struct_size) >= offset + MemoryLayout<Field?>.size
        else { return nil }
        return UnsafeRawPointer(table).load(fromByteOffset: offset, as: Field?.self)
    }

    /// The scorer reports a figure for a group of results (ABI 1.2's `aggregate`).
    public var hasAggregate: Bool { aggregate != nil }

    public var capabilityNames: [String] {
        var names: [String] = []
        if capabilities & UInt64(LLMBENCH_CAP_STREAMING) != 0 { names.append("streaming") }
        if capabilities & UInt64(LLMBENCH_CAP_EMBEDDINGS) != 0 && table.pointee.embed != nil { names.append("embeddings") }
        if capabilities & UInt64(LLMBENCH_CAP_SIMULATED) != 0 { names.append("simulated") }
        if isSlowScorer { names.append("slow") }
        if capabilities & UInt64(LLMBENCH_CAP_NETWORK) != 0 { names.append("network") }
        if hasAggregate { names.append("aggregate") }
        return names
    }

    public var isSimulated: Bool { capabilities & UInt64(LLMBENCH_CAP_SIMULATED) != 0 }
    /// A scorer whose `score` may block for seconds: it runs off the request workers (ABI 1.2).
    public var isSlowScorer: Bool { kind == .scorer && capabilities & UInt64(LLMBENCH_CAP_SLOW) != 0 }
}

/// A file that looked like a plugin but was refused, and why.
public struct RefusedPlugin: Sendable, Equatable {
    public var path: String
    public var reason: String
    /// The id it has or was promised, when known (its plugin.json, or its table once loaded): a
    /// suite naming that id is told the plugin was refused, and why.
    public var id: String?

    public init(path: String, reason: String, id: String? = nil) {
        self.path = path
        self.reason = reason
        self.id = id
    }
}

/// Finds, loads and checks plugins. Libraries are loaded RTLD_NOW | RTLD_LOCAL, deduplicated by
/// real path, and never unloaded (Docs/plugin-abi.md). Before any library is loaded into this
/// process it must pass two checks (Docs/security.md, "Plugins"): no other user can write it or its
/// folders, and the probe has loaded it in a child process without harm.
public final class PluginCatalog: @unchecked Sendable {
    public private(set) var plugins: [LoadedPlugin] = []
    public private(set) var refused: [RefusedPlugin] = []
    public private(set) var searchPath: [String] = []
    private var loadedRealPaths: Set<String> = []
    let probe: PluginProbe
    /// Load from folders and files other users can write (`--allow-writable-plugins`).
    let allowWritable: Bool

    /// A plugin's table must be at least as large as ABI 1.0's `llmbench_plugin` (frozen in the
    /// header); fields appended since read as absent from a table that ends before them.
    static let minimumPluginTableSize = Int(LLMBENCH_PLUGIN_SIZE_1_0)

    public init(probe: PluginProbe = .inMemory, allowWritable: Bool = false) {
        self.probe = probe
        self.allowWritable = allowWritable
    }

    /// The search order: `--plugins` folders, LLMBENCH_PLUGIN_PATH, the executable's folder and its
    /// ../lib/llmbench, then ~/.llmbench/plugins.
    public static func defaultSearchPath(explicit: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                                         executablePath: String? = nil) -> [String]
    {
        var dirs = explicit
        if let env = environment["LLMBENCH_PLUGIN_PATH"] {
            dirs += env.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        let exe = executablePath ?? Installation.executablePath
        let exeDir = (exe as NSString).deletingLastPathComponent
        dirs.append(exeDir)
        dirs.append(((exeDir as NSString).appendingPathComponent("../lib/llmbench") as NSString).standardizingPath)
        if let home = environment["HOME"] { dirs.append((home as NSString).appendingPathComponent(".llmbench/plugins")) }
        return dirs
    }

    /// A library to load, found in a search folder, and the id its manifest promises (if any).
    private struct Candidate {
        var path: String
        var manifest: PluginManifest?
        var expectedKind: LoadedPlugin.Kind?
    }

    /// Loads every plugin found in `directories`, in order; the first of a duplicate id wins. New
    /// libraries are probed in parallel first, then loaded in search order.
    public func loadAll(from directories: [String]) {
        searchPath = directories
        var candidates: [Candidate] = []
        let fm = FileManager.default
        for dir in directories {
            guard let names = try? fm.contentsOfDirectory(atPath: dir) else { continue }
            if let unsafe = unsafeToTrust(dir, what: "plugin folder") {
                refused.append(RefusedPlugin(path: dir, reason: unsafe))
                continue
            }
            for name in names.sorted() {
                let path = (dir as NSString).appendingPathComponent(name)
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: path, isDirectory: &isDir) else { continue }
                if isDir.boolValue {
                    let manifest = (path as NSString).appendingPathComponent("plugin.json")
                    if fm.fileExists(atPath: manifest), let candidate = readManifest(manifest) { candidates.append(candidate) }
                } else if Self.isLibraryName(name) {
                    candidates.append(Candidate(path: path))
                }
            }
        }
        let fresh = Array(Set(candidates.map { RealPath.canonical($0.path) }).subtracting(loadedRealPaths))
        DispatchQueue.concurrentPerform(iterations: fresh.count) { _ = probe.verdict(for: fresh[$0]) }
        for candidate in candidates {
            let plugin = load(path: candidate.path, expectedID: candidate.manifest?.id, expectedKind: candidate.expectedKind)
            if let plugin, plugin.manifest == nil { plugin.manifest = candidate.manifest ?? shippedManifest(of: plugin.path) }
        }
    }

    /// The manifest of a library found without one: beside it (installed), else the source tree's
    /// plugin.json that names it (a build folder).
    private func shippedManifest(of libraryPath: String) -> PluginManifest? {
        if let beside = PluginManifest.beside(library: libraryPath) { return PluginManifest.read(beside) }
        // Only a library built beside this executable is the source tree's own.
        let executableFolder = RealPath.canonical((Installation.executablePath as NSString).deletingLastPathComponent)
        guard (libraryPath as NSString).deletingLastPathComponent == executableFolder else { return nil }
        let name = (libraryPath as NSString).lastPathComponent
        return sourceTreeManifests.first { $0.library == name }
    }

    /// Read once, when a library without a manifest first needs one.
    private lazy var sourceTreeManifests: [PluginManifest] = Installation.sourceTreePluginManifests().compactMap(PluginManifest.read)

    static func isLibraryName(_ name: String) -> Bool { name.hasSuffix(".so") || name.hasSuffix(".dylib") }

    /// A plugin folder: `plugin.json` names the library beside it (inside the folder, never outside
    /// it) and the id it must export.
    private func readManifest(_ manifestPath: String) -> Candidate? {
        let dir = (manifestPath as NSString).deletingLastPathComponent
        if let unsafe = unsafeToTrust(dir, what: "plugin folder") {
            refused.append(RefusedPlugin(path: dir, reason: unsafe))
            return nil
        }
        guard let manifest = PluginManifest.read(manifestPath), let library = manifest.library else {
            refused.append(RefusedPlugin(path: manifestPath, reason: "manifest is not JSON with a \"library\" string"))
            return nil
        }
        let realDir = RealPath.canonical(dir)
        let libraryPath = ((dir as NSString).appendingPathComponent(library) as NSString).standardizingPath
        let realLibrary = RealPath.canonical(libraryPath)
        let id = manifest.id
        guard !library.hasPrefix("/"), realLibrary.hasPrefix(realDir + "/") else {
            refused.append(RefusedPlugin(path: manifestPath, reason: "\"library\": \"\(library)\" is outside the plugin's folder \(dir); a plugin.json may only name a library inside its own folder", id: id))
            return nil
        }
        var kind: LoadedPlugin.Kind?
        if let written = manifest.kind {
            guard let name = written.stringValue, let known = LoadedPlugin.Kind(rawValue: name) else {
                refused.append(RefusedPlugin(path: manifestPath, reason: "\"kind\": \(written.jsonText) is neither \"provider\" nor \"scorer\"", id: id))
                return nil
            }
            kind = known
        }
        return Candidate(path: libraryPath, manifest: manifest, expectedKind: kind)
    }

    /// Why `path` may not be trusted with code, or nil: another user could write it.
    private func unsafeToTrust(_ path: String, what: String) -> String? {
        guard !allowWritable, let problem = FilePermissions.writableByOthers(path) else { return nil }
        return "\(what) \(path) \(problem): anyone who can write it can run code in llmbench; fix its permissions (chmod go-w), or pass --allow-writable-plugins"
    }

    /// Loads one library. Returns the plugin, or nil with the reason recorded in `refused`.
    @discardableResult
    public func load(path: String, expectedID: String? = nil, expectedKind: LoadedPlugin.Kind? = nil) -> LoadedPlugin? {
        let realPath = RealPath.canonical(path)
        guard !loadedRealPaths.contains(realPath) else { return plugins.first { $0.path == realPath } }
        func refuse(_ reason: String, id: String? = expectedID) -> LoadedPlugin? {
            refused.append(RefusedPlugin(path: realPath, reason: reason, id: id))
            return nil
        }
        if let unsafe = unsafeToTrust(realPath, what: "library") { return refuse(unsafe) }
        switch probe.verdict(for: realPath) {
        case .unsafe(let reason):
            return refuse(reason)
        case .safe(let facts):
            // A library the checks refuse is never loaded into this process at all.
            if case .failure(let refusal) = facts.check(path: realPath) { return refuse(refusal.reason) }
        }
        switch Self.open(path: realPath) {
        case .failure(let reason):
            return refuse(reason)
        case .success(let table, let kind):
            loadedRealPaths.insert(realPath)
            let id = String(cString: table.pointee.id)
            if let expectedID, expectedID != id {
                return refuse("plugin.json says id '\(expectedID)' but the library exports '\(id)'")
            }
            if let expectedKind, expectedKind != kind {
                return refuse("plugin.json says kind '\(expectedKind.rawValue)' but the library is a \(kind.rawValue)", id: id)
            }
            if let existing = plugins.first(where: { $0.id == id }) {
                return refuse("duplicate plugin id '\(id)': already loaded from \(existing.path)", id: id)
            }
            let plugin = LoadedPlugin(table: table, kind: kind, path: realPath)
            plugins.append(plugin)
            return plugin
        }
    }

    public func plugin(id: String) -> LoadedPlugin? { plugins.first { $0.id == id } }

    public func plugins(of kind: LoadedPlugin.Kind) -> [LoadedPlugin] { plugins.filter { $0.kind == kind } }

    /// dlopen + ABI checks (PluginTableFacts.check). By now the probe has run the same checks on a
    /// copy in a child process; they are repeated on the table this process got.
    enum OpenResult {
        case success(UnsafePointer<llmbench_plugin>, LoadedPlugin.Kind)
        case failure(String)
    }

    static func open(path: String) -> OpenResult {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            return failure(PluginTableFacts(loading: .notLoadable(reason)), path)
        }
        // Never dlclose: a plugin's code may still be referenced (Docs/plugin-abi.md).
        guard let symbol = dlsym(handle, LLMBENCH_PLUGIN_ENTRY_SYMBOL) else { return failure(PluginTableFacts(loading: .noEntry), path) }
        let entry = unsafeBitCast(symbol, to: llmbench_plugin_entry_fn.self)
        guard let table = entry() else { return failure(PluginTableFacts(loading: .nullTable), path) }
        switch PluginTableFacts(table: table).check(path: path) {
        case .success(let kind): return .success(table, kind)
        case .failure(let refusal): return .failure(refusal.reason)
        }
    }

    private static func failure(_ facts: PluginTableFacts, _ path: String) -> OpenResult {
        if case .failure(let refusal) = facts.check(path: path) { return .failure(refusal.reason) }
        return .failure("cannot load \(path)")
    }
}
