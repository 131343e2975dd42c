/// How long the engine waits for each part of a request (Docs/metrics.md "Timeouts").
public struct TransportTimeouts: Sendable, Equatable {
    public var connectMs: Int
    /// Request sent → first byte of the response.
    public var firstByteMs: Int
    /// Longest silence between two chunks of a streamed body.
    public var idleMs: Int
    /// The whole request, first byte of the request to last byte of the response.
    public var totalMs: Int

    public init(connectMs: Int = 10_000, firstByteMs: Int = 120_000, idleMs: Int = 60_000, totalMs: Int = 600_000) {
        self.connectMs = connectMs
        self.firstByteMs = firstByteMs
        self.idleMs = idleMs
        self.totalMs = totalMs
    }
}

/// When the engine tries a request again: failures classed rate_limited, server, timeout or network,
/// up to `maxAttempts` (`rateLimitedMaxAttempts` for 429s), with exponential back-off and jitter, or the wait the provider asked for,
/// never past `deadlineMs` from the first attempt.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    /// Attempts a request refused with 429 may take: under a tight limit a request waits its turn
    /// rather than fails (the larger of this and `maxAttempts` applies; the deadline still holds).
    public var rateLimitedMaxAttempts: Int
    public var baseDelayMs: Int
    public var maxDelayMs: Int
    public var deadlineMs: Int

    public init(maxAttempts: Int = 3, rateLimitedMaxAttempts: Int = 20, baseDelayMs: Int = 1_000, maxDelayMs: Int = 30_000,
                deadlineMs: Int = 900_000)
    {
        self.maxAttempts = maxAttempts
        self.rateLimitedMaxAttempts = rateLimitedMaxAttempts
        self.baseDelayMs = baseDelayMs
        self.maxDelayMs = maxDelayMs
        self.deadlineMs = deadlineMs
    }

    public static func isRetryable(_ kind: ErrorKind) -> Bool {
        kind == .rateLimited || kind == .server || kind == .timeout || kind == .network
    }

    /// What follows a failed attempt.
    public enum Next: Sendable, Equatable {
        /// Try again after this many ms.
        case retry(afterMs: Double)
        /// Not retried: the failure would fail again, or the attempts are spent.
        case stop
        /// Not retried: the wait (this many ms) would pass the deadline.
        case pastDeadline(waitMs: Double)
    }

    /// The one retry rule of the run and of the provider service: after `attempts` attempts ending
    /// in `error`, with `remainingMs` left before the deadline. A Retry-After wins over the back-off;
    /// `unit` in [0, 1) draws its jitter.
    public func next(after error: RequestError, attempts: Int, remainingMs: Double, unit: Double) -> Next {
        guard Self.isRetryable(error.kind) else { return .stop }
        guard attempts < (error.kind == .rateLimited ? max(maxAttempts, rateLimitedMaxAttempts) : maxAttempts) else { return .stop }
        let waitMs = error.retryAfterMs.map(Double.init) ?? backoffMs(afterAttempt: attempts, unit: unit)
        return waitMs < remainingMs ? .retry(afterMs: waitMs) : .pastDeadline(waitMs: waitMs)
    }

    /// The back-off before attempt `attempt + 1` (attempt counts from 1): "equal jitter", a uniform
    /// draw in [d/2, d] with d = min(max, base · 2^(attempt−1)), so waits spread but never collapse to 0.
    public func backoffMs(afterAttempt attempt: Int, unit: Double) -> Double {
        let exponential = Double(baseDelayMs) * Double(1 << min(max(attempt - 1, 0), 30))
        let d = min(Double(maxDelayMs), exponential)
        return d / 2 + unit * d / 2
    }
}
