/// Cosine similarity that neither overflows nor answers NaN.
///
/// Each vector is divided by its largest magnitude before any product is summed, so every term is
/// in [-1, 1] and the sums are at most the dimension: vectors of 1e200s (whose squares overflow a
/// Double) and of 1e-200s (whose squares underflow to 0) give the cosine their directions have.
/// The result is clamped to [-1, 1] against rounding. An empty or zero vector, a non-finite
/// component or vectors of different dimensions are errors, never NaN.
public enum Cosine {
    public enum Problem: Error, Equatable, Sendable {
        case empty
        case dimensionMismatch(Int, Int)
        case zeroVector
        case notFinite

        public var message: String {
            switch self {
            case .empty: "an embedding is empty"
            case .dimensionMismatch(let a, let b): "embeddings of different dimensions (\(a) and \(b)) have no cosine"
            case .zeroVector: "a zero embedding has no direction, so no cosine"
            case .notFinite: "an embedding holds a value that is not a finite number"
            }
        }
    }

    public static func similarity(_ a: [Double], _ b: [Double]) throws(Problem) -> Double {
        guard !a.isEmpty, !b.isEmpty else { throw .empty }
        guard a.count == b.count else { throw .dimensionMismatch(a.count, b.count) }
        let scaleA = try largestMagnitude(a)
        let scaleB = try largestMagnitude(b)
        var dot = 0.0
        var normA = 0.0
        var normB = 0.0
        for i in a.indices {
            let x = a[i] / scaleA
            let y = b[i] / scaleB
            dot += x * y
            normA += x * x
            normB += y * y
        }
        // Each norm is at least 1: the largest component scales to ±1.
        return min(1, max(-1, dot / (normA.squareRoot() * normB.squareRoot())))
    }

    private static func largestMagnitude(_ v: [Double]) throws(Problem) -> Double {
        var largest = 0.0
        for x in v {
            guard x.isFinite else { throw .notFinite }
            largest = max(largest, abs(x))
        }
        guard largest > 0 else { throw .zeroVector }
        return largest
    }
}
