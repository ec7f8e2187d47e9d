package import Foundation

/// A cron schedule in a time zone: which wall-clock times it fires at, and the next one after an instant.
///
/// ## Syntax
///
/// Five whitespace-separated fields, `minute hour day-of-month month day-of-week` (the second is
/// then 0), or six with the second first: `second minute hour day-of-month month day-of-week`.
/// Instead of fields you may write a macro (any case): `@yearly` or `@annually` (`0 0 1 1 *`),
/// `@monthly` (`0 0 1 * *`), `@weekly` (`0 0 * * 0`), `@daily` or `@midnight` (`0 0 * * *`),
/// `@hourly` (`0 * * * *`).
///
/// | Field        | Values            | Names     | Specials                |
/// |--------------|-------------------|-----------|-------------------------|
/// | second       | 0-59              |           |                         |
/// | minute       | 0-59              |           |                         |
/// | hour         | 0-23              |           |                         |
/// | day-of-month | 1-31              |           | `?` `L` `L-n` `nW` `LW` |
/// | month        | 1-12              | `JAN-DEC` |                         |
/// | day-of-week  | 0-7 (0, 7 Sunday) | `SUN-SAT` | `?` `nL` `n#k`          |
///
/// Each field is `*`, a value, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (from `a` to the
/// field's maximum), or a comma-separated list of these. Names are case-insensitive and work in
/// values and ranges (`MON-FRI`, `JAN-MAR/2`).
///
/// - `?` (day-of-month or day-of-week) means "no specific value", like `*`.
/// - `L` is the last day of the month, `L-n` the day `n` days before it, `LW` the last weekday
///   (Monday to Friday) of the month.
/// - `nW` is the weekday nearest to day `n` without leaving the month: a Saturday moves back to
///   Friday (but the 1st moves on to Monday the 3rd), a Sunday moves on to Monday (but the last
///   day moves back to Friday). It never fires in months shorter than `n` days.
/// - `nL` in day-of-week is the last weekday `n` of the month (`5L` or `FRIL`: the last Friday);
///   `n#k` is its `k`-th occurrence, `k` from 1 to 5 (`MON#2`: the second Monday).
///
/// As in Vixie cron, when both day-of-month and day-of-week are restricted (neither is exactly
/// `*` nor `?`), a day matches when either field matches: `0 0 13 * FRI` fires on every 13th and
/// on every Friday. Otherwise a day must match both.
///
/// ## Time zones and daylight saving time
///
/// The fields describe wall-clock time in the expression's time zone. When the clocks change:
///
/// - **Clocks jump forward** (a gap; for example 02:00 becomes 03:00): wall times inside the gap
///   never happen. If the schedule would fire inside the gap, it fires once, at the instant the
///   clocks jump (03:00 in the example). Several fire times inside one gap become that single
///   firing; afterwards the schedule continues normally, so `*/15 * * * *` fires at 01:45, 03:00,
///   03:15.
/// - **Clocks fall back** (an overlap; for example 02:00 becomes 01:00): wall times in the
///   repeated hour happen twice. A schedule whose hour field allows every hour (`*`) is periodic
///   and fires in both passes: `*/30 * * * *` fires at 01:00, 01:30, the second 01:00, the second
///   01:30 and 02:00. Any other schedule fires in the first pass only: `30 1 * * *` fires once,
///   at the first 01:30.
///
/// Zones without daylight saving time (such as `UTC` or fixed offsets) have neither.
///
/// ## Limits
///
/// Fire times are whole seconds. ``nextFire(after:)`` looks 5 years ahead and returns nil when
/// nothing matches in that time, which is how impossible dates such as `0 0 30 2 *` show up.
///
/// Two expressions are equal when their text and time zone identifier are equal. It encodes as
/// `{"expression": text, "timeZone": identifier}`; decoding parses again, and a missing time zone
/// means `UTC`.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible, Codable {
    /// The expression as given, without leading and trailing whitespace.
    public let text: String
    /// The time zone identifier as given (for example `UTC` or `America/New_York`).
    public let timeZoneIdentifier: String
    package let schedule: CronSchedule
    package let zone: TimeZone

    /// Parses 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), or a macro.
    ///
    /// - Parameters:
    ///   - text: The expression; surrounding whitespace is ignored.
    ///   - timeZone: The identifier of the time zone the fields are read in, as `TimeZone(identifier:)` knows it.
    /// - Throws: ``DurableTaskError`` with code `invalidArgument` and a one-line message naming the
    ///   field and the part that is wrong, or the unknown time zone.
    public init(_ text: String, timeZone: String = "UTC") throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let zone = TimeZone(identifier: timeZone) else {
            throw DurableTaskError(.invalidArgument, "unknown time zone \"\(timeZone)\" for cron expression \"\(trimmed)\"")
        }
        self.schedule = try CronSchedule.parse(trimmed)
        self.text = trimmed
        self.timeZoneIdentifier = timeZone
        self.zone = zone
    }

    /// Whether the expression has a seconds field (the 6-field form).
    public var hasSeconds: Bool { schedule.hasSeconds }

    /// `"<text> (<time zone>)"`, for example `"30 9 * * MON-FRI (Europe/Berlin)"`.
    public var description: String { "\(text) (\(timeZoneIdentifier))" }

    /// Equal text and equal time zone identifier.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.text == rhs.text && lhs.timeZoneIdentifier == rhs.timeZoneIdentifier
    }

    /// Hashes the text and the time zone identifier.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(timeZoneIdentifier)
    }

    private enum CodingKeys: String, CodingKey {
        case expression, timeZone
    }

    /// Decodes `{"expression": ..., "timeZone": ...}` and parses it; invalid text or zone is a `DecodingError`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .expression)
        let zone = try container.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC"
        do {
            try self.init(text, timeZone: zone)
        } catch let error as DurableTaskError {
            throw DecodingError.dataCorruptedError(forKey: .expression, in: container, debugDescription: error.message)
        }
    }

    /// Encodes `{"expression": text, "timeZone": timeZoneIdentifier}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(text, forKey: .expression)
        try container.encode(timeZoneIdentifier, forKey: .timeZone)
    }
}
