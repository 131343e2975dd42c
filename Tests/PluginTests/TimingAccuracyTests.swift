import Foundation
import LLMBenchCore
import LLMBenchFakeServers
import Testing

/// Measured TTFT and latency against the fake server's own timestamps (the same CLOCK_MONOTONIC):
/// server TTFT = first content written − request's first byte read; server latency = last byte
/// written − request's first byte read. The client's figures also hold connecting, sending and the
/// wait for a CPU, so they are a little larger, never smaller. Alone, they agree within a few
/// milliseconds. At 64 streams the client and the server share two cores and start their requests
/// in waves: the difference then is mostly CPU queueing on both sides (the engine's own stamping
/// stays under a millisecond: ChunkStampAccuracyTests), so the bound there only rules out stamping
/// at the wrong event (a chunk gap is 10 ms, the whole answer 680 ms). scripts/test.sh runs these
/// suites on their own, after the others, so that other tests do not load the machine.
@Suite(.serialized)
struct TimingAccuracyTests {
    /// An accuracy is what the engine achieves when nothing else takes the CPU; another process
    /// (CI's neighbour, a busy loop) can stall any single measurement, so each is tried up to three
    /// times and the best attempt must meet the bounds. Causality must hold in every attempt.
    static let attempts = 3

    struct Errors: CustomStringConvertible {
        var ttftP50: Double, ttftP99: Double, ttftMin: Double, latencyP99: Double
        var description: String { "ttft error p50 \(ttftP50) ms, p99 \(ttftP99) ms, min \(ttftMin); latency error p99 \(latencyP99) ms" }
    }

    @Test(arguments: [(1, 12), (64, 128)])
    func measuredTimesAgreeWithTheServersClock(concurrency: Int, requests: Int) throws {
        let (p50Bound, p99Bound) = concurrency == 1 ? (2.0, 5.0) : (30.0, 80.0)
        var tries: [Errors] = []
        for _ in 0..<Self.attempts {
            let errors = try Self.measure(concurrency: concurrency, requests: requests)
            print("timing c=\(concurrency): \(errors)")
            #expect(errors.ttftMin > -0.5, "the client cannot see a token before the server writes it")
            tries.append(errors)
            if errors.ttftP50 < p50Bound && errors.ttftP99 < p99Bound && errors.latencyP99 < p99Bound { return }
        }
        Issue.record("no attempt of \(Self.attempts) within p50 < \(p50Bound) ms and p99 < \(p99Bound) ms: \(tries)")
    }

    static func measure(concurrency: Int, requests: Int) throws -> Errors {
        let server = try FakeProviderServer(api: .openai)
        var yaml = """
            version: 1
            name: timing
            providers:
              - {id: p, plugin: openai, model: "fake;ttft=50;gap=10;chunks=8", base_url: "\(server.baseURL)"}
            tests:

            """
        for i in 0..<requests { yaml += "  - {name: t\(i), prompt: \"timing probe \(i)\"}\n" }
        let (outcome, _, _) = try runSuite(yaml, concurrency: concurrency)
        #expect(outcome.results.count == requests)
        var ttftErrors: [Double] = [], latencyErrors: [Double] = []
        for (i, result) in outcome.results.enumerated() {
            #expect(result.status == .ok, "\(String(describing: result.error))")
            let record = try #require(server.record(forPrompt: "timing probe \(i)"))
            let serverTTFT = Double(try #require(record.firstContentNs) - record.requestStartNs) / 1e6
            let serverLatency = Double(try #require(record.lastBodyByteNs) - record.requestStartNs) / 1e6
            ttftErrors.append(try #require(result.ttftMs) - serverTTFT)
            latencyErrors.append(try #require(result.latencyMs) - serverLatency)
        }
        let ttft = ttftErrors.sorted(), latency = latencyErrors.sorted()
        return Errors(ttftP50: Statistics.percentile(sorted: ttft, 50)!, ttftP99: Statistics.percentile(sorted: ttft, 99)!,
                      ttftMin: ttft.first!, latencyP99: Statistics.percentile(sorted: latency, 99)!)
    }
}
