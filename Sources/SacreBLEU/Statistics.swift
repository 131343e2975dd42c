import Foundation
import PythonUnicode

/// One segment's sufficient statistics, as sacreBLEU's `_compute_segment_statistics` returns them
/// (`[hyp_len, ref_len] + correct + total`): corpus BLEU sums these over segments, never the scores.
public struct SegmentStatistics: Equatable, Sendable {
    public var hypothesisLength: Int
    public var referenceLength: Int
    /// Clipped n-gram matches, n = 1...max order.
    public var correct: [Int]
    /// Hypothesis n-grams, n = 1...max order.
    public var total: [Int]

    /// sacreBLEU's flat list, the form results carry in their details.
    public var flat: [Int] { [hypothesisLength, referenceLength] + correct + total }

    public init(hypothesisLength: Int, referenceLength: Int, correct: [Int], total: [Int]) {
        self.hypothesisLength = hypothesisLength
        self.referenceLength = referenceLength
        self.correct = correct
        self.total = total
    }

    public init?(flat: [Int], order: Int) {
        guard flat.count == 2 + 2 * order else { return nil }
        self.init(hypothesisLength: flat[0], referenceLength: flat[1], correct: Array(flat[2..<2 + order]), total: Array(flat[(2 + order)...]))
    }

    /// `sum_of_lists`.
    public static func + (a: SegmentStatistics, b: SegmentStatistics) -> SegmentStatistics {
        SegmentStatistics(hypothesisLength: a.hypothesisLength + b.hypothesisLength, referenceLength: a.referenceLength + b.referenceLength,
                          correct: zip(a.correct, b.correct).map(+), total: zip(a.total, b.total).map(+))
    }

    /// `BLEU._extract_reference_info` and `_compute_segment_statistics` on tokenized segments.
    /// Tokens are compared as code point sequences, as Python compares strings.
    ///
    /// Each token gets a number; each n-gram one 64-bit key, made from its tokens' numbers (16
    /// bits each, when n <= 4 and the segment has fewer than 65,536 distinct tokens) or else from
    /// its prefix's key and its last token through a table. Counting is then sorting and merging
    /// those keys: hashing n-grams as arrays was most of a corpus score's time (Benchmarks/bleu.sh).
    public init(hypothesis: [Unicode.Scalar], references: [[Unicode.Scalar]], order: Int) {
        let hypothesisWords = PythonUnicode.splitRanges(hypothesis)
        let referenceWords = references.map(PythonUnicode.splitRanges)
        var interner = TokenInterner(capacity: referenceWords.reduce(hypothesisWords.count) { $0 + $1.count })
        let hypothesisIDs = hypothesisWords.map { interner.id(hypothesis, $0) }
        let referenceIDs = zip(references, referenceWords).map { line, words in words.map { interner.id(line, $0) } }
        var table: [UInt64: UInt64]? = order <= 4 && interner.count < 1 << 16 ? nil : [:]
        let hypothesisKeys = Self.ngramKeys(hypothesisIDs, order: order, table: &table)
        let referenceKeys = referenceIDs.map { Self.ngramKeys($0, order: order, table: &table) }
        var correct = [Int](repeating: 0, count: order)
        var total = [Int](repeating: 0, count: order)
        for n in 0..<order {
            total[n] = hypothesisKeys[n].count
            if referenceKeys.count == 1 {
                correct[n] = Self.clippedMatches(hypothesisKeys[n], referenceKeys[0][n])
                continue
            }
            // Each reference n-gram's largest count in any one reference.
            let allowed: [(key: UInt64, count: Int)]
            do {
                var merged = referenceKeys.flatMap { Self.runs($0[n]) }
                merged.sort { $0.key < $1.key || ($0.key == $1.key && $0.count > $1.count) }
                var best: [(key: UInt64, count: Int)] = []
                for run in merged where best.last?.key != run.key { best.append(run) }
                allowed = best
            }
            var j = 0
            for run in Self.runs(hypothesisKeys[n]) {
                while j < allowed.count && allowed[j].key < run.key { j += 1 }
                if j < allowed.count && allowed[j].key == run.key { correct[n] += min(run.count, allowed[j].count) }
            }
        }
        self.init(hypothesisLength: hypothesisIDs.count,
                  referenceLength: Self.closestReferenceLength(hypothesisIDs.count, referenceIDs.map(\.count)),
                  correct: correct, total: total)
    }

