import Foundation

/// How long a provider asked a client to wait, read from the forms providers use: `Retry-After`
/// (seconds or an HTTP-date, RFC 9110 §10.2.3), `retry-after-ms`, duration strings ("13s", "6m0s",
/// "20ms", as in OpenAI's `x-ratelimit-reset-*` headers and Google's `RetryInfo.retryDelay`), and
/// RFC 3339 reset times (Anthropic's `anthropic-ratelimit-*-reset`). Every result is in whole
/// milliseconds, rounded up, never negative; nil when the text does not parse.
public enum RetryDelay {
    /// `Retry-After`: delay-seconds (a decimal point is tolerated) or an HTTP-date.
    public static func retryAfter(_ value: String, nowUnix: Double = Date().timeIntervalSince1970) -> Int64? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds.isFinite { return milliseconds(seconds * 1000) }
        guard let date = httpDate(text) else { return nil }
        return milliseconds((date - nowUnix) * 1000)
    }

    /// The headers every provider may send: `retry-after-ms` (OpenAI, Azure), then `Retry-After`.
    public static func fromHeaders(_ head: HTTPResponseHead, nowUnix: Double = Date().timeIntervalSince1970) -> Int64? {
        if let ms = head.header("retry-after-ms").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }), ms.isFinite {
            return milliseconds(ms)
        }
        return head.header("retry-after").flatMap { retryAfter($0, nowUnix: nowUnix) }
    }

    /// A provider's rate-limit reset headers, given as (remaining header, reset header) pairs: the
    /// longest wait among the limits that are used up (remaining 0), else the first reset present.
    public static func fromResetHeaders(_ head: HTTPResponseHead, _ pairs: [(remaining: String, reset: String)],
                                        parse: (String) -> Int64?) -> Int64?
    {
        var exhausted: Int64?
        var first: Int64?
        for pair in pairs {
            guard let reset = head.header(pair.reset).flatMap(parse) else { continue }
            if first == nil { first = reset }
            if head.header(pair.remaining)?.trimmingCharacters(in: .whitespaces) == "0" { exhausted = max(exhausted ?? 0, reset) }
        }
        return exhausted ?? first
    }

    /// A duration string: a sequence of decimal numbers each with a unit (h, m, s, ms, us or µs,
    /// ns), like Go's `time.Duration` ("6m0s", "1h2m", "20ms") and protobuf's JSON Duration ("13s",
    /// "0.5s"). A bare number is seconds.
    public static func duration(_ value: String) -> Int64? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds.isFinite { return milliseconds(seconds * 1000) }
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var totalMs = 0.0
        var parts = 0
        while i < scalars.count {
            let start = i
            while i < scalars.count, scalars[i] == "." || ("0"..."9").contains(scalars[i]) { i += 1 }
            guard i > start, let number = Double(String(String.UnicodeScalarView(scalars[start..<i]))) else { return nil }
            let unitStart = i
            while i < scalars.count, !(scalars[i] == "." || ("0"..."9").contains(scalars[i])) { i += 1 }
            let unit = String(String.UnicodeScalarView(scalars[unitStart..<i]))
            let scale: Double
            switch unit {
            case "h": scale = 3_600_000
            case "m": scale = 60_000
            case "s": scale = 1000
            case "ms": scale = 1
            case "us", "µs", "μs": scale = 0.001
            case "ns": scale = 0.000_001
            default: return nil
            }
            totalMs += number * scale
            parts += 1
        }
        return parts > 0 ? milliseconds(totalMs) : nil
    }

    /// The wait until an RFC 3339 time ("2025-01-01T00:00:30Z", "…30.25+01:00").
    public static func until(rfc3339 value: String, nowUnix: Double = Date().timeIntervalSince1970) -> Int64? {
        rfc3339(value).map { milliseconds(($0 - nowUnix) * 1000) }
    }

    /// Seconds since 1970 for an RFC 3339 date-time.
    public static func rfc3339(_ value: String) -> Double? {
        let s = Array(value.trimmingCharacters(in: .whitespaces).utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= s.count else { return nil }
            var n = 0
            for c in s[at..<at + count] {
                guard c >= 0x30 && c <= 0x39 else { return nil }
                n = n * 10 + Int(c - 0x30)
            }
            return n
        }
        guard s.count >= 20, let year = digits(0, 4), s[4] == UInt8(ascii: "-"), let month = digits(5, 2), s[7] == UInt8(ascii: "-"),
              let day = digits(8, 2), s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: "t") || s[10] == UInt8(ascii: " "),
              let hour = digits(11, 2), s[13] == UInt8(ascii: ":"), let minute = digits(14, 2), s[16] == UInt8(ascii: ":"),
              let second = digits(17, 2), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < s.count, s[i] >= 0x30 && s[i] <= 0x39 {
                fraction += Double(s[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < s.count else { return nil }
        var offset = 0
        if s[i] == UInt8(ascii: "Z") || s[i] == UInt8(ascii: "z") {
            i += 1
        } else if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
            guard let oh = digits(i + 1, 2), i + 3 < s.count, s[i + 3] == UInt8(ascii: ":"), let om = digits(i + 4, 2) else { return nil }
            offset = (oh * 60 + om) * 60 * (s[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == s.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }

    /// Seconds since 1970 for an HTTP-date: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the
    /// obsolete RFC 850 form ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994").
    public static func httpDate(_ value: String) -> Double? {
        let fields = value.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        func month(_ name: String) -> Int? { months.firstIndex(of: name.lowercased()).map { $0 + 1 } }
        var day: Int?, monthNumber: Int?, year: Int?, clock: String?
        if fields.count == 6, fields[5] == "GMT" || fields[5] == "UTC" {
            day = Int(fields[1]); monthNumber = month(fields[2]); year = Int(fields[3]); clock = fields[4]
        } else if fields.count == 4, fields[3] == "GMT" {
            let dmy = fields[1].split(separator: "-").map(String.init)
            guard dmy.count == 3, let yy = Int(dmy[2]) else { return nil }
            day = Int(dmy[0]); monthNumber = month(dmy[1]); clock = fields[2]
            year = dmy[2].count == 2 ? (yy < 70 ? 2000 + yy : 1900 + yy) : yy
        } else if fields.count == 5, !fields[4].contains(":") {
            monthNumber = month(fields[1]); day = Int(fields[2]); clock = fields[3]; year = Int(fields[4])
        }
        guard let day, let monthNumber, let year, let clock, (1...31).contains(day) else { return nil }
        let hms = clock.split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3, hms[0] < 24, hms[1] < 60, hms[2] <= 60 else { return nil }
        return Double(daysFromCivil(year: year, month: monthNumber, day: day) * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2])
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func milliseconds(_ ms: Double) -> Int64 {
        guard ms.isFinite, ms > 0 else { return 0 }
        return Int64(min(ms.rounded(.up), 9e15))
    }
}
