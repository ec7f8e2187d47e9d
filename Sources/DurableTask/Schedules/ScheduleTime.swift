public import Foundation

/// Times and durations as schedules write and read them: whole milliseconds, ISO 8601 UTC with
/// milliseconds (`2026-12-03T16:25:00.000Z`), and durations like `500ms`, `5s`, `2m`, `1h`, `1d`.
public enum ScheduleTime {
    /// Whole milliseconds since 1970.
    package static func millis(_ date: Date) -> Int64 { DurableTime.millis(date) }

    /// The date of whole milliseconds since 1970.
    package static func date(millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    /// `yyyy-MM-ddTHH:mm:ss.SSSZ` in UTC.
    public static func format(_ date: Date) -> String {
        let (seconds, ms) = CivilTime.floorDivide(millis(date), 1000)
        return CivilTime.dateTime(seconds: seconds) + "." + CivilTime.pad(ms, 3) + "Z"
    }

    /// Parses a duration: a positive whole number followed by `ms`, `s`, `m`, `h` or `d`
    /// (`500ms`, `5s`); several may follow each other (`1m30s`). Returns `nil` otherwise.
    public static func parseDuration(_ text: String) -> Duration? {
        var total: Int64 = 0
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty, digits.count <= 12, let value = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix(while: { $0.isLetter })
            rest = rest.dropFirst(unit.count)
            let scale: Int64
            switch unit.lowercased() {
            case "ms": scale = 1
            case "s": scale = 1000
            case "m": scale = 60_000
            case "h": scale = 3_600_000
            case "d": scale = 86_400_000
            default: return nil
            }
            let (product, overflow) = value.multipliedReportingOverflow(by: scale)
            guard !overflow, product <= 100 * 365 * 86_400_000 else { return nil }
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            guard !sumOverflow else { return nil }
            total = sum
        }
        return .milliseconds(total)
    }

    /// A duration as ``parseDuration(_:)`` reads it, in the largest unit that divides it.
    public static func formatDuration(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        for (unit, scale) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where ms != 0 && ms % scale == 0 {
            return "\(ms / scale)\(unit)"
        }
        return "\(ms)ms"
    }
}

extension Duration {
    /// Whole milliseconds, rounded toward zero and clamped to ±(Int64.max / 1000) seconds.
    package var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        let limit = Int64.max / 1000 - 1
        return min(max(seconds, -limit), limit) * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
