import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// The inference statistics against scipy and statsmodels themselves: Tests/Fixtures/statistics
/// (cases.json, made by generate.py beside it, which names the versions), to 1e-9.
struct InferenceTests {
    static let cases: JSONValue = {
        let text = try! String(contentsOfFile: TestPaths.repo("Tests/Fixtures/statistics/cases.json"), encoding: .utf8)
        return try! JSONValue.parse(text)
    }()

    static func close(_ a: Double, _ b: Double, tolerance: Double = 1e-9) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test func wilsonIntervalsAreScipys() throws {
        let cases = try #require(Self.cases["wilson"]?.arrayValue)
        #expect(cases.count >= 100)
        for c in cases {
            let k = c["k"]!.intValue!, n = c["n"]!.intValue!, confidence = c["confidence"]!.doubleValue!
            let interval = try #require(Inference.wilson(successes: k, trials: n, confidence: confidence))
            #expect(Self.close(interval.lower, c["lower"]!.doubleValue!) && Self.close(interval.upper, c["upper"]!.doubleValue!),
                    "k=\(k) n=\(n) \(confidence): \(interval) vs \(c["lower"]!), \(c["upper"]!)")
        }
        #expect(Inference.wilson(successes: 0, trials: 0) == nil)
    }

    @Test func meanIntervalsAreScipysStudentT() throws {
        let cases = try #require(Self.cases["mean_intervals"]?.arrayValue)
        for c in cases {
            let values = c["values"]!.arrayValue!.map { $0.doubleValue! }
            let result = try #require(Inference.meanInterval(values, confidence: c["confidence"]!.doubleValue!))
            #expect(Self.close(result.mean, c["mean"]!.doubleValue!))
            #expect(Self.close(result.interval.lower, c["lower"]!.doubleValue!) && Self.close(result.interval.upper, c["upper"]!.doubleValue!),
                    "n=\(values.count): \(result.interval) vs \(c["lower"]!), \(c["upper"]!)")
        }
        #expect(Inference.meanInterval([0.5]) == nil, "one value has no interval")
        #expect(Inference.meanInterval([1, 1, 1])?.interval == Inference.Interval(lower: 1, upper: 1))
    }

    @Test func quantilesAndCDFsAreScipys() throws {
        for c in try #require(Self.cases["normal_quantiles"]?.arrayValue) {
            let p = c["p"]!.doubleValue!
            #expect(Self.close(Inference.normalQuantile(p), c["x"]!.doubleValue!, tolerance: 1e-12), "p=\(p)")
        }
        for c in try #require(Self.cases["t_quantiles"]?.arrayValue) {
            let p = c["p"]!.doubleValue!, df = c["df"]!.doubleValue!
            #expect(Self.close(Inference.studentQuantile(p, degreesOfFreedom: df), c["x"]!.doubleValue!), "p=\(p) df=\(df)")
        }
        for c in try #require(Self.cases["t_cdf"]?.arrayValue) {
            let t = c["t"]!.doubleValue!, df = c["df"]!.doubleValue!
            #expect(Self.close(Inference.studentCDF(t, degreesOfFreedom: df), c["p"]!.doubleValue!, tolerance: 1e-11), "t=\(t) df=\(df)")
        }
    }

    @Test func mcnemarIsStatsmodelsExactBelow25DiscordantPairs() throws {
        let cases = try #require(Self.cases["mcnemar"]?.arrayValue)
        #expect(cases.contains { $0["exact"] == true } && cases.contains { $0["exact"] == false })
        for c in cases {
            let a = c["only_a"]!.intValue!, b = c["only_b"]!.intValue!
            let result = Inference.mcnemar(onlyA: a, onlyB: b)
            #expect(result.exact == (c["exact"] == true))
            #expect(Self.close(result.pValue, c["p"]!.doubleValue!), "b=\(a) c=\(b): \(result.pValue) vs \(c["p"]!)")
        }
    }

    /// The bootstrap as specified (SplitMix64 draws, numpy's percentile, the shift-method p),
    /// against generate.py's own run of that specification.
    @Test func pairedBootstrapFollowsItsSpecification() throws {
        let cases = try #require(Self.cases["paired_bootstrap"]?.arrayValue)
        #expect(cases.count >= 10)
        for c in cases {
            let a = c["a"]!.arrayValue!.map { $0.doubleValue! }, b = c["b"]!.arrayValue!.map { $0.doubleValue! }
            let result = try #require(Inference.pairedBootstrap(a, b, resamples: c["resamples"]!.intValue!,
                                                                seed: UInt64(c["seed"]!.intValue!), confidence: c["confidence"]!.doubleValue!))
            #expect(Self.close(result.difference, c["difference"]!.doubleValue!))
            #expect(Self.close(result.interval.lower, c["lower"]!.doubleValue!) && Self.close(result.interval.upper, c["upper"]!.doubleValue!),
                    "n=\(a.count): \(result.interval) vs \(c["lower"]!), \(c["upper"]!)")
            #expect(Self.close(result.pValue, c["p"]!.doubleValue!))
        }
    }

    @Test func aBootstrapOfIdenticalSamplesFindsNoDifference() throws {
        let values = (0..<30).map { Double($0 % 7) / 7 }
        let result = try #require(Inference.pairedBootstrap(values, values))
        #expect(result.difference == 0 && result.interval == Inference.Interval(lower: 0, upper: 0) && result.pValue == 1)
        #expect(Inference.pairedBootstrap([], []) == nil)
        // A clear improvement on every item: the interval excludes 0 and p is at its floor.
        let better = values.map { $0 + 0.2 }
        let clear = try #require(Inference.pairedBootstrap(values, better, resamples: 999))
        #expect(clear.interval.lower > 0.19 && clear.pValue == 1.0 / 1000)
    }

    @Test func pairedTTestIsScipys() throws {
        let cases = try #require(Self.cases["paired_t"]?.arrayValue)
        #expect(cases.count >= 5)
        for c in cases {
            let a = c["a"]!.arrayValue!.map { $0.doubleValue! }, b = c["b"]!.arrayValue!.map { $0.doubleValue! }
            let result = try #require(Inference.pairedTTest(a, b))
            #expect(Self.close(result.difference, c["difference"]!.doubleValue!))
            #expect(Self.close(result.interval.lower, c["lower"]!.doubleValue!) && Self.close(result.interval.upper, c["upper"]!.doubleValue!))
            #expect(Self.close(result.pValue, c["p"]!.doubleValue!), "n=\(a.count): \(result.pValue) vs \(c["p"]!)")
        }
        #expect(Inference.pairedTTest([1], [2]) == nil)
    }
}
