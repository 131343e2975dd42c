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
        var error = outcome.failure
        if let message = error?.message { error?.message = redactor.redact(message) }
        let timing = CallTiming(outcome)
        job.log.append(AttemptRecord(
            status: error == nil ? .ok : .error, error: error, latencyMs: timing.latencyMs, ttftMs: error == nil ? timing.ttftMs : nil,
            waitBeforeMs: waitBefore, http: outcome.transport.requestStartNs == nil ? nil : outcome.transport.info))
        guard let error, !context.isCancelled else { return (error, nil) }
        let remainingMs = MonotonicClock.ms(from: job.lastEndNs, to: max(job.lastEndNs, job.deadlineNs))
        switch policy.next(after: error, attempts: job.log.count, remainingMs: remainingMs, unit: Double.random(in: 0..<1)) {
        case .retry(let afterMs): return (error, afterMs)
        case .stop: return (error, nil)
        case .pastDeadline(let waitMs):
            job.log[job.log.count - 1].error?.message += " (not retried: waiting \(Int(waitMs)) ms would pass the \(policy.deadlineMs) ms deadline)"
            return (error, nil)
        }
    }
}
