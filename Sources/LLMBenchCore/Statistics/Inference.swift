import Foundation

/// Intervals and paired tests for comparing models (issue 10; Docs/statistics.md). Each function
/// says which scipy/statsmodels computation it equals; Tests/Fixtures/statistics holds their
/// answers, made by generate.py beside them, and the tests hold these to 1e-9.
public enum Inference {
    public struct Interval: Sendable, Equatable {
        public var lower: Double
        public var upper: Double

        public var json: JSONValue { .object(["lower": .number(lower), "upper": .number(upper)]) }

        /// Within `range`: an interval of a mean of values in [0, 1] is reported within [0, 1].
        public func clamped(to range: ClosedRange<Double>) -> Interval {
            Interval(lower: min(max(lower, range.lowerBound), range.upperBound), upper: max(min(upper, range.upperBound), range.lowerBound))
        }

        public init(lower: Double, upper: Double) {
            self.lower = lower
            self.upper = upper
        }
    }

    // MARK: Intervals

    /// Wilson score interval for `successes` of `trials`:
    /// `scipy.stats.binomtest(k, n).proportion_ci(confidence_level, method="wilson")`.
    /// nil for no trials. Always within [0, 1], even at 0 or n successes (where the normal
    /// interval collapses to a point).
    public static func wilson(successes: Int, trials: Int, confidence: Double = 0.95) -> Interval? {
        guard trials > 0, (0...trials).contains(successes) else { return nil }
        let n = Double(trials), p = Double(successes) / n
        let z = normalQuantile(1 - (1 - confidence) / 2)
        let z2 = z * z
        let denominator = 1 + z2 / n
        let center = (p + z2 / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
        return Interval(lower: max(0, center - half), upper: min(1, center + half))
    }

    /// Student's t interval of a mean: `scipy.stats.t.interval(confidence, n - 1, loc=mean,
    /// scale=scipy.stats.sem(values))`. nil with fewer than two values; a zero-width interval when
    /// they are all equal.
    public static func meanInterval(_ values: [Double], confidence: Double = 0.95) -> (mean: Double, interval: Interval)? {
        guard values.count >= 2 else { return nil }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return meanInterval(count: values.count, mean: mean, variance: variance, confidence: confidence).map { (mean, $0) }
    }

    /// The same from a sample's size, mean and variance (n − 1 in the denominator), as a streaming
    /// tally keeps them.
    public static func meanInterval(count: Int, mean: Double, variance: Double, confidence: Double = 0.95) -> Interval? {
        guard count >= 2, variance.isFinite, variance >= 0 else { return nil }
        let n = Double(count)
        let standardError = (variance / n).squareRoot()
        let t = studentQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: n - 1)
        return Interval(lower: mean - t * standardError, upper: mean + t * standardError)
    }

    // MARK: Paired tests

    /// McNemar's test on paired pass/fail results: `onlyA` items passed by A alone, `onlyB` by B
    /// alone (the items both passed or both failed say nothing about the difference). Exact (the
    /// two-sided binomial test of min(onlyA, onlyB) in onlyA + onlyB at ½) when there are fewer than
    /// 25 discordant pairs, else the χ² test with continuity correction — as
    /// `statsmodels.stats.contingency_tables.mcnemar(table, exact=…, correction=True)`. No
    /// discordant pair: p = 1.
    public static func mcnemar(onlyA: Int, onlyB: Int) -> (pValue: Double, exact: Bool) {
        let discordant = onlyA + onlyB
        guard discordant > 0 else { return (1, true) }
        if discordant < 25 {
            return (min(1, 2 * binomialCDF(min(onlyA, onlyB), trials: discordant)), true)
        }
        let statistic = pow(Double(abs(onlyA - onlyB)) - 1, 2) / Double(discordant)
        return (erfc((statistic / 2).squareRoot()), false)
    }

