import Foundation

/// A step into a JSON document: an object member or an array element.
public enum JSONPathComponent: Hashable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case key(String)
    case index(Int)
    public init(stringLiteral value: String) { self = .key(value) }
    public init(integerLiteral value: Int) { self = .index(value) }
}

/// Paths into JSON documents, prepared once and read many times: `values(in:)` returns the value
/// at each path (nil where a path leads nowhere) in one pass that builds only what the paths select
/// and skips the rest. For hot paths such as stream chunks, where building every dictionary of a
/// 200-byte chunk costs more than everything else done with it.
public struct JSONPathSet: Sendable {
    /// At one depth: an object key (its UTF-8 at keyStart..<keyEnd of `keyBytes`) or an array
    /// index, and the paths (bit mask) that take that step there.
    struct Branch: Sendable {
        var isKey: Bool
        var keyStart: Int
        var keyEnd: Int
        var index: Int
        var mask: UInt64
    }

    let paths: [[JSONPathComponent]]
    /// Branches at depth d: branches[branchStart[d] ..< branchStart[d + 1]]. Flat and trivial, so
    /// the walk neither allocates nor retains.
    let branches: [Branch]
    let branchStart: [Int]
    /// Paths (bit mask) that end at depth d.
    let endMask: [UInt64]
    let keyBytes: [UInt8]

    public init(_ paths: [[JSONPathComponent]]) {
        precondition(paths.count <= 64, "JSONPathSet reads at most 64 paths at once")
        self.paths = paths
        let depths = (paths.map(\.count).max() ?? 0) + 1
        var branches: [Branch] = [], branchStart: [Int] = [], keyBytes: [UInt8] = []
        var endMask = [UInt64](repeating: 0, count: depths)
        for (p, path) in paths.enumerated() { endMask[path.count] |= 1 << UInt64(p) }
        for depth in 0..<depths {
            branchStart.append(branches.count)
            var byComponent: [(JSONPathComponent, UInt64)] = []
            for (p, path) in paths.enumerated() where path.count > depth {
                if let i = byComponent.firstIndex(where: { $0.0 == path[depth] }) {
                    byComponent[i].1 |= 1 << UInt64(p)
                } else {
                    byComponent.append((path[depth], 1 << UInt64(p)))
                }
            }
            for (component, mask) in byComponent {
                switch component {
                case .key(let key):
                    let start = keyBytes.count
                    keyBytes.append(contentsOf: key.utf8)
                    branches.append(Branch(isKey: true, keyStart: start, keyEnd: keyBytes.count, index: 0, mask: mask))
                case .index(let i):
                    branches.append(Branch(isKey: false, keyStart: 0, keyEnd: 0, index: i, mask: mask))
                }
            }
        }
        branchStart.append(branches.count)
        self.branches = branches
        self.branchStart = branchStart
        self.endMask = endMask
        self.keyBytes = keyBytes
    }

    public func values(in bytes: UnsafeRawBufferPointer) throws(JSONReader.Failure) -> [Any?] {
        do {
            return try RequestJSONReader.values(at: self, in: bytes.assumingMemoryBound(to: UInt8.self))
        } catch {
            throw JSONReader.Failure(offset: error.offset, message: error.message)
        }
    }

    public func values(in text: String) throws(JSONReader.Failure) -> [Any?] {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(JSONReader.Failure) in try values(in: UnsafeRawBufferPointer(buffer)) }
        }.get()
    }
}

extension JSONReader {
    /// `JSONPathSet(paths).values(in: text)`, for one-off reads.
    public static func values(at paths: [[JSONPathComponent]], in text: String) throws(Failure) -> [Any?] {
        try JSONPathSet(paths).values(in: text)
    }
}

extension RequestJSONReader {
    /// The path set as plain pointers, so the recursive walk neither retains nor releases.
    struct Walk {
        var branches: UnsafeBufferPointer<JSONPathSet.Branch>
        var branchStart: UnsafeBufferPointer<Int>
        var endMask: UnsafeBufferPointer<UInt64>
        var keys: UnsafeBufferPointer<UInt8>
        var paths: UnsafePointer<[[JSONPathComponent]]>
        var found: UnsafeMutableBufferPointer<Any?>
    }

