/// A set of small non-negative integers (0...63) as a bit mask: the allowed values of one cron field.
package struct CronValueSet: Sendable, Hashable {
    /// Bit `v` is set when `v` is allowed.
    package var bits: UInt64

    /// The empty set.
    package init() { bits = 0 }

    /// The values `lower...upper` that are `lower + k * step`.
    package init(_ lower: Int, _ upper: Int, step: Int = 1) {
        bits = 0
        for value in stride(from: lower, through: upper, by: step) { insert(value) }
    }

    /// Whether `value` is in the set.
    package func contains(_ value: Int) -> Bool {
        value >= 0 && value < 64 && bits & (1 << UInt64(value)) != 0
    }

    /// Adds `value`.
    package mutating func insert(_ value: Int) { bits |= 1 << UInt64(value) }

    /// Adds every member of `other`.
    package mutating func formUnion(_ other: Self) { bits |= other.bits }

    /// Whether the set is empty.
    package var isEmpty: Bool { bits == 0 }

    /// The smallest member at or above `value`, if any.
    package func next(atOrAfter value: Int) -> Int? {
        guard value < 64 else { return nil }
        let rest = bits >> UInt64(max(value, 0))
        return rest == 0 ? nil : max(value, 0) + rest.trailingZeroBitCount
    }
}

/// The day-of-month field: plain days plus the Quartz specials `L`, `L-n`, `nW` and `LW`.
package struct CronDayOfMonth: Sendable, Hashable {
    /// Plain days 1...31.
    package var days = CronValueSet()
    /// `n` for each `L-n` (`L` itself is `L-0`).
    package var fromLast = CronValueSet()
    /// `n` for each `nW` (the weekday nearest to day `n`).
    package var nearestWeekday = CronValueSet()
    /// `LW`: the last weekday (Monday to Friday) of the month.
    package var lastWeekday = false

    /// Whether `day` of a month of `length` days whose first day is weekday `firstWeekday` (0 = Sunday) matches.
    package func matches(day: Int, length: Int, firstWeekday: Int) -> Bool {
        if days.contains(day) || fromLast.contains(length - day) { return true }
        let weekday = (firstWeekday + day - 1) % 7
        guard weekday != 0, weekday != 6 else { return false }
        if lastWeekday, day == Self.nearestWeekday(to: length, length: length, firstWeekday: firstWeekday) { return true }
        guard !nearestWeekday.isEmpty else { return false }
        // Only targets within two days of `day` can move onto it.
        for target in max(1, day - 2)...min(length, day + 2) where nearestWeekday.contains(target) {
            if Self.nearestWeekday(to: target, length: length, firstWeekday: firstWeekday) == day { return true }
        }
        return false
    }

    /// The Monday-to-Friday day nearest to `target` without leaving the month (Quartz's `W`):
    /// a Saturday moves to the Friday before (or to Monday the 3rd when it is the 1st), a Sunday
    /// to the Monday after (or to the Friday before when it is the last day).
    package static func nearestWeekday(to target: Int, length: Int, firstWeekday: Int) -> Int {
        switch (firstWeekday + target - 1) % 7 {
        case 6: return target == 1 ? 3 : target - 1
        case 0: return target == length ? target - 2 : target + 1
        default: return target
        }
    }
}

/// The day-of-week field: plain weekdays (0 = Sunday) plus the Quartz specials `nL` and `n#k`.
package struct CronDayOfWeek: Sendable, Hashable {
    /// Plain weekdays 0...6.
    package var weekdays = CronValueSet()
    /// Weekdays `n` for each `nL` (the last such weekday of the month).
    package var last = CronValueSet()
    /// Bit `(k - 1) * 7 + n` for each `n#k` (the k-th weekday `n` of the month).
    package var nth = CronValueSet()

    /// Whether `day` (weekday `weekday`) of a month of `length` days matches.
    package func matches(day: Int, weekday: Int, length: Int) -> Bool {
        weekdays.contains(weekday) || (last.contains(weekday) && day + 7 > length)
            || nth.contains((day - 1) / 7 * 7 + weekday)
    }
}
