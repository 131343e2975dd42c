import Foundation
import LLMBenchCore
import Testing

@testable import LLMBenchEngine

struct RetryTests {
    /// A scripted sequence of call outcomes: each failing one carries its kind and an optional retry-after.
    final class Script: @unchecked Sendable {
        var outcomes: [CallOutcome]
        var calls = 0
        init(_ errors: [(ErrorKind, Int?)?]) {
            outcomes = errors.map { spec in
                var outcome = CallOutcome()
                if let (kind, retryAfter) = spec {
                    outcome.status = 1
                    outcome.error = RequestError(kind: kind, message: "failed: sk-secret-value", retryAfterMs: retryAfter)
                }
                return outcome
            }
        }
        func next() -> CallOutcome {
            defer { calls += 1 }
            return outcomes[min(calls, outcomes.count - 1)]
        }
    }

    let redactor = SecretRedactor(secrets: ["sk-secret-value"])

    /// Drives one job through the request stage as the scheduler would, without waiting: each
    /// planned delay is recorded and the job's clock moved back by it, as if the wait had passed.
    func drive(_ script: Script, policy: RetryPolicy, context: RunContext = RunContext()) -> (job: Job, delaysMs: [Double]) {
        let job = Job(item: Plan.Item(test: 0, provider: 0, repeatIndex: 0, sequence: 0),
                      key: ItemKey(test: "t", provider: "p", repeatIndex: 0),
                      estimate: RequestEstimate(test: TestCase(name: "t", messages: []), provider: ProviderConfig(id: "p", plugin: "x", model: "m"), price: nil))
        var delays: [Double] = []
        while true {
            let (_, retryInMs) = RequestStage.attempt(job, policy: policy, redactor: redactor, context: context, call: script.next)
            guard let retryInMs else { return (job, delays) }
            delays.append(retryInMs)
            job.lastEndNs -= UInt64(retryInMs * 1_000_000)
        }
    }

    @Test func retriesRetryableFailuresUntilSuccessAndKeepsEveryAttempt() {
        let script = Script([(.rateLimited, 0), (.server, 0), nil])
        let (job, _) = drive(script, policy: RetryPolicy(maxAttempts: 5))
        #expect(script.calls == 3)
        #expect(job.log.map(\.status) == [.error, .error, .ok])
        #expect(job.log.map { $0.error?.kind } == [.rateLimited, .server, nil])
        #expect(job.log[0].error?.message == "failed: [REDACTED]")
    }

    @Test(arguments: [ErrorKind.invalidRequest, .auth, .notFound, .contentFilter, .malformedResponse])
    func neverRetriesFailuresThatWouldFailAgain(_ kind: ErrorKind) {
        let script = Script([(kind, 0), nil])
        let (job, delays) = drive(script, policy: RetryPolicy(maxAttempts: 5))
        #expect(script.calls == 1)
        #expect(job.log.count == 1 && job.waitMs == 0 && delays.isEmpty)
    }

    @Test func stopsAtMaxAttempts() {
        let script = Script([(.network, 0)])
        let (job, _) = drive(script, policy: RetryPolicy(maxAttempts: 3))
        #expect(script.calls == 3)
        #expect(job.log.allSatisfy { $0.status == .error })
    }

    @Test func aRequestRefusedWith429KeepsItsTurnPastMaxAttemptsWithinTheDeadline() {
        let script = Script(Array(repeating: (.rateLimited, 5), count: 7) + [nil])
        let (job, delays) = drive(script, policy: RetryPolicy(maxAttempts: 3))
        #expect(script.calls == 8, "a rate limit is waited out rather than failed")
        #expect(job.log.last?.status == .ok)
        #expect(delays == Array(repeating: 5, count: 7))
        let endless = Script([(.rateLimited, 5)])
        let (capped, _) = drive(endless, policy: RetryPolicy(maxAttempts: 3))
        #expect(capped.log.count == RetryPolicy().rateLimitedMaxAttempts, "but not for ever")
        let (asked, _) = drive(Script([(.rateLimited, 5)]), policy: RetryPolicy(maxAttempts: 2, rateLimitedMaxAttempts: 2))
        #expect(asked.log.count == 2, "the suite may ask for fewer")
    }

