import Foundation
import LLMBenchCore

/// What the engine's HTTP service saw during one plugin call, stamped on the monotonic clock.
package struct TransportRecord: Sendable {
    package var requestStartNs: UInt64?
    package var firstByteNs: UInt64?
    package var lastByteNs: UInt64?
    /// Arrival of each body chunk, the first `ResponseLimits.chunkStamps` of them.
    package var chunkNs: [UInt64] = []
    /// Body chunks received, stamped or not.
    package var chunks = 0
    package var streamed = false
    package var status: Int?
    package var httpVersion: Int?
    package var reusedConnection: Bool?
    package var bytesIn = 0
    package var bytesOut = 0
    /// From a Retry-After header (seconds or HTTP date), in ms.
    package var retryAfterMs: Int?

    package var info: HTTPInfo {
        HTTPInfo(status: status, version: httpVersion, reusedConnection: reusedConnection, bytesIn: bytesIn, bytesOut: bytesOut,
                 chunks: chunks)
    }

    /// Records a body chunk's arrival; past `ResponseLimits.chunkStamps` it is only counted.
    package mutating func stampChunk(_ ns: UInt64) {
        chunks += 1
        if chunkNs.count < ResponseLimits.chunkStamps { chunkNs.append(ns) }
    }

    package var chunkGapsMs: [Double] {
        guard chunkNs.count > 1 else { return [] }
        return (1..<chunkNs.count).map { MonotonicClock.ms(from: chunkNs[$0 - 1], to: chunkNs[$0]) }
    }
}

/// Retry-After: delta-seconds or an HTTP-date (RFC 9110 §10.2.3), as milliseconds from now.
package enum RetryAfter {
    package static func milliseconds(_ value: String, nowUnix: Double) -> Int? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds >= 0, seconds.isFinite { return Int((seconds * 1000).rounded()) }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        return max(0, Int(((date - nowUnix) * 1000).rounded()))
    }
}

/// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the form HTTP senders must use.
package enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    package static func parse(_ text: String) -> Double? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let monthIndex = months.firstIndex(of: String(parts[2])),
              let year = Int(parts[3]) else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        let days = daysFromCivil(year: year, month: monthIndex + 1, day: day)
        return Double(days * 86400 + clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
