import LLMBenchCore
import Testing

@testable import LLMBenchEngine

/// The rate limiter's arithmetic, on a clock the test moves.
struct TokenBucketTests {
    @Test func requestsPerMinuteAreEvenlySpacedWithNoBurst() {
        var bucket = TokenBucket(ratePerMinute: 600, capacity: 1, nowNs: 0)
        #expect(bucket.waitNs(for: 1, nowNs: 0) == 0)
        bucket.take(1, nowNs: 0)
        let wait = bucket.waitNs(for: 1, nowNs: 0)
        #expect(wait > 99_000_000 && wait <= 100_000_002, "600 a minute: one every 100 ms")
        #expect(bucket.waitNs(for: 1, nowNs: 50_000_000) > 49_000_000)
        #expect(bucket.waitNs(for: 1, nowNs: 100_000_001) == 0)
        // Idle for a minute saves up one request, not 600.
        bucket.take(1, nowNs: 100_000_001)
        #expect(bucket.waitNs(for: 1, nowNs: 60_000_000_000) == 0)
        bucket.take(1, nowNs: 60_000_000_000)
        #expect(bucket.waitNs(for: 1, nowNs: 60_000_000_000) > 0)
    }

    @Test func aRequestLargerThanTheCapacityGoesWhenFullAndLeavesADebt() {
        // 6,000 tokens a minute: 100 a second saved up at most.
        var bucket = TokenBucket(ratePerMinute: 6_000, capacity: 100, nowNs: 0)
        #expect(bucket.waitNs(for: 500, nowNs: 0) == 0, "never refused for ever")
        bucket.take(500, nowNs: 0)
        // 400 tokens of debt plus 10 for the next: 4.1 s at 100 a second.
        let wait = bucket.waitNs(for: 10, nowNs: 0)
        #expect(wait > 4_099_000_000 && wait < 4_101_000_000)
        // The request used 200 tokens, not 500: the 300 come back.
        bucket.settle(300)
        #expect(bucket.waitNs(for: 10, nowNs: 0) > 1_099_000_000 && bucket.waitNs(for: 10, nowNs: 0) < 1_101_000_000)
    }
}

/// The budget's estimate and the token counts read one output bound, whatever the plugin calls it.
struct OutputLimitTests {
    @Test func everySpellingBoundsBothTheEstimateAndTheCount() {
        let test = TestCase(name: "t", messages: [Message(role: "user", content: "q")])
        for name in TokenCounts.outputLimitOptions {
            let provider = ProviderConfig(id: "p", plugin: "x", model: "m", options: [name: 7])
            #expect(RequestEstimate(test: test, provider: provider, price: nil).outputBound == 7, "\(name)")
            #expect(TokenCounts.Request(test: test, provider: provider, pluginStreams: true).maxTokens == 7, "\(name)")
        }
        let none = ProviderConfig(id: "p", plugin: "x", model: "m", options: ["max_tokens": 0])
        #expect(RequestEstimate(test: test, provider: none, price: nil).outputBound == RequestEstimate.defaultOutputBound)
    }
}
