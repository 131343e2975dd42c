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
    @Test(arguments: [(1, 12), (64, 128)])
    func measuredTimesAgreeWithTheServersClock(concurrency: Int, requests: Int) throws {
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
        let p50 = Statistics.percentile(sorted: ttft, 50)!, p99 = Statistics.percentile(sorted: ttft, 99)!
        let l99 = Statistics.percentile(sorted: latency, 99)!
        print("timing c=\(concurrency): ttft error p50 \(p50) ms, p99 \(p99) ms, min \(ttft.first!); latency error p99 \(l99) ms")
        #expect(ttft.first! > -0.5, "the client cannot see a token before the server writes it")
        let (p50Bound, p99Bound) = concurrency == 1 ? (2.0, 5.0) : (30.0, 80.0)
        #expect(p50 < p50Bound, "median TTFT error \(p50) ms")
        #expect(p99 < p99Bound, "p99 TTFT error \(p99) ms")
        #expect(l99 < p99Bound, "p99 latency error \(l99) ms")
    }
}
