import Foundation
import LLMBenchCore

/// The times of one call (Docs/metrics.md). With the HTTP service: from the request handed to the
/// transport to the last byte; TTFT only for streamed requests. Without it (in-process providers):
/// from the call to its return.
struct CallTiming {
    var latencyMs: Double
    var ttftMs: Double?
    var ttfotMs: Double?

    init(_ outcome: CallOutcome) {
        let transport = outcome.transport
        let start = transport.requestStartNs ?? outcome.startNs
        let end = transport.requestStartNs == nil ? outcome.endNs : (transport.lastByteNs ?? outcome.endNs)
        latencyMs = MonotonicClock.ms(from: start, to: max(start, end))
        let measuresFirstToken = transport.requestStartNs == nil || transport.streamed
        ttftMs = measuresFirstToken ? outcome.firstContentNs.map { MonotonicClock.ms(from: start, to: max(start, $0)) } : nil
        ttfotMs = measuresFirstToken ? outcome.firstTextNs.map { MonotonicClock.ms(from: start, to: max(start, $0)) } : nil
    }
}

/// Tries a call until it succeeds, fails for good, runs out of attempts, or would pass the deadline.
/// Waits are measured and kept apart from every latency.
struct Attempts {
    var log: [AttemptRecord] = []
    var waitMs: Double = 0
    var final: CallOutcome

    static func run(policy: RetryPolicy, redactor: SecretRedactor, call: () -> CallOutcome) -> Attempts {
        let deadline = MonotonicClock.nowNs() + UInt64(policy.deadlineMs) * 1_000_000
        var waitBefore = 0.0
        var attempts = Attempts(final: CallOutcome())
        while true {
            let outcome = call()
            attempts.final = outcome
            var error = outcome.error
            if error == nil && outcome.status != 0 {
                error = RequestError(kind: ErrorKind(statusCode: outcome.status), message: "the plugin failed with status \(outcome.status)")
            }
            if var e = error {
                e.message = redactor.redact(e.message)
                if e.retryAfterMs == nil { e.retryAfterMs = outcome.transport.retryAfterMs }
                error = e
            }
            let timing = CallTiming(outcome)
            attempts.log.append(AttemptRecord(
                status: error == nil ? .ok : .error, error: error, latencyMs: timing.latencyMs, ttftMs: error == nil ? timing.ttftMs : nil,
                waitBeforeMs: waitBefore, http: outcome.transport.requestStartNs == nil ? nil : outcome.transport.info))
            guard let error, RetryPolicy.isRetryable(error.kind), attempts.log.count < policy.maxAttempts,
                  !RunCancellation.isCancelled else { return attempts }
            let planned = error.retryAfterMs.map(Double.init)
                ?? policy.backoffMs(afterAttempt: attempts.log.count, unit: Double.random(in: 0..<1))
            let now = MonotonicClock.nowNs()
            guard now + UInt64(planned * 1_000_000) < deadline else {
                attempts.log[attempts.log.count - 1].error?.message += " (not retried: waiting \(Int(planned)) ms would pass the \(policy.deadlineMs) ms deadline)"
                return attempts
            }
            waitBefore = pause(milliseconds: planned)
            attempts.waitMs += waitBefore
        }
    }

    /// Sleeps in slices so that a cancelled run stops waiting; returns the time actually waited.
    static func pause(milliseconds: Double) -> Double {
        let start = MonotonicClock.nowNs()
        let end = start + UInt64(max(0, milliseconds) * 1_000_000)
        while !RunCancellation.isCancelled {
            let now = MonotonicClock.nowNs()
            guard now < end else { break }
            let slice = min(end - now, 100_000_000)
            var spec = timespec(tv_sec: Int(slice / 1_000_000_000), tv_nsec: Int(slice % 1_000_000_000))
            var remaining = timespec()
            nanosleep(&spec, &remaining)
        }
        return MonotonicClock.ms(from: start, to: MonotonicClock.nowNs())
    }
}
