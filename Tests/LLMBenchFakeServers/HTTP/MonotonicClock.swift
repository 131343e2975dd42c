#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CLOCK_MONOTONIC in nanoseconds: the clock the server stamps its records with, so that a client
/// on the same machine reading the same clock can subtract its own times from the server's.
public enum MonotonicClock {
    public static func nowNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Sleeps until the clock reads `deadlineNs`; absolute deadlines keep a stream's schedule from
    /// drifting by the time spent writing.
    static func sleep(untilNs deadlineNs: UInt64) {
        while nowNs() < deadlineNs {
            var ts = timespec(tv_sec: Int(deadlineNs / 1_000_000_000), tv_nsec: Int(deadlineNs % 1_000_000_000))
            #if canImport(Glibc)
            _ = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil)
            #else
            let remaining = deadlineNs - nowNs()
            ts = timespec(tv_sec: Int(remaining / 1_000_000_000), tv_nsec: Int(remaining % 1_000_000_000))
            _ = nanosleep(&ts, nil)
            #endif
        }
    }
}
