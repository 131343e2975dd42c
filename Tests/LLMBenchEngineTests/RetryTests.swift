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

    @Test func retriesRetryableFailuresUntilSuccessAndKeepsEveryAttempt() {
        let script = Script([(.rateLimited, 0), (.server, 0), nil])
        let attempts = Attempts.run(policy: RetryPolicy(maxAttempts: 5), redactor: redactor, call: script.next)
        #expect(script.calls == 3)
        #expect(attempts.log.map(\.status) == [.error, .error, .ok])
        #expect(attempts.log.map { $0.error?.kind } == [.rateLimited, .server, nil])
        #expect(attempts.log[0].error?.message == "failed: [REDACTED]")
    }

    @Test(arguments: [ErrorKind.invalidRequest, .auth, .notFound, .contentFilter, .malformedResponse])
    func neverRetriesFailuresThatWouldFailAgain(_ kind: ErrorKind) {
        let script = Script([(kind, 0), nil])
        let attempts = Attempts.run(policy: RetryPolicy(maxAttempts: 5), redactor: redactor, call: script.next)
        #expect(script.calls == 1)
        #expect(attempts.log.count == 1 && attempts.waitMs == 0)
    }

    @Test func stopsAtMaxAttempts() {
        let script = Script([(.network, 0)])
        let attempts = Attempts.run(policy: RetryPolicy(maxAttempts: 3), redactor: redactor, call: script.next)
        #expect(script.calls == 3)
        #expect(attempts.log.allSatisfy { $0.status == .error })
    }

    @Test func honoursRetryAfterAndCountsTheWaitApart() {
        let script = Script([(.rateLimited, 30), nil])
        let attempts = Attempts.run(policy: RetryPolicy(maxAttempts: 3, baseDelayMs: 60_000), redactor: redactor, call: script.next)
        #expect(attempts.log.count == 2)
        #expect(attempts.waitMs >= 30)
        #expect(attempts.waitMs < 60_000 / 2, "Retry-After must win over the back-off")
        #expect(attempts.log[1].waitBeforeMs == attempts.waitMs)
        #expect(attempts.log[0].waitBeforeMs == 0)
    }

    @Test func doesNotWaitPastTheDeadline() {
        let script = Script([(.rateLimited, 10_000), nil])
        let attempts = Attempts.run(policy: RetryPolicy(maxAttempts: 3, deadlineMs: 1_000), redactor: redactor, call: script.next)
        #expect(script.calls == 1)
        #expect(attempts.waitMs == 0)
        #expect(attempts.log[0].error?.message.contains("would pass the 1000 ms deadline") == true)
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
