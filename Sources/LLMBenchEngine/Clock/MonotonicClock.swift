#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The engine's one clock for timings: monotonic, in nanoseconds. Never the wall clock.
package enum MonotonicClock {
    @inline(__always)
    package static func nowNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Milliseconds to the microsecond: finer digits would be noise, and they cost storage.
    package static func ms(from start: UInt64, to end: UInt64) -> Double { Double((end &- start) / 1_000) / 1_000 }
}

/// Wall-clock time for labels (run start, result start): Unix seconds.
public enum WallClock {
    public static func nowUnix() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