    /// Paired bootstrap of the mean difference `b − a` over items both were measured on (the same
    /// test and repeat): `resamples` resamplings of the n differences with replacement, drawn with
    /// SplitMix64 from `seed` (index = draw mod n), so a report is the same every time it is made.
    /// - `interval`: the percentile interval of the resampled means (numpy's default linear
    ///   percentile at (1 − confidence)/2 and (1 + confidence)/2);
    /// - `pValue`: two-sided, by the shift method — the share of resampled means at least as far
    ///   from the observed mean as the observed mean is from 0 — floored at 1/(resamples + 1).
    /// nil with no pairs. `a` and `b` must have the same length.
    public static func pairedBootstrap(_ a: [Double], _ b: [Double], resamples: Int = 2000, seed: UInt64 = 0x1EB,
                                       confidence: Double = 0.95) -> (difference: Double, interval: Interval, pValue: Double)?
    {
        precondition(a.count == b.count, "paired samples have the same length")
        guard !a.isEmpty, resamples > 0 else { return nil }
        let differences = zip(b, a).map { $0 - $1 }
        let n = differences.count
        let observed = differences.reduce(0, +) / Double(n)
        var random = SeededRandom(seed: seed)
        var means = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var sum = 0.0
            for _ in 0..<n { sum += differences[Int(random.next() % UInt64(n))] }
            means[r] = sum / Double(n)
        }
        let farther = means.count(where: { abs($0 - observed) >= abs(observed) })
        means.sort()
        let interval = Interval(lower: Statistics.percentile(sorted: means, 100 * (1 - confidence) / 2)!,
                                upper: Statistics.percentile(sorted: means, 100 * (1 + confidence) / 2)!)
        let pValue = observed == 0 ? 1 : max(Double(farther) / Double(resamples), 1 / Double(resamples + 1))
        return (observed, interval, pValue)
    }

    /// The paired t test of the mean difference `b − a`: the Student t interval of the mean of the
    /// differences and the two-sided p of t = mean / (s/√n) with n − 1 degrees of freedom —
    /// `scipy.stats.ttest_rel(b, a)`. For many pairs, where a bootstrap would cost seconds and the
    /// mean is normal enough. nil below two pairs; with no spread, p is 1 for a zero mean, else 0.
    public static func pairedTTest(_ a: [Double], _ b: [Double], confidence: Double = 0.95)
        -> (difference: Double, interval: Interval, pValue: Double)?
    {
        precondition(a.count == b.count, "paired samples have the same length")
        let differences = zip(b, a).map { $0 - $1 }
        guard differences.count >= 2 else { return nil }
        let n = Double(differences.count)
        let mean = differences.reduce(0, +) / n
        let variance = differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        guard let interval = meanInterval(count: differences.count, mean: mean, variance: variance, confidence: confidence) else { return nil }
        guard variance > 0 else { return (mean, interval, mean == 0 ? 1 : 0) }
        let t = mean / (variance / n).squareRoot()
        let p = 2 * studentCDF(-abs(t), degreesOfFreedom: n - 1)
        return (mean, interval, min(1, p))
    }

    /// P(X ≤ k) for X ~ Binomial(trials, ½), summed exactly in log space.
    static func binomialCDF(_ k: Int, trials: Int) -> Double {
        guard k >= 0 else { return 0 }
        guard k < trials else { return 1 }
        let n = Double(trials)
        var sum = 0.0
        for i in 0...k {
            let x = Double(i)
            let logChoose: Double = logGamma(n + 1) - logGamma(x + 1) - logGamma(n - x + 1)
            sum += exp(logChoose - n * M_LN2)
        }
        return min(1, sum)
    }

    // MARK: Distributions

    /// Φ⁻¹(p): Wichura's AS 241 (PPND16), accurate to about 1e-16 — `scipy.stats.norm.ppf`.
    public static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "a probability strictly between 0 and 1")
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            return q * horner(AS241.centralNumerator, r) / horner(AS241.centralDenominator, r)
        }
        var r = (-log(q < 0 ? p : 1 - p)).squareRoot()
        let value: Double
        if r <= 5 {
            r -= 1.6
            value = horner(AS241.nearNumerator, r) / horner(AS241.nearDenominator, r)
        } else {
            r -= 5
            value = horner(AS241.farNumerator, r) / horner(AS241.farDenominator, r)
        }
        return q < 0 ? -value : value
    }

    /// Σ coefficients[i]·xⁱ, the coefficients from the constant term up.
    private static func horner(_ coefficients: [Double], _ x: Double) -> Double {
        coefficients.reversed().reduce(0) { $0 * x + $1 }
    }

    /// AS 241's coefficients, constant term first.
    private enum AS241 {
        static let centralNumerator: [Double] = [
            3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
            45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
        ]
        static let centralDenominator: [Double] = [
            1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077,
            21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852545925,
        ]
        static let nearNumerator: [Double] = [
            1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
            1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
        ]
        static let nearDenominator: [Double] = [
            1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
            0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
        ]
        static let farNumerator: [Double] = [
            6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
            0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
        ]
        static let farDenominator: [Double] = [
            1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
            7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15,
        ]
    }

    /// P(T ≤ t) for Student's t with `degreesOfFreedom`: through the regularized incomplete beta,
    /// 1 − ½·I(ν/(ν+t²); ν/2, ½) for t ≥ 0 — `scipy.stats.t.cdf`.
    public static func studentCDF(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let tail = 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The t with P(T ≤ t) = p: Newton's method from the normal quantile, bisection-guarded, to
    /// 1e-14 — `scipy.stats.t.ppf`.
    public static func studentQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "a probability strictly between 0 and 1")
        if p == 0.5 { return 0 }
        // P(T ≤ t) is increasing in t: keep a bracket and step by Newton inside it.
        var low = -1.0, high = 1.0
        while studentCDF(low, degreesOfFreedom: nu) > p { low *= 2 }
        while studentCDF(high, degreesOfFreedom: nu) < p { high *= 2 }
        var t = min(max(normalQuantile(p), low), high)
        let logNormalizer: Double = logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * log(nu * Double.pi)
        for _ in 0..<200 {
            let f = studentCDF(t, degreesOfFreedom: nu) - p
            if f > 0 { high = t } else { low = t }
            let logKernel: Double = -(nu + 1) / 2 * log1p(t * t / nu)
            let density = exp(logNormalizer + logKernel)
            var next = t - f / density
            if !(next > low && next < high) { next = (low + high) / 2 }
            if abs(next - t) <= 1e-14 * max(1, abs(t)) { return next }
            t = next
        }
        return t
    }

    /// I_x(a, b) by Lentz's continued fraction (Numerical Recipes' betacf), using the symmetry
    /// I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = logGamma(a + b) - logGamma(a) - logGamma(b)
        let logPowers: Double = a * log(x) + b * log1p(-x)
        let front = exp(logBeta + logPowers)
        if x < (a + 1) / (a + b + 2) { return front * betaFraction(x, a: a, b: b) / a }
        return 1 - front * betaFraction(1 - x, a: b, b: a) / b
    }

    /// ln Γ(x) for x > 0.
    static func logGamma(_ x: Double) -> Double { Foundation.lgamma(x) }

    private static func betaFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-16 { break }
        }
        return h
    }
}