    /// `extract_all_word_ngrams(tokens, 1, order)` as keys, sorted, per order. Within one order,
    /// equal n-grams have equal keys and different ones different keys; keys of different orders
    /// are never compared. `table` (nil: pack 16 bits per token) numbers (prefix key, token) pairs.
    static func ngramKeys(_ tokens: [Int32], order: Int, table: inout [UInt64: UInt64]?) -> [[UInt64]] {
        var keys = [[UInt64]](repeating: [], count: order)
        let longest = min(order, tokens.count)
        guard longest >= 1 else { return keys }
        keys[0] = tokens.map { UInt64(UInt32(bitPattern: $0)) }
        // Order n is made from order n-1 unsorted; each order is sorted in place once the next is made.
        if longest >= 2 {
            for n in 2...longest {
                let count = tokens.count - n + 1
                let previous = keys[n - 2]
                if table == nil {
                    keys[n - 1] = [UInt64](unsafeUninitializedCapacity: count) { out, written in
                        tokens.withUnsafeBufferPointer { tokens in
                            for start in 0..<count { out[start] = previous[start] << 16 | UInt64(UInt32(bitPattern: tokens[start + n - 1])) }
                        }
                        written = count
                    }
                } else {
                    var current: [UInt64] = []
                    current.reserveCapacity(count)
                    for start in 0..<count {
                        let pair = previous[start] << 32 | UInt64(UInt32(bitPattern: tokens[start + n - 1]))
                        if let known = table![pair] {
                            current.append(known)
                        } else {
                            let key = UInt64(table!.count)
                            table![pair] = key
                            current.append(key)
                        }
                    }
                    keys[n - 1] = current
                }
                Self.sort(&keys[n - 2])
            }
        }
        Self.sort(&keys[longest - 1])
        return keys
    }

    /// Insertion sort for the short lists of a sentence's n-grams, the standard sort beyond.
    static func sort(_ keys: inout [UInt64]) {
        guard keys.count <= 48 else { return keys.sort() }
        keys.withUnsafeMutableBufferPointer { buffer in
            for i in 1..<max(1, buffer.count) {
                let key = buffer[i]
                var j = i - 1
                while j >= 0 && buffer[j] > key {
                    buffer[j + 1] = buffer[j]
                    j -= 1
                }
                buffer[j + 1] = key
            }
        }
    }

    /// Σ over distinct keys of min(count in hypothesis, count in reference), both lists sorted.
    static func clippedMatches(_ hypothesis: [UInt64], _ reference: [UInt64]) -> Int {
        var matches = 0, i = 0, j = 0
        while i < hypothesis.count && j < reference.count {
            let key = hypothesis[i]
            if key < reference[j] {
                i += 1
            } else if key > reference[j] {
                j += 1
            } else {
                var inHypothesis = 0, inReference = 0
                while i < hypothesis.count && hypothesis[i] == key { inHypothesis += 1; i += 1 }
                while j < reference.count && reference[j] == key { inReference += 1; j += 1 }
                matches += min(inHypothesis, inReference)
            }
        }
        return matches
    }

    /// (key, how many times) for each distinct key of a sorted list.
    static func runs(_ sorted: [UInt64]) -> [(key: UInt64, count: Int)] {
        var runs: [(key: UInt64, count: Int)] = []
        runs.reserveCapacity(sorted.count)
        var index = 0
        while index < sorted.count {
            var end = index + 1
            while end < sorted.count && sorted[end] == sorted[index] { end += 1 }
            runs.append((sorted[index], end - index))
            index = end
        }
        return runs
    }

    /// `_get_closest_ref_len`: the reference length nearest the hypothesis's; the shorter on a tie.
    static func closestReferenceLength(_ hypothesisLength: Int, _ referenceLengths: [Int]) -> Int {
        var closestDifference = -1, closestLength = -1
        for length in referenceLengths {
            let difference = abs(hypothesisLength - length)
            if closestDifference == -1 || difference < closestDifference {
                closestDifference = difference
                closestLength = length
            } else if difference == closestDifference && length < closestLength {
                closestLength = length
            }
        }
        return closestLength
    }
}

/// Gives each distinct token (a code point sequence) of one segment a number: an open-addressing
/// table on FNV-1a of the code points (Swift's seeded Hasher over slices cost more than the rest).
struct TokenInterner {
    private var slots: [Int32]
    /// Each token's code points, one after the other; `ends[id]` is where token `id` ends.
    private var storage: [UInt32] = []
    private var ends: [Int] = []
    private let mask: Int
    var count: Int { ends.count }

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        ends.reserveCapacity(capacity)
    }

    mutating func id(_ line: [Unicode.Scalar], _ range: Range<Int>) -> Int32 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for index in range { hash = (hash ^ UInt64(line[index].value)) &* 0x100_0000_01b3 }
        var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
        while true {
            let id = slots[slot]
            if id < 0 {
                let new = Int32(ends.count)
                slots[slot] = new
                for index in range { storage.append(line[index].value) }
                ends.append(storage.count)
                return new
            }
            if equals(Int(id), line, range) { return id }
            slot = (slot + 1) & mask
        }
    }

    private func equals(_ id: Int, _ line: [Unicode.Scalar], _ range: Range<Int>) -> Bool {
        let start = id == 0 ? 0 : ends[id - 1]
        guard ends[id] - start == range.count else { return false }
        var offset = start
        for index in range {
            if storage[offset] != line[index].value { return false }
            offset += 1
        }
        return true
    }
}

