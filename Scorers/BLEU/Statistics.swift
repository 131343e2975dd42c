import Foundation
import PythonUnicode

/// One segment's sufficient statistics, as sacreBLEU's `_compute_segment_statistics` returns them
/// (`[hyp_len, ref_len] + correct + total`): corpus BLEU sums these over segments, never the scores.
struct SegmentStatistics: Equatable {
    var hypothesisLength: Int
    var referenceLength: Int
    /// Clipped n-gram matches, n = 1...max order.
    var correct: [Int]
    /// Hypothesis n-grams, n = 1...max order.
    var total: [Int]

    /// sacreBLEU's flat list, the form results carry in their details.
    var flat: [Int] { [hypothesisLength, referenceLength] + correct + total }

    init(hypothesisLength: Int, referenceLength: Int, correct: [Int], total: [Int]) {
        self.hypothesisLength = hypothesisLength
        self.referenceLength = referenceLength
        self.correct = correct
        self.total = total
    }

    init?(flat: [Int], order: Int) {
        guard flat.count == 2 + 2 * order else { return nil }
        self.init(hypothesisLength: flat[0], referenceLength: flat[1], correct: Array(flat[2..<2 + order]), total: Array(flat[(2 + order)...]))
    }

    /// `sum_of_lists`.
    static func + (a: SegmentStatistics, b: SegmentStatistics) -> SegmentStatistics {
        SegmentStatistics(hypothesisLength: a.hypothesisLength + b.hypothesisLength, referenceLength: a.referenceLength + b.referenceLength,
                          correct: zip(a.correct, b.correct).map(+), total: zip(a.total, b.total).map(+))
    }

    /// `BLEU._extract_reference_info` and `_compute_segment_statistics` on tokenized segments.
    /// Tokens are compared as code point sequences, as Python compares strings.
    init(hypothesis: [Unicode.Scalar], references: [[Unicode.Scalar]], order: Int) {
        var vocabulary = TokenVocabulary()
        let (hypothesisNgrams, hypothesisLength) = vocabulary.ngrams(hypothesis, order: order)
        // Per order, each reference n-gram's largest count in any one reference.
        var referenceNgrams = [[Int32: Int]](repeating: [:], count: order)
        var referenceLengths: [Int] = []
        for reference in references {
            let (ngrams, length) = vocabulary.ngrams(reference, order: order)
            referenceLengths.append(length)
            for n in 0..<order {
                for (ngram, count) in TokenVocabulary.runs(ngrams[n]) where count > referenceNgrams[n][ngram, default: 0] {
                    referenceNgrams[n][ngram] = count
                }
            }
        }
        var correct = [Int](repeating: 0, count: order)
        var total = [Int](repeating: 0, count: order)
        for n in 0..<order {
            total[n] = hypothesisNgrams[n].count
            for (ngram, count) in TokenVocabulary.runs(hypothesisNgrams[n]) {
                if let inReferences = referenceNgrams[n][ngram] { correct[n] += min(count, inReferences) }
            }
        }
        self.init(hypothesisLength: hypothesisLength, referenceLength: Self.closestReferenceLength(hypothesisLength, referenceLengths),
                  correct: correct, total: total)
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

/// Gives each distinct token (a code point sequence) a number, and each distinct n-gram a number
/// made from its prefix's number and its last token's (one 64-bit key per n-gram: hashing n-grams
/// as arrays was most of a corpus score's time, Benchmarks/bleu.sh).
struct TokenVocabulary {
    private var ids: [ArraySlice<Unicode.Scalar>: Int32] = [:]
    private var ngramIDs: [UInt64: Int32] = [:]

    /// `extract_all_word_ngrams(line, 1, order)`: per order, the ids of its n-grams, sorted (equal
    /// n-grams are equal ids), and the token count.
    mutating func ngrams(_ line: [Unicode.Scalar], order: Int) -> (ngrams: [[Int32]], length: Int) {
        let tokens = PythonUnicode.split(line).map { token in
            if let id = ids[token] { return id }
            let id = Int32(ids.count)
            ids[token] = id
            return id
        }
        var ngrams = [[Int32]](repeating: [], count: order)
        guard !tokens.isEmpty else { return (ngrams, 0) }
        ngrams[0] = tokens.sorted()
        let longest = min(order, tokens.count)
        guard longest >= 2 else { return (ngrams, tokens.count) }
        // previous[start]: the id of the (n-1)-gram starting at `start`. Within one order, distinct
        // n-grams have distinct (prefix id, last token) keys, so distinct ids; an id shared with
        // an n-gram of another order is never compared with it.
        var previous = tokens.map { UInt64(UInt32(bitPattern: $0)) }
        for n in 2...longest {
            var current: [UInt64] = []
            current.reserveCapacity(tokens.count - n + 1)
            for start in 0...(tokens.count - n) {
                let key = (previous[start] << 32) | UInt64(UInt32(bitPattern: tokens[start + n - 1]))
                let id: Int32
                if let known = ngramIDs[key] {
                    id = known
                } else {
                    id = Int32(ngramIDs.count)
                    ngramIDs[key] = id
                }
                current.append(UInt64(UInt32(bitPattern: id)))
            }
            ngrams[n - 1] = current.map { Int32(truncatingIfNeeded: $0) }.sorted()
            previous = current
        }
        return (ngrams, tokens.count)
    }

    /// (id, how many times) for each distinct id of a sorted list.
    static func runs(_ sorted: [Int32]) -> [(Int32, Int)] {
        var runs: [(Int32, Int)] = []
        var index = 0
        while index < sorted.count {
            var end = index + 1
            while end < sorted.count && sorted[end] == sorted[index] { end += 1 }
            runs.append((sorted[index], end - index))
            index = end
        }
        return runs
    }
}

/// What `BLEU.compute_bleu` returns (sacreBLEU's BLEUScore).
struct BLEUScore {
    /// 0...100 (a perfect match is 100.00000000000004, as in sacreBLEU).
    var score: Double
    /// As sacreBLEU reports them: add-k adds its k to the orders above 1 that it reached.
    var counts: [Double]
    var totals: [Double]
    var precisions: [Double]
    var brevityPenalty: Double
    var hypothesisLength: Int
    var referenceLength: Int
    var ratio: Double { referenceLength != 0 ? Double(hypothesisLength) / Double(referenceLength) : 0 }

    /// sacreBLEU's `str(score)`: "BLEU = 45.23 60.0/40.0/30.0/20.0 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)".
    var summary: String {
        let precisionText = precisions.map { String(format: "%.1f", $0) }.joined(separator: "/")
        return "BLEU = \(String(format: "%.2f", score)) \(precisionText) (BP = \(String(format: "%.3f", brevityPenalty)) "
            + "ratio = \(String(format: "%.3f", ratio)) hyp_len = \(hypothesisLength) ref_len = \(referenceLength))"
    }
}

enum Smoothing: String, CaseIterable {
    case exp, floor, addK = "add-k", none

    /// `BLEU.SMOOTH_DEFAULTS`: the value used when none is given; nil for methods that take none.
    var defaultValue: Double? {
        switch self {
        case .floor: return 0.1
        case .addK: return 1
        case .exp, .none: return nil
        }
    }
}

extension BLEUScore {
    /// `BLEU.compute_bleu`, operation for operation, so that the floating point agrees too.
    init(_ statistics: SegmentStatistics, smoothing: Smoothing, smoothValue: Double?, effectiveOrder: Bool) {
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
