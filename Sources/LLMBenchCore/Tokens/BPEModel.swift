/// A byte-level BPE model: a word's bytes become GPT-2's printable characters, one symbol each, and
/// adjacent symbols merge by rank, lowest first and leftmost among equals, as `tokenizers` does
/// (its `Word::merge_all`, with a heap so that a long word costs n log n, not n²).
struct BPEModel: Sendable {
    struct Merge: Sendable {
        var rank: Int32
        var id: Int32
    }

    let vocab: [String: Int]
    /// (left id << 32 | right id) → the merge's rank and the id of the merged symbol.
    let merges: [UInt64: Merge]
    /// The vocab id of each byte's character; -1 when the vocab lacks it.
    let byteIDs: [Int32]
    /// When the whole word is in the vocab, it is one token whatever the merges say (Llama 3).
    let ignoreMerges: Bool
    /// What a byte outside the vocab becomes; nil: it is dropped, as `tokenizers` does without `unk_token`.
    let unknownID: Int?
    let fuseUnknown: Bool

    /// GPT-2's `bytes_to_unicode`: printable bytes stand for themselves, the others for 256 + n.
    static let byteCharacters: [Character] = {
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var scalars = printable
        var extra = 0
        for byte in 0...255 where !printable.contains(byte) {
            printable.append(byte)
            scalars.append(256 + extra)
            extra += 1
        }
        var table = [Character](repeating: " ", count: 256)
        for (byte, scalar) in zip(printable, scalars) { table[byte] = Character(Unicode.Scalar(UInt32(scalar))!) }
        return table
    }()

    func encode(_ word: String, into ids: inout [Int]) {
        let bytes = Array(word.utf8)
        if ignoreMerges, let id = vocab[String(bytes.map { Self.byteCharacters[Int($0)] })] {
            ids.append(id)
            return
        }
        var symbols: [Int32] = []
        symbols.reserveCapacity(bytes.count)
        var lastWasUnknown = false
        for byte in bytes {
            let id = byteIDs[Int(byte)]
            if id >= 0 {
                symbols.append(id)
                lastWasUnknown = false
            } else if let unknownID {
                if !(fuseUnknown && lastWasUnknown) { symbols.append(Int32(unknownID)) }
                lastWasUnknown = true
            }
        }
        mergeAll(&symbols)
        for symbol in symbols { ids.append(Int(symbol)) }
    }

    /// Merges in place: a linked list over the symbols, a min-heap of candidate merges by (rank,
    /// position); an entry whose pair has changed since it was pushed is skipped.
    private func mergeAll(_ symbols: inout [Int32]) {
        guard symbols.count > 1 else { return }
        let n = symbols.count
        var next = Array(1...n).map { $0 == n ? -1 : $0 }
        var previous = Array(-1..<(n - 1))
        var alive = [Bool](repeating: true, count: n)
        var heap = MergeHeap()
        for position in 0..<(n - 1) {
            if let merge = merges[Self.key(symbols[position], symbols[position + 1])] {
                heap.push(.init(rank: merge.rank, position: Int32(position), id: merge.id))
            }
        }
        while let top = heap.pop() {
            let position = Int(top.position)
            guard alive[position], next[position] >= 0 else { continue }
            let right = next[position]
            guard let merge = merges[Self.key(symbols[position], symbols[right])], merge.id == top.id else { continue }
            symbols[position] = top.id
            alive[right] = false
            next[position] = next[right]
            if next[right] >= 0 { previous[next[right]] = position }
            if previous[position] >= 0, let left = merges[Self.key(symbols[previous[position]], top.id)] {
                heap.push(.init(rank: left.rank, position: Int32(previous[position]), id: left.id))
            }
            if next[position] >= 0, let following = merges[Self.key(top.id, symbols[next[position]])] {
                heap.push(.init(rank: following.rank, position: top.position, id: following.id))
            }
        }
        symbols = zip(symbols, alive).compactMap { $1 ? $0 : nil }
    }

    static func key(_ left: Int32, _ right: Int32) -> UInt64 { UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right)) }
}

/// A binary min-heap of candidate merges ordered by rank, then position.
struct MergeHeap {
    struct Entry {
        var rank: Int32
        var position: Int32
        var id: Int32
        func precedes(_ other: Entry) -> Bool { rank != other.rank ? rank < other.rank : position < other.position }
    }

    private var entries: [Entry] = []

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let first = entries.first else { return nil }
        let last = entries.removeLast()
        guard !entries.isEmpty else { return first }
        entries[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < entries.count && entries[left].precedes(entries[best]) { best = left }
            if right < entries.count && entries[right].precedes(entries[best]) { best = right }
            guard best != parent else { break }
            entries.swapAt(parent, best)
            parent = best
        }
        return first
    }
}
