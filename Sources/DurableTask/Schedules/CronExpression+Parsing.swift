/// The parsed fields of a cron expression, ready for matching.
package struct CronSchedule: Sendable, Hashable {
    /// Allowed seconds, 0...59 (just 0 in the 5-field form).
    package var seconds: CronValueSet
    /// Allowed minutes, 0...59.
    package var minutes: CronValueSet
    /// Allowed hours, 0...23.
    package var hours: CronValueSet
    /// Allowed months, 1...12.
    package var months: CronValueSet
    /// The day-of-month field.
    package var daysOfMonth: CronDayOfMonth
    /// The day-of-week field.
    package var daysOfWeek: CronDayOfWeek
    /// Day-of-month is neither `*` nor `?`.
    package var dayOfMonthRestricted: Bool
    /// Day-of-week is neither `*` nor `?`.
    package var dayOfWeekRestricted: Bool
    /// The expression had a seconds field.
    package var hasSeconds: Bool
}

/// One of the six cron fields: its name, range and value names.
package enum CronFieldKind: Sendable, CaseIterable {
    case second, minute, hour, dayOfMonth, month, dayOfWeek

    /// The name used in error messages.
    var name: String {
        switch self {
        case .second: "second"
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The allowed values, as written (day-of-week accepts 7 for Sunday).
    var bounds: ClosedRange<Int> {
        switch self {
        case .second, .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// The range that `*` and `a/n` cover (day-of-week stops at Saturday, 6).
    var starBounds: ClosedRange<Int> { self == .dayOfWeek ? 0...6 : bounds }

    /// Upper-case three-letter value names, in value order.
    var names: [String] {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// The value of the first name is 1 for months, 0 for weekdays.
    var firstNameValue: Int { self == .month ? 1 : 0 }
}

/// The standard macros and the five fields each stands for.
private let cronMacros: [String: String] = [
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
]

/// A parse failure inside one field, turned into a ``DurableTaskError`` with the whole text by the caller.
private struct CronFieldError: Error {
    var message: String
}

extension CronSchedule {
    /// Parses trimmed cron text (5 or 6 fields, or a macro).
    package static func parse(_ text: String) throws -> CronSchedule {
        guard !text.isEmpty else { throw DurableTaskError(.invalidArgument, "invalid cron expression: it is empty") }
        var fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if text.hasPrefix("@") {
            guard fields.count == 1, let expansion = cronMacros[text.lowercased()] else {
                throw DurableTaskError(.invalidArgument,
                    "invalid cron expression \"\(text)\": unknown macro; expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly")
            }
            fields = expansion.split(separator: " ").map(String.init)
        }
        guard fields.count == 5 || fields.count == 6 else {
            throw DurableTaskError(.invalidArgument,
                "invalid cron expression \"\(text)\": \(fields.count) fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)")
        }
        let hasSeconds = fields.count == 6
        if !hasSeconds { fields.insert("0", at: 0) }
        let kinds = CronFieldKind.allCases
        func field(_ index: Int) throws -> CronValueSet {
            try wrap(text, kinds[index], fields[index]) { try parseValues(fields[index], kinds[index]) }
        }
        let dom = fields[3], dow = fields[5]
        return CronSchedule(
            seconds: try field(0), minutes: try field(1), hours: try field(2), months: try field(4),
            daysOfMonth: try wrap(text, .dayOfMonth, dom) { try parseDaysOfMonth(dom) },
            daysOfWeek: try wrap(text, .dayOfWeek, dow) { try parseDaysOfWeek(dow) },
            dayOfMonthRestricted: dom != "*" && dom != "?", dayOfWeekRestricted: dow != "*" && dow != "?",
            hasSeconds: hasSeconds)
    }

    private static func wrap<T>(_ text: String, _ kind: CronFieldKind, _ field: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CronFieldError {
            throw DurableTaskError(.invalidArgument, "invalid cron expression \"\(text)\": \(kind.name) field \"\(field)\": \(error.message)")
        }
    }

    /// The comma-separated items of a field; empty items are an error.
    private static func items(_ field: String) throws -> [Substring] {
        let items = field.split(separator: ",", omittingEmptySubsequences: false)
        guard !items.contains(where: \.isEmpty) else { throw CronFieldError(message: "empty list item") }
        return items
    }

    /// A plain field: lists of `*`, values, ranges and steps.
    private static func parseValues(_ field: String, _ kind: CronFieldKind) throws -> CronValueSet {
        if field == "?" { throw CronFieldError(message: "\"?\" is only allowed in day-of-month and day-of-week") }
        var set = CronValueSet()
        for item in try items(field) { set.formUnion(try parseItem(item, kind)) }
        return set
    }

    /// One `*`, `v`, `a-b`, `*/n`, `a/n` or `a-b/n` item.
    private static func parseItem(_ item: Substring, _ kind: CronFieldKind) throws -> CronValueSet {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw CronFieldError(message: "cannot parse \"\(item)\"") }
        var step = 1
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw CronFieldError(message: "bad step \"\(parts[1])\" in \"\(item)\"")
            }
            guard parsed > 0 else { throw CronFieldError(message: "step must be at least 1 in \"\(item)\"") }
            step = parsed
        }
        let base = parts[0]
        let lower: Int, upper: Int
        if base == "*" {
            (lower, upper) = (kind.starBounds.lowerBound, kind.starBounds.upperBound)
        } else if let dash = base.firstIndex(of: "-") {
            lower = try value(base[..<dash], kind, in: item)
            upper = try value(base[base.index(after: dash)...], kind, in: item)
            guard lower <= upper else { throw CronFieldError(message: "reversed range \"\(base)\"") }
        } else {
            lower = try value(base, kind, in: item)
            upper = parts.count == 2 ? max(lower, kind.starBounds.upperBound) : lower
        }
        var set = CronValueSet(lower, upper, step: step)
        if kind == .dayOfWeek, set.contains(7) {
            set.bits &= ~(1 << 7)
            set.insert(0)
        }
        return set
    }

    /// A number or (for months and weekdays) a three-letter name, checked against the field's range.
    private static func value(_ text: Substring, _ kind: CronFieldKind, in item: Substring) throws -> Int {
        let number: Int
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let parsed = Int(text) {
            number = parsed
        } else if let index = kind.names.firstIndex(of: text.uppercased()) {
            return index + kind.firstNameValue
        } else {
            throw CronFieldError(message: text.isEmpty ? "missing value in \"\(item)\"" : "cannot parse \"\(text)\" in \"\(item)\"")
        }
        guard kind.bounds.contains(number) else {
            throw CronFieldError(message: "value \(number) out of range \(kind.bounds.lowerBound)-\(kind.bounds.upperBound)")
        }
        return number
    }

    /// Day-of-month: plain items plus `?`, `L`, `L-n`, `nW` and `LW`.
    private static func parseDaysOfMonth(_ field: String) throws -> CronDayOfMonth {
        var result = CronDayOfMonth()
        if field == "?" {
            result.days = CronValueSet(1, 31)
            return result
        }
        for item in try items(field) {
            let upper = item.uppercased()
            if upper == "L" {
                result.fromLast.insert(0)
            } else if upper == "LW" {
                result.lastWeekday = true
            } else if upper.hasPrefix("L-") {
                guard let n = Int(upper.dropFirst(2)), (0...30).contains(n), upper.dropFirst(2).allSatisfy(\.isNumber) else {
                    throw CronFieldError(message: "bad offset in \"\(item)\"; expected L-0 to L-30")
                }
                result.fromLast.insert(n)
            } else if upper.hasSuffix("W") {
                result.nearestWeekday.insert(try value(item.dropLast(), .dayOfMonth, in: item))
            } else {
                result.days.formUnion(try parseItem(item, .dayOfMonth))
            }
        }
        return result
    }

    /// Day-of-week: plain items plus `?`, `nL` and `n#k`.
    private static func parseDaysOfWeek(_ field: String) throws -> CronDayOfWeek {
        var result = CronDayOfWeek()
        if field == "?" {
            result.weekdays = CronValueSet(0, 6)
            return result
        }
        for item in try items(field) {
            if let hash = item.firstIndex(of: "#") {
                let weekday = try value(item[..<hash], .dayOfWeek, in: item) % 7
                guard let k = Int(item[item.index(after: hash)...]), (1...5).contains(k) else {
                    throw CronFieldError(message: "bad occurrence in \"\(item)\"; expected #1 to #5")
                }
                result.nth.insert((k - 1) * 7 + weekday)
            } else if item.count > 1, item.uppercased().hasSuffix("L") {
                result.last.insert(try value(item.dropLast(), .dayOfWeek, in: item) % 7)
            } else {
                result.weekdays.formUnion(try parseItem(item, .dayOfWeek))
            }
        }
        return result
    }
}
