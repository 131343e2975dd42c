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

/// The request stage: one attempt of a job, and whether another should follow. Waiting for the
/// next attempt is the scheduler's: this never sleeps.
enum RequestStage {
    /// Sends one attempt and records it on the job. Returns the attempt's error (nil on success)
    /// and, when the request should be tried again, after how long.
    static func attempt(_ job: Job, policy: RetryPolicy, redactor: SecretRedactor, context: RunContext,
                        call: () -> CallOutcome) -> (error: RequestError?, retryInMs: Double?)
    {
        let now = MonotonicClock.nowNs()
        var waitBefore = 0.0
        if job.log.isEmpty {
            job.startedAt = WallClock.nowUnix()
            job.deadlineNs = now + UInt64(policy.deadlineMs) * 1_000_000
        } else {
            // The whole gap since the last attempt: back-off, a Retry-After pause, a rate limit.
            waitBefore = MonotonicClock.ms(from: job.lastEndNs, to: now)
            job.waitMs += waitBefore
        }
        let outcome = call()
        job.final = outcome
        job.lastEndNs = MonotonicClock.nowNs()
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
        job.log.append(AttemptRecord(
            status: error == nil ? .ok : .error, error: error, latencyMs: timing.latencyMs, ttftMs: error == nil ? timing.ttftMs : nil,
            waitBeforeMs: waitBefore, http: outcome.transport.requestStartNs == nil ? nil : outcome.transport.info))
        guard let error, RetryPolicy.isRetryable(error.kind), !context.isCancelled else { return (error, nil) }
        let maxAttempts = error.kind == .rateLimited ? max(policy.maxAttempts, policy.rateLimitedMaxAttempts) : policy.maxAttempts
        guard job.log.count < maxAttempts else { return (error, nil) }
        let planned = error.retryAfterMs.map(Double.init) ?? policy.backoffMs(afterAttempt: job.log.count, unit: Double.random(in: 0..<1))
        guard job.lastEndNs + UInt64(planned * 1_000_000) < job.deadlineNs else {
            job.log[job.log.count - 1].error?.message += " (not retried: waiting \(Int(planned)) ms would pass the \(policy.deadlineMs) ms deadline)"
            return (error, nil)
        }
        return (error, planned)
    }
}