    @Test func honoursRetryAfterAndCountsTheWaitApart() {
        let script = Script([(.rateLimited, 30), nil])
        let (job, delays) = drive(script, policy: RetryPolicy(maxAttempts: 3, baseDelayMs: 60_000))
        #expect(job.log.count == 2)
        #expect(delays == [30], "Retry-After must win over the back-off")
        #expect(job.waitMs >= 30)
        #expect(job.log[1].waitBeforeMs == job.waitMs)
        #expect(job.log[0].waitBeforeMs == 0)
        #expect(job.log[1].latencyMs ?? 0 < 30, "the wait is never part of a latency")
    }

    @Test func doesNotWaitPastTheDeadline() {
        let script = Script([(.rateLimited, 10_000), nil])
        let (job, _) = drive(script, policy: RetryPolicy(maxAttempts: 3, deadlineMs: 1_000))
        #expect(script.calls == 1)
        #expect(job.waitMs == 0)
        #expect(job.log[0].error?.message.contains("would pass the 1000 ms deadline") == true)
    }

    @Test func aCancelledRunPlansNoRetry() {
        let context = RunContext()
        context.cancel()
        let script = Script([(.server, 0), nil])
        let (job, delays) = drive(script, policy: RetryPolicy(maxAttempts: 5), context: context)
        #expect(script.calls == 1 && delays.isEmpty && job.log.count == 1)
    }

    @Test func backoffGrowsExponentiallyWithinItsJitterBandAndItsCap() {
        let policy = RetryPolicy(baseDelayMs: 100, maxDelayMs: 1_000)
        for (attempt, full) in [(1, 100.0), (2, 200), (3, 400), (4, 800), (5, 1_000), (9, 1_000)] {
            #expect(policy.backoffMs(afterAttempt: attempt, unit: 0) == full / 2)
            #expect(policy.backoffMs(afterAttempt: attempt, unit: 0.999_999) <= full)
            #expect(policy.backoffMs(afterAttempt: attempt, unit: 0.999_999) > full * 0.99)
        }
    }

    @Test func readsRetryAfterAsSecondsOrAnHTTPDate() {
        #expect(RetryAfter.milliseconds("2", nowUnix: 0) == 2_000)
        #expect(RetryAfter.milliseconds(" 0.5 ", nowUnix: 0) == 500)
        // 1994-11-06T08:49:37Z is Unix 784111777.
        #expect(RetryAfter.milliseconds("Sun, 06 Nov 1994 08:49:37 GMT", nowUnix: 784_111_770) == 7_000)
        #expect(RetryAfter.milliseconds("Sun, 06 Nov 1994 08:49:37 GMT", nowUnix: 784_111_800) == 0)
        #expect(RetryAfter.milliseconds("soon", nowUnix: 0) == nil)
        #expect(RetryAfter.milliseconds("-3", nowUnix: 0) == nil)
    }

    @Test func timingUsesTheTransportAndLeavesTTFTOutWhenNotStreamed() {
        var outcome = CallOutcome()
        outcome.startNs = 1_000_000
        outcome.endNs = 90_000_000
        outcome.firstContentNs = 40_000_000
        outcome.transport.requestStartNs = 2_000_000
        outcome.transport.lastByteNs = 80_000_000
        outcome.transport.streamed = true
        var timing = CallTiming(outcome)
        #expect(timing.latencyMs == 78)
        #expect(timing.ttftMs == 38)
        outcome.transport.streamed = false
        timing = CallTiming(outcome)
        #expect(timing.ttftMs == nil)
        #expect(timing.latencyMs == 78)
    }
}
