import CLLMBenchPluginABI

/// What loading a library and calling its entry showed, as the ABI checks need it. Filled in from
/// the table in this process, or from the probe's report (`llmbench-plugin-probe`), so that one set
/// of checks refuses a wrong library before it is ever loaded here.
struct PluginTableFacts: Equatable {
    enum Loading: Equatable {
        case notLoadable(String)
        case noEntry
        case nullTable
        case table(Header)
    }

    struct Header: Equatable {
        var abiMajor: UInt32
        var abiMinor: UInt32
        var structSize: UInt32
        /// Read only when the major matches and the table is at least ABI 1.0's size.
        var body: Body?
    }

    struct Body: Equatable {
        var kind: Int32
        var hasID: Bool
        var hasCreate: Bool
        var hasDestroy: Bool
        var hasComplete: Bool
        var hasScore: Bool
    }

    var loading: Loading

    /// The facts of a table in this process; the body is read only where the header allows it.
    init(table: UnsafePointer<llmbench_plugin>) {
        // Field by field: a copy of the whole struct would read past an older plugin's shorter table.
        var header = Header(abiMajor: table.pointee.abi_major, abiMinor: table.pointee.abi_minor, structSize: table.pointee.struct_size, body: nil)
        if Self.bodyIsReadable(header) {
            header.body = Body(kind: table.pointee.kind, hasID: table.pointee.id.map { $0.pointee != 0 } ?? false,
                               hasCreate: table.pointee.create != nil, hasDestroy: table.pointee.destroy != nil,
                               hasComplete: table.pointee.complete != nil, hasScore: table.pointee.score != nil)
        }
        loading = .table(header)
    }

    init(loading: Loading) { self.loading = loading }

    static func bodyIsReadable(_ header: Header) -> Bool {
        header.abiMajor == UInt32(LLMBENCH_ABI_MAJOR) && Int(header.structSize) >= PluginCatalog.minimumPluginTableSize
    }

    /// The probe's report (see main.c for the format): the last report line before "returned", since
    /// the library's own code may have printed anything before it.
    init?(probeOutput: String) {
        for line in probeOutput.split(separator: "\n").reversed() where line.hasPrefix("llmbench-probe: ") && line != "llmbench-probe: returned" {
            let rest = line.dropFirst("llmbench-probe: ".count)
            if rest.hasPrefix("not-loadable ") { loading = .notLoadable(String(rest.dropFirst("not-loadable ".count))); return }
            if rest == "no-entry" { loading = .noEntry; return }
            if rest == "null-table" { loading = .nullTable; return }
            guard rest.hasPrefix("table ") else { continue }
            let numbers = rest.dropFirst("table ".count).split(separator: " ").map { Int64($0) }
            guard numbers.count == 3 || numbers.count == 9, numbers.allSatisfy({ $0 != nil }) else { return nil }
            let n = numbers.map { $0! }
            var header = Header(abiMajor: UInt32(truncatingIfNeeded: n[0]), abiMinor: UInt32(truncatingIfNeeded: n[1]),
                                structSize: UInt32(truncatingIfNeeded: n[2]), body: nil)
            if n.count == 9 {
                header.body = Body(kind: Int32(truncatingIfNeeded: n[3]), hasID: n[4] != 0, hasCreate: n[5] != 0, hasDestroy: n[6] != 0,
                                   hasComplete: n[7] != 0, hasScore: n[8] != 0)
            }
            loading = .table(header)
            return
        }
        return nil
    }

    /// The facts in the probe's own words, for the verdict cache.
    var probeReport: String {
        switch loading {
        case .notLoadable(let reason): return "llmbench-probe: not-loadable \(reason)\n"
        case .noEntry: return "llmbench-probe: no-entry\n"
        case .nullTable: return "llmbench-probe: null-table\n"
        case .table(let h):
            var line = "llmbench-probe: table \(h.abiMajor) \(h.abiMinor) \(h.structSize)"
            if let b = h.body {
                line += " \(b.kind) \(b.hasID ? 1 : 0) \(b.hasCreate ? 1 : 0) \(b.hasDestroy ? 1 : 0) \(b.hasComplete ? 1 : 0) \(b.hasScore ? 1 : 0)"
            }
            return line + "\n"
        }
    }

    /// The kind of a plugin that passes every check, or why it is refused (naming the file).
    func check(path: String) -> Result<LoadedPlugin.Kind, Refusal> {
        switch loading {
        case .notLoadable(let reason): return .failure(Refusal("not a loadable shared library: \(reason)"))
        case .noEntry: return .failure(Refusal("not an LLMBench plugin: no exported '\(LLMBENCH_PLUGIN_ENTRY_SYMBOL)' function"))
        case .nullTable: return .failure(Refusal("'\(LLMBENCH_PLUGIN_ENTRY_SYMBOL)' returned NULL"))
        case .table(let header):
            let major = header.abiMajor, minor = header.abiMinor
            guard major == UInt32(LLMBENCH_ABI_MAJOR) else {
                return .failure(Refusal("plugin ABI \(major).\(minor) does not match this llmbench's ABI \(LLMBENCH_ABI_MAJOR).\(LLMBENCH_ABI_MINOR) (file \(path)); rebuild the plugin against llmbench_plugin.h \(LLMBENCH_ABI_MAJOR).x"))
            }
            guard let body = header.body else {
                return .failure(Refusal("plugin table is \(header.structSize) bytes, smaller than ABI \(LLMBENCH_ABI_MAJOR).0's \(PluginCatalog.minimumPluginTableSize) (plugin says ABI \(major).\(minor), file \(path))"))
            }
            guard body.hasID else { return .failure(Refusal("plugin has an empty id")) }
            guard body.hasCreate, body.hasDestroy else { return .failure(Refusal("plugin table lacks create/destroy")) }
            switch body.kind {
            case Int32(LLMBENCH_KIND_PROVIDER.rawValue):
                return body.hasComplete ? .success(.provider) : .failure(Refusal("provider plugin lacks 'complete'"))
            case Int32(LLMBENCH_KIND_SCORER.rawValue):
                return body.hasScore ? .success(.scorer) : .failure(Refusal("scorer plugin lacks 'score'"))
            default:
                return .failure(Refusal("unknown plugin kind \(body.kind); expected 1 (provider) or 2 (scorer)"))
            }
        }
    }

    struct Refusal: Error, Equatable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
