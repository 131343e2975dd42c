import Testing
import VectorSimilarity

/// The cosine behind `embedding_cosine`: stable at the extremes of Double, clamped, never NaN.
struct CosineTests {
    @Test func matchesTheTextbookFormulaOnOrdinaryVectors() throws {
        let a = [1.0, 2.0, 3.0], b = [4.0, -5.0, 6.0]
        let naive = (4.0 - 10.0 + 18.0) / ((1.0 + 4.0 + 9.0).squareRoot() * (16.0 + 25.0 + 36.0).squareRoot())
        #expect(abs(try Cosine.similarity(a, b) - naive) < 1e-15)
    }

    @Test func hugeComponentsWhoseSquaresOverflowStillGiveTheirCosine() throws {
        // 1e200² is inf: the naive formula answers inf/inf = NaN.
        let a = [1e200, 1e200], b = [1e200, 0]
        #expect((a[0] * a[0] + a[1] * a[1]).isInfinite, "the naive sum overflows")
        #expect(abs(try Cosine.similarity(a, b) - 0.5.squareRoot()) < 1e-15)
        #expect(abs(try Cosine.similarity([Double.greatestFiniteMagnitude, 1], [Double.greatestFiniteMagnitude, 1]) - 1) < 1e-15)
    }

    @Test func tinyComponentsWhoseSquaresUnderflowStillGiveTheirCosine() throws {
        // 1e-200² is 0: the naive formula answers 0/0 = NaN.
        let a = [1e-200, 1e-200], b = [-1e-200, -1e-200]
        #expect(abs(try Cosine.similarity(a, b) + 1) < 1e-15)
        #expect(abs(try Cosine.similarity([5e-324, 0], [5e-324, 5e-324]) - 0.5.squareRoot()) < 1e-15)
    }

    @Test func identicalAndOppositeVectorsStayWithinMinusOneAndOne() throws {
        // Vectors whose rounding would put a naive cosine just past 1.
        let v = (0..<1000).map { 0.1 * Double($0 % 7) + 1e-3 }
        let same = try Cosine.similarity(v, v)
        #expect(same <= 1 && same > 1 - 1e-12)
        let opposite = try Cosine.similarity(v, v.map { -$0 })
        #expect(opposite >= -1 && opposite < -1 + 1e-12)
        #expect(try Cosine.similarity([3, 4], [6, 8]) == 1)
    }

    @Test func aZeroVectorIsAnErrorNotNaN() {
        #expect(throws: Cosine.Problem.zeroVector) { try Cosine.similarity([0, 0, 0], [1, 2, 3]) }
        #expect(throws: Cosine.Problem.zeroVector) { try Cosine.similarity([1, 2, 3], [0, -0.0, 0]) }
    }

    @Test func mismatchedDimensionsAreAnErrorNamingBoth() {
        #expect(throws: Cosine.Problem.dimensionMismatch(2, 3)) { try Cosine.similarity([1, 2], [1, 2, 3]) }
        #expect(Cosine.Problem.dimensionMismatch(2, 3).message.contains("2 and 3"))
    }

    @Test func emptyAndNonFiniteVectorsAreErrors() {
        #expect(throws: Cosine.Problem.empty) { try Cosine.similarity([], []) }
        #expect(throws: Cosine.Problem.notFinite) { try Cosine.similarity([1, .nan], [1, 1]) }
        #expect(throws: Cosine.Problem.notFinite) { try Cosine.similarity([1, 1], [.infinity, 1]) }
    }
}
