public import Foundation

extension CronExpression {
    /// The first fire time strictly after `date`, or nil if none within the next 5 years (e.g. `0 0 30 2 *`).
    ///
    /// Fire times are whole seconds. Daylight-saving gaps and overlaps follow the rules in the
    /// ``CronExpression`` overview.
    public func nextFire(after date: Date) -> Date? {
        // Clamped into years 1...9999 first (NaN is year 1), so no date traps the conversion.
        let start = Int64(DurableTime.clamped(date).timeIntervalSince1970.rounded(.down)) + 1
        return schedule.nextInstant(atOrAfter: start, in: zone).map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }
}

/// How far ahead ``CronExpression/nextFire(after:)`` looks: 5 years of 366 days.
private let searchHorizon: Int64 = 5 * 366 * 86_400

extension CronSchedule {
    /// Whether the hour field allows every hour: such a schedule fires in both passes of a fall-back overlap.
    package var firesInBothPasses: Bool { hours == CronValueSet(0, 23) }

    /// The first qualifying instant (seconds since 1970) at or after `start`, or nil within the horizon.
    ///
    /// Walks segments of constant UTC offset. Inside one, civil time is the instant plus the offset,
    /// so the search is pure field arithmetic; at a gap, matches that fall inside it fire at the
    /// transition; at an overlap, only periodic schedules (every hour) fire again in the second pass.
    package func nextInstant(atOrAfter start: Int64, in zone: TimeZone) -> Int64? {
        let limit = start + searchHorizon
        var offset = Self.offset(zone, at: start)
        var civilFloor = start + offset
        // A transition at or shortly before `start` decides whether `start` is the gap's instant
        // or lies in an overlap's second pass.
        var probe = Date(timeIntervalSince1970: TimeInterval(start - 86_400))
        while let next = zone.nextDaylightSavingTimeTransition(after: probe), next.timeIntervalSince1970 <= TimeInterval(start) {
            let transition = Int64(next.timeIntervalSince1970.rounded(.up))
            let before = Self.offset(zone, at: transition - 1), after = Self.offset(zone, at: transition)
            if after > before, transition == start, nextCivilMatch(atOrAfter: transition + before, before: transition + after) != nil {
                return transition
            }
            if after < before, !firesInBothPasses { civilFloor = max(civilFloor, transition + before) }
            probe = next
        }
        var segmentStart = start
        while segmentStart < limit {
            let transition = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: TimeInterval(segmentStart)))
                .map { Int64($0.timeIntervalSince1970.rounded(.up)) }
            let segmentEnd = min(transition ?? limit, limit)
            if let match = nextCivilMatch(atOrAfter: max(segmentStart + offset, civilFloor), before: segmentEnd + offset) {
                return match - offset
            }
            guard let transition, transition < limit else { return nil }
            let newOffset = Self.offset(zone, at: transition)
            if newOffset > offset, nextCivilMatch(atOrAfter: transition + offset, before: transition + newOffset) != nil {
                return transition  // the gap's matches collapse into the instant the clock jumps
            }
            civilFloor = transition + (newOffset < offset && !firesInBothPasses ? offset : newOffset)
            segmentStart = transition
            offset = newOffset
        }
        return nil
    }

    private static func offset(_ zone: TimeZone, at instant: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
    }

    /// The first civil time (seconds since 1970-01-01T00:00 wall clock) in `low..<high` that matches.
    package func nextCivilMatch(atOrAfter low: Int64, before high: Int64) -> Int64? {
        guard low < high else { return nil }
        var (day, secondOfDay) = CivilTime.floorDivide(low, 86_400)
        var from = Int(secondOfDay)
        while day * 86_400 < high {
            let (year, month, dayOfMonth) = CivilTime.date(daysSince1970: day)
            if !months.contains(Int(month)) {
                let (nextYear, nextMonth) = month == 12 ? (year + 1, 1) : (year, month + 1)
                day = Int64(CivilTime.daysSince1970(year: Int(nextYear), month: Int(nextMonth), day: 1))
                from = 0
                continue
            }
            if matchesDay(day: day, year: Int(year), month: Int(month), dayOfMonth: Int(dayOfMonth)),
                let time = firstTime(atOrAfter: from)
            {
                let match = day * 86_400 + Int64(time)
                return match < high ? match : nil
            }
            day += 1
            from = 0
        }
        return nil
    }

    /// Whether the day passes the day-of-month and day-of-week fields (the month is checked by the caller).
    /// Both restricted: either may match (Vixie cron); otherwise both must.
    package func matchesDay(day: Int64, year: Int, month: Int, dayOfMonth: Int) -> Bool {
        let weekday = Int(CivilTime.floorDivide(day + 4, 7).remainder)  // 1970-01-01 was a Thursday
        let length = Self.daysInMonth(year: year, month: month)
        let firstWeekday = (weekday - (dayOfMonth - 1) % 7 + 7) % 7
        let domMatch = daysOfMonth.matches(day: dayOfMonth, length: length, firstWeekday: firstWeekday)
        let dowMatch = daysOfWeek.matches(day: dayOfMonth, weekday: weekday, length: length)
        if dayOfMonthRestricted && dayOfWeekRestricted { return domMatch || dowMatch }
        return domMatch && dowMatch
    }

    /// The first second of the day at or after `secondOfDay` whose hour, minute and second match.
    package func firstTime(atOrAfter secondOfDay: Int) -> Int? {
        var hour = secondOfDay / 3600, minute = secondOfDay / 60 % 60, second = secondOfDay % 60
        while let h = hours.next(atOrAfter: hour) {
            if h > hour { (minute, second) = (0, 0) }
            hour = h
            while let m = minutes.next(atOrAfter: minute) {
                if m > minute { second = 0 }
                minute = m
                if let s = seconds.next(atOrAfter: second) { return h * 3600 + m * 60 + s }
                minute += 1
                second = 0
            }
            hour += 1
            (minute, second) = (0, 0)
        }
        return nil
    }

    /// The length of a month on the proleptic Gregorian calendar.
    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