    static func values(at set: JSONPathSet, in buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> [Any?] {
        var reader = RequestJSONReader(bytes: buffer)
        let count = set.paths.count
        let all: UInt64 = count == 64 ? .max : (1 << UInt64(count)) - 1
        var found = [Any?](repeating: nil, count: count)
        var paths = set.paths
        try set.branches.withUnsafeBufferPointer { branches throws(Failure) in
            try set.branchStart.withUnsafeBufferPointer { branchStart throws(Failure) in
                try set.endMask.withUnsafeBufferPointer { endMask throws(Failure) in
                    try set.keyBytes.withUnsafeBufferPointer { keys throws(Failure) in
                        try withUnsafePointer(to: &paths) { paths throws(Failure) in
                            try found.withUnsafeMutableBufferPointer { found throws(Failure) in
                                let walk = Walk(branches: branches, branchStart: branchStart, endMask: endMask, keys: keys,
                                                paths: paths, found: found)
                                try reader.collect(all, depth: 0, walk)
                            }
                        }
                    }
                }
            }
        }
        reader.whitespace()
        guard reader.at == buffer.count else { throw Failure(offset: reader.at, message: "text after the value") }
        return found
    }

    /// Walks one value at `depth` with the paths of bit mask `live` still matching: builds it where a
    /// path ends, descends where paths go on, and skips it when none is live.
    mutating func collect(_ live: UInt64, depth: Int, _ walk: Walk) throws(Failure) {
        whitespace()
        if live == 0 { return try skip() }
        let ending = live & (depth < walk.endMask.count ? walk.endMask[depth] : 0)
        if ending != 0 {
            // Built once; a longer path through the same value reads on inside it (rare).
            let value = try value()
            var bits = live
            while bits != 0 {
                let p = bits.trailingZeroBitCount
                bits &= bits - 1
                walk.found[p] = ending & (1 << UInt64(p)) != 0 ? value : Self.follow(walk.paths.pointee[p][depth...], in: value)
            }
            return
        }
        let branches = UnsafeBufferPointer(rebasing: walk.branches[walk.branchStart[depth]..<walk.branchStart[depth + 1]])
        switch current {
        case UInt8(ascii: "{"):
            at += 1
            whitespace()
            if current == UInt8(ascii: "}") { at += 1; return }
            repeat {
                whitespace()
                let key = try rawString()
                whitespace()
                try expect(UInt8(ascii: ":"))
                var matching: UInt64 = 0
                for branch in branches where branch.isKey && branch.mask & live != 0 {
                    if keyEquals(key, UnsafeBufferPointer(rebasing: walk.keys[branch.keyStart..<branch.keyEnd])) {
                        matching = branch.mask & live
                        break
                    }
                }
                try collect(matching, depth: depth + 1, walk)
                whitespace()
            } while try more(closing: UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            at += 1
            whitespace()
            if current == UInt8(ascii: "]") { at += 1; return }
            var index = 0
            repeat {
                var matching: UInt64 = 0
                for branch in branches where !branch.isKey && branch.index == index { matching = branch.mask & live }
                try collect(matching, depth: depth + 1, walk)
                whitespace()
                index += 1
            } while try more(closing: UInt8(ascii: "]"))
        default:
            try skip()
        }
    }

    /// A string's raw bytes (between the quotes, escapes left as they are). Control characters are
    /// taken as they are, as the whole-document reader takes them (`string()`).
    mutating func rawString() throws(Failure) -> Range<Int> {
        try expect(UInt8(ascii: "\""))
        let start = at
        while let b = current, b != UInt8(ascii: "\"") {
            at += b == UInt8(ascii: "\\") ? 2 : 1
        }
        let end = at
        try expect(UInt8(ascii: "\""))
        return start..<end
    }

    /// A key compared as written; keys with escapes are decoded first.
    func keyEquals(_ range: Range<Int>, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeBufferPointer(rebasing: bytes[range])
        if raw.count == wanted.count, raw.count == 0 || memcmp(raw.baseAddress!, wanted.baseAddress!, raw.count) == 0 { return true }
        guard raw.contains(UInt8(ascii: "\\")) else { return false }
        var copy = RequestJSONReader(bytes: bytes)
        copy.at = range.lowerBound - 1
        return (try? copy.string()).map { $0.utf8.elementsEqual(wanted) } ?? false
    }

    /// The rest of a path inside an already built value.
    static func follow(_ path: ArraySlice<JSONPathComponent>, in value: Any) -> Any? {
        var current: Any? = value
        for component in path {
            switch component {
            case .key(let key): current = (current as? [String: Any])?[key]
            case .index(let i): current = (current as? [Any]).flatMap { i < $0.count ? $0[i] : nil }
            }
        }
        return current
    }

    /// Passes over one value, checking its syntax, building nothing.
    mutating func skip() throws(Failure) {
        whitespace()
        guard let c = current else { throw Failure(offset: at, message: "unexpected end") }
        switch c {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try collect([], container: c)
        case UInt8(ascii: "\""):
            _ = try rawString()
        case UInt8(ascii: "t"): try word("true")
        case UInt8(ascii: "f"): try word("false")
        case UInt8(ascii: "n"): try word("null")
        default:
            // A number: its characters, without building it.
            let start = at
            while let b = current, (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".")
                || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") { at += 1 }
            if at == start { throw Failure(offset: at, message: "invalid value") }
        }
    }

    private mutating func collect(_ none: [Int], container: UInt8) throws(Failure) {
        let closing = container == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
        try enter()
        defer { leave() }
        at += 1
        whitespace()
        if current == closing { at += 1; return }
        repeat {
            whitespace()
            if container == UInt8(ascii: "{") {
                try skip()
                whitespace()
                try expect(UInt8(ascii: ":"))
            }
            try skip()
            whitespace()
        } while try more(closing: closing)
    }
}
