import DurableTask
import Foundation

/// The timestamp formats of §6.1: UTC, `Z`-terminated, to the second for instance times and with
/// up to 7 fractional digits for history times; lenient RFC 3339 parsing for query values.
///
/// Every date renders: one outside years 1 to 9999 (a remote worker's timer in the year 10^11,
/// say) shows as the nearest end of that range, as ``DurableTime`` stores it.
enum APITimestamps {
    /// `yyyy-MM-ddTHH:mm:ssZ`, cut (not rounded) to the second.
    static func seconds(_ date: Date) -> String {
        CivilTime.dateTime(seconds: CivilTime.floorDivide(ticks(date, .down), 10_000_000).quotient) + "Z"
    }

    /// ISO 8601 UTC with up to 7 fractional digits, trailing zeros dropped: `2024-05-01T12:00:00.5Z`.
    static func precise(_ date: Date) -> String {
        let total = ticks(date, .toNearestOrAwayFromZero)
        let secs = CivilTime.floorDivide(total, 10_000_000).quotient
        var fraction = String(total - secs * 10_000_000)
        fraction = String(repeating: "0", count: 7 - fraction.count) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        return CivilTime.dateTime(seconds: secs) + (fraction.isEmpty ? "" : "." + fraction) + "Z"
    }

    /// Parses an RFC 3339 timestamp (`T` or a space between date and time, optional seconds and
    /// fraction, `Z` or a `±hh:mm` offset; no offset means UTC) or a bare date (midnight UTC).
    /// A space where the offset sign should be is read as `+`, since form decoding turns an
    /// unencoded `+` into a space.
    static func parse(_ text: String) -> Date? {
        let s = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= s.count else { return nil }
            var v = 0
            for b in s[i..<(i + count)] {
                guard b >= 48, b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            i += count
            return v
        }
        func take(_ c: Character) -> Bool {
            guard i < s.count, s[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var seconds = Double(CivilTime.daysSince1970(year: year, month: month, day: day)) * 86_400
        if i == s.count { return Date(timeIntervalSince1970: seconds) }
        guard take("T") || take("t") || take(" "), let hour = number(2), take(":"), let minute = number(2),
            hour < 24, minute < 60
        else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if take(":") {
            guard let second = number(2), second < 61 else { return nil }
            seconds += Double(second)
            if take(".") || take(",") {
                var scale = 0.1
                var digits = 0
                while i < s.count, s[i] >= 48, s[i] <= 57 {
                    seconds += Double(s[i] - 48) * scale
                    scale /= 10
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        if i == s.count || (take("Z") || take("z")) && i == s.count { return Date(timeIntervalSince1970: seconds) }
        guard i < s.count else { return nil }
        let sign: Double
        if take("+") || take(" ") { sign = 1 } else if take("-") { sign = -1 } else { return nil }
        guard let oh = number(2), oh < 24 else { return nil }
        _ = take(":")
        guard let om = number(2), om < 60, i == s.count else { return nil }
        return Date(timeIntervalSince1970: seconds - sign * Double(oh * 3600 + om * 60))
    }

    /// The date in 100-ns ticks since 1970, clamped to years 1 to 9999. Whole seconds and the
    /// fraction are converted apart: the product of seconds near year 9999 and 10^7 is past the
    /// range where a `Double` holds every integer.
    private static func ticks(_ date: Date, _ rule: FloatingPointRoundingRule) -> Int64 {
        let seconds = DurableTime.clamped(date).timeIntervalSince1970
        let whole = seconds.rounded(.down)
        return Int64(whole) * 10_000_000 + Int64(((seconds - whole) * 10_000_000).rounded(rule))
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
