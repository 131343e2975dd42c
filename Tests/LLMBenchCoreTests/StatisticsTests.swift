import LLMBenchCore
import Testing

struct StatisticsTests {
    /// Type-7 percentiles follow from the definition: h = (n-1)p/100, interpolate x[floor h], x[floor h + 1].
    @Test func percentilesInterpolateBetweenClosestRanks() {
        let sorted: [Double] = [10, 20, 30, 40]
        #expect(Statistics.percentile(sorted: sorted, 0) == 10)
        #expect(Statistics.percentile(sorted: sorted, 100) == 40)
        #expect(Statistics.percentile(sorted: sorted, 50) == 25)       // h = 1.5
        #expect(abs(Statistics.percentile(sorted: sorted, 95)! - 38.5) < 1e-9) // h = 2.85
        #expect(Statistics.percentile(sorted: [7], 99) == 7)
        #expect(Statistics.percentile(sorted: [], 50) == nil)
    }

    @Test func summariesLeaveFailedRequestsOutOfLatencyAndCountThemAsErrors() {
        let ok = BenchResult(test: "a", category: "x", provider: "p", plugin: "mock", model: "m", repeatIndex: 0, status: .ok,
                             latencyMs: 100, usage: Usage(inputTokens: 10, outputTokens: 5), costUSD: 0.5, quality: 1, passed: true)
        var slow = ok
        slow.test = "b"; slow.category = "y"; slow.latencyMs = 300; slow.passed = false; slow.quality = 0
        let failed = BenchResult(test: "c", category: "x", provider: "p", plugin: "mock", model: "m", repeatIndex: 0, status: .error,
                                 error: RequestError(kind: .server, message: "boom"), latencyMs: 99_999)
        let summary = Summarizer.summarize([ok, slow, failed])
        let overall = summary.first { $0.category == nil }!
        #expect(overall.n == 3)
        #expect(overall.errors == 1)
        #expect(overall.latencyMs?.p50 == 200)
        #expect(overall.latencyMs?.mean == 200)
        #expect(overall.qualityMean == 0.5)
        #expect(overall.costTotalUSD == 1.0)
        #expect(overall.costPerPassUSD == 1.0)
        #expect(abs(overall.passRate - 1.0 / 3) < 1e-12)
        #expect(summary.filter { $0.category != nil }.map(\.category) == ["x", "y"])
    }

    @Test func costPerPassIsUnknownWhenAnyResultHasNoPrice() {
        let priced = BenchResult(test: "a", category: "x", provider: "p", plugin: "mock", model: "m", repeatIndex: 0, status: .ok,
                                 usage: Usage(inputTokens: 1, outputTokens: 1), costUSD: 0.1, passed: true)
        var unpriced = priced
        unpriced.costUSD = nil
        let overall = Summarizer.summarize([priced, unpriced]).first!
        #expect(overall.unpriced == 1)
        #expect(overall.costPerPassUSD == nil)
    }
}

struct CachedResultStatisticsTests {
    @Test func aCachedAnswerCountsForQualityButNotForLatencyOrCost() {
        var measured = BenchResult(test: "t", category: "c", provider: "p", plugin: "x", model: "m", repeatIndex: 0, status: .ok,
                                   latencyMs: 10, ttftMs: 2, usage: Usage(inputTokens: 1, outputTokens: 1), costUSD: 0.5, quality: 1, passed: true)
        measured.scores = []
        var cached = measured
        cached.repeatIndex = 1
        cached.latencyMs = 1_000
        cached.ttftMs = 900
        cached.costUSD = 0
        cached.quality = 0
        cached.passed = false
        cached.cached = true
        let overall = Summarizer.summarize([measured, cached])[0]
        #expect(overall.n == 2 && overall.passed == 1 && overall.qualityMean == 0.5)
        #expect(overall.latencyMs?.mean == 10 && overall.ttftMs?.p99 == 2, "the cached answer's times were measured in another run")
        #expect(overall.costMeanUSD == 0.5 && overall.costTotalUSD == 0.5 && overall.unpriced == 0)
        #expect(overall.cached == 1)
        #expect(overall.json["cached"] == 1)
    }
}