/// What `BLEU.compute_bleu` returns (sacreBLEU's BLEUScore).
public struct BLEUScore: Sendable {
    /// 0...100 (a perfect match is 100.00000000000004, as in sacreBLEU).
    public var score: Double
    /// As sacreBLEU reports them: add-k adds its k to the orders above 1 that it reached.
    public var counts: [Double]
    public var totals: [Double]
    public var precisions: [Double]
    public var brevityPenalty: Double
    public var hypothesisLength: Int
    public var referenceLength: Int
    public var ratio: Double { referenceLength != 0 ? Double(hypothesisLength) / Double(referenceLength) : 0 }

    /// sacreBLEU's `str(score)`: "BLEU = 45.23 60.0/40.0/30.0/20.0 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)".
    public var summary: String {
        let precisionText = precisions.map { String(format: "%.1f", $0) }.joined(separator: "/")
        return "BLEU = \(String(format: "%.2f", score)) \(precisionText) (BP = \(String(format: "%.3f", brevityPenalty)) "
            + "ratio = \(String(format: "%.3f", ratio)) hyp_len = \(hypothesisLength) ref_len = \(referenceLength))"
    }
}

public enum Smoothing: String, CaseIterable, Sendable {
    case exp, floor, addK = "add-k", none

    /// `BLEU.SMOOTH_DEFAULTS`: the value used when none is given; nil for methods that take none.
    public var defaultValue: Double? {
        switch self {
        case .floor: return 0.1
        case .addK: return 1
        case .exp, .none: return nil
        }
    }
}

extension BLEUScore {
    /// `BLEU.compute_bleu`, operation for operation, so that the floating point agrees too.
    public init(_ statistics: SegmentStatistics, smoothing: Smoothing, smoothValue: Double?, effectiveOrder: Bool) {
        let order = statistics.correct.count
        let hypothesisLength = statistics.hypothesisLength, referenceLength = statistics.referenceLength
        var bp = 1.0
        if hypothesisLength < referenceLength {
            bp = hypothesisLength > 0 ? exp(1 - Double(referenceLength) / Double(hypothesisLength)) : 0
        }
        var correct = statistics.correct.map(Double.init)
        var total = statistics.total.map(Double.init)
        var precisions = [Double](repeating: 0, count: order)
        // No match at all: 0, and the counts as they are (sacreBLEU #141).
        guard statistics.correct.contains(where: { $0 != 0 }) else {
            self.init(score: 0, counts: correct, totals: total, precisions: precisions, brevityPenalty: bp,
                      hypothesisLength: hypothesisLength, referenceLength: referenceLength)
            return
        }
        let value = smoothValue ?? smoothing.defaultValue ?? 0
        var smoothMteval = 1.0
        var usedOrder = order
        for n in 1...order {
            if smoothing == .addK && n > 1 {
                correct[n - 1] += value
                total[n - 1] += value
            }
            if total[n - 1] == 0 { break }
            if effectiveOrder { usedOrder = n }
            if correct[n - 1] == 0 {
                switch smoothing {
                case .exp:
                    smoothMteval *= 2
                    precisions[n - 1] = 100 / (smoothMteval * total[n - 1])
                case .floor:
                    precisions[n - 1] = 100 * value / total[n - 1]
                case .addK, .none:
                    break
                }
            } else {
                precisions[n - 1] = 100 * correct[n - 1] / total[n - 1]
            }
        }
        // Python's sum() of floats, left to right from 0 (3.11; 3.12 compensates, a last-bit difference).
        var logSum = 0.0
        for precision in precisions[..<usedOrder] { logSum += Self.flooredLog(precision) }
        self.init(score: bp * exp(logSum / Double(usedOrder)), counts: correct, totals: total, precisions: precisions,
                  brevityPenalty: bp, hypothesisLength: hypothesisLength, referenceLength: referenceLength)
    }

    /// sacreBLEU's `my_log`: log(0) is -9999999999, so a zero precision makes the score 0.
    static func flooredLog(_ x: Double) -> Double { x == 0 ? -9_999_999_999 : log(x) }
}
