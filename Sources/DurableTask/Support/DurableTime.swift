public import Foundation

/// The range of times the engine stores and the conversions that stay inside it, so that no
/// date, however far (a timer in the year 10^300, an infinite or NaN interval), traps when it
/// is turned into integer milliseconds or nanoseconds.
///
/// The range is years 1 to 9999, what a protobuf `Timestamp` and ISO 8601 hold.
public enum DurableTime {
    /// 0001-01-01T00:00:00Z.
    public static let earliest = Date(timeIntervalSince1970: -62_135_596_800)
    /// 9999-12-31T23:59:59Z.
    public static let latest = Date(timeIntervalSince1970: 253_402_300_799)

    /// The date moved into ``earliest``...``latest`` (NaN becomes ``earliest``); a date in the
    /// range is returned as it is, to the last bit.
    public static func clamped(_ date: Date) -> Date {
        guard !date.timeIntervalSince1970.isNaN, date >= earliest else { return earliest }
        return min(date, latest)
    }

    /// Whole milliseconds since 1970 of the clamped date.
    public static func millis(_ date: Date) -> Int64 {
        Int64((clamped(date).timeIntervalSince1970 * 1000).rounded())
    }

    /// Whole microseconds since 1970 of the clamped date.
    public static func micros(_ date: Date) -> Int64 {
        Int64((clamped(date).timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The longest delay ``delay(seconds:)`` gives: 10,000 years, in seconds. Far beyond
    /// ``latest`` from any present, and far inside what a `Duration` holds (about 1.7e20 s).
    public static let maxDelaySeconds: Double = 315_576_000_000

    /// A delay in seconds as a `Duration`, clamped to zero ... ``maxDelaySeconds`` (NaN is zero).
    public static func delay(seconds: Double) -> Duration {
        guard seconds > 0 else { return .zero }
        return .seconds(min(seconds, maxDelaySeconds))
    }
}
