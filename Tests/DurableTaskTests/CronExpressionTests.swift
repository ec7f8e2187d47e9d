@testable import DurableTask
import Foundation
import Testing

/// Parses an ISO 8601 UTC timestamp written in a test, e.g. `2026-03-08T07:00:00Z`.
private func instant(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    guard let date = formatter.date(from: text) else { fatalError("bad timestamp in test: \(text)") }
    return date
}

/// Formats an instant as ISO 8601 UTC (nil stays nil).
private func iso(_ date: Date?) -> String? {
    date.map { ISO8601DateFormatter().string(from: $0) }
}

/// The first `count` fire times after `start`, as ISO 8601 UTC; stops at the first nil (written as "nil").
private func fires(_ expression: String, zone: String = "UTC", after start: String, count: Int) throws -> [String] {
    let cron = try CronExpression(expression, timeZone: zone)
    var from = instant(start)
    var result: [String] = []
    for _ in 0..<count {
        guard let next = cron.nextFire(after: from) else {
            result.append("nil")
            break
        }
        result.append(iso(next)!)
        from = next
    }
    return result
}

/// The members of a value set, ascending.
private func members(_ set: CronValueSet) -> [Int] {
    (0..<64).filter(set.contains)
}

@Suite("CronExpression parsing")
struct CronExpressionParsingTests {
    enum Field: String, Sendable { case second, minute, hour, dayOfMonth, month, dayOfWeek }

    static func values(_ schedule: CronSchedule, _ field: Field) -> [Int] {
        switch field {
        case .second: members(schedule.seconds)
        case .minute: members(schedule.minutes)
        case .hour: members(schedule.hours)
        case .dayOfMonth: members(schedule.daysOfMonth.days)
        case .month: members(schedule.months)
        case .dayOfWeek: members(schedule.daysOfWeek.weekdays)
        }
    }

    @Test(arguments: [
        ("5 * * * *", Field.minute, [5]),
        ("1-4 * * * *", Field.minute, [1, 2, 3, 4]),
        ("*/20 * * * *", Field.minute, [0, 20, 40]),
        ("10-30/10 * * * *", Field.minute, [10, 20, 30]),
        ("50/4 * * * *", Field.minute, [50, 54, 58]),
        ("1,5-6,*/30 * * * *", Field.minute, [0, 1, 5, 6, 30]),
        ("0 */6 * * *", Field.hour, [0, 6, 12, 18]),
        ("0 23 * * *", Field.hour, [23]),
        ("0 0 1,15 * *", Field.dayOfMonth, [1, 15]),
        ("0 0 28-31 * *", Field.dayOfMonth, [28, 29, 30, 31]),
        ("0 0 * JAN-MAR/2 *", Field.month, [1, 3]),
        ("0 0 * jan,Dec *", Field.month, [1, 12]),
        ("0 0 * 11-12 *", Field.month, [11, 12]),
        ("0 0 * * MON-FRI", Field.dayOfWeek, [1, 2, 3, 4, 5]),
        ("0 0 * * sun,Sat", Field.dayOfWeek, [0, 6]),
        ("0 0 * * 5-7", Field.dayOfWeek, [0, 5, 6]),
        ("0 0 * * 7", Field.dayOfWeek, [0]),
        ("0 0 * * 0", Field.dayOfWeek, [0]),
        ("0 0 * * */2", Field.dayOfWeek, [0, 2, 4, 6]),
        ("0 0 * * *", Field.dayOfWeek, [0, 1, 2, 3, 4, 5, 6]),
        ("*/15 0 0 * * *", Field.second, [0, 15, 30, 45]),
        ("59 0 0 * * *", Field.second, [59]),
        ("0 0 * * *", Field.second, [0]),
        ("*/25 * * * * *", Field.minute, Array(0...59)),
    ])
    func fieldValues(text: String, field: Field, expected: [Int]) throws {
        let cron = try CronExpression(text)
        #expect(Self.values(cron.schedule, field) == expected)
    }

    @Test func fiveAndSixFields() throws {
        let five = try CronExpression("30 9 * * *")
        #expect(!five.hasSeconds)
        #expect(members(five.schedule.seconds) == [0])
        #expect(members(five.schedule.minutes) == [30])
        let six = try CronExpression("15 30 9 * * *")
        #expect(six.hasSeconds)
        #expect(members(six.schedule.seconds) == [15])
        #expect(members(six.schedule.minutes) == [30])
        #expect(members(six.schedule.hours) == [9])
    }

    @Test func whitespaceRunsAndTrimming() throws {
        let cron = try CronExpression("  0\t\t30   9 * *\t* \n")
        #expect(cron.text == "0\t\t30   9 * *\t*")
        #expect(cron.hasSeconds)
        #expect(members(cron.schedule.minutes) == [30])
        #expect(members(cron.schedule.hours) == [9])
    }

    @Test(arguments: [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"), ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"), ("@DAILY", "0 0 * * *"),
        ("@Weekly", "0 0 * * 0"),
    ])
    func macros(macro: String, equivalent: String) throws {
        let cron = try CronExpression(macro)
        #expect(cron.schedule == (try CronExpression(equivalent)).schedule)
        #expect(!cron.hasSeconds)
        #expect(cron.text == macro)
    }

    @Test func questionMarkIsUnrestricted() throws {
        let domFree = try CronExpression("0 0 ? * MON")
        #expect(!domFree.schedule.dayOfMonthRestricted)
        #expect(domFree.schedule.dayOfWeekRestricted)
        #expect(members(domFree.schedule.daysOfMonth.days) == Array(1...31))
        let dowFree = try CronExpression("0 0 1 * ?")
        #expect(dowFree.schedule.dayOfMonthRestricted)
        #expect(!dowFree.schedule.dayOfWeekRestricted)
        let stars = try CronExpression("0 0 * * *")
        #expect(!stars.schedule.dayOfMonthRestricted && !stars.schedule.dayOfWeekRestricted)
        let both = try CronExpression("0 0 13 * FRI")
        #expect(both.schedule.dayOfMonthRestricted && both.schedule.dayOfWeekRestricted)
    }

    @Test func daySpecials() throws {
        #expect(members(try CronExpression("0 0 L * *").schedule.daysOfMonth.fromLast) == [0])
        #expect(members(try CronExpression("0 0 l-2 * *").schedule.daysOfMonth.fromLast) == [2])
        #expect(members(try CronExpression("0 0 15W * *").schedule.daysOfMonth.nearestWeekday) == [15])
        #expect(try CronExpression("0 0 LW * *").schedule.daysOfMonth.lastWeekday)
        let mixed = try CronExpression("0 0 1,L,10W * *").schedule.daysOfMonth
        #expect(members(mixed.days) == [1] && members(mixed.fromLast) == [0] && members(mixed.nearestWeekday) == [10])
        #expect(members(try CronExpression("0 0 * * 5L").schedule.daysOfWeek.last) == [5])
        #expect(members(try CronExpression("0 0 * * FRIL").schedule.daysOfWeek.last) == [5])
        #expect(members(try CronExpression("0 0 * * 7L").schedule.daysOfWeek.last) == [0])
        #expect(members(try CronExpression("0 0 * * MON#2").schedule.daysOfWeek.nth) == [7 + 1])
        #expect(members(try CronExpression("0 0 * * 0#1,6#5").schedule.daysOfWeek.nth) == [0, 4 * 7 + 6])
    }

    @Test(arguments: [
        ("", "empty"),
        ("   ", "empty"),
        ("* * * *", "4 fields; expected 5"),
        ("* * * * * * *", "7 fields"),
        ("60 * * * *", "minute field \"60\": value 60 out of range 0-59"),
        ("60 * * * * *", "second field \"60\": value 60 out of range 0-59"),
        ("0 24 * * *", "hour field \"24\": value 24 out of range 0-23"),
        ("0 0 0 * *", "day-of-month field \"0\": value 0 out of range 1-31"),
        ("0 0 32 * *", "day-of-month field \"32\""),
        ("0 0 * 13 *", "month field \"13\": value 13 out of range 1-12"),
        ("0 0 * 0 *", "month field \"0\""),
        ("0 0 * * 8", "day-of-week field \"8\": value 8 out of range 0-7"),
        ("*/0 * * * *", "minute field \"*/0\": step must be at least 1"),
        ("1-5/0 * * * *", "step must be at least 1 in \"1-5/0\""),
        ("*/x * * * *", "bad step \"x\""),
        ("*/ * * * *", "bad step"),
        ("*/-1 * * * *", "bad step"),
        ("1/2/3 * * * *", "cannot parse \"1/2/3\""),
        ("5-2 * * * *", "minute field \"5-2\": reversed range \"5-2\""),
        ("0 0 * * FRI-MON", "day-of-week field \"FRI-MON\": reversed range"),
        ("0 0 * DEC-JAN *", "month field \"DEC-JAN\": reversed range"),
        ("1,,2 * * * *", "minute field \"1,,2\": empty list item"),
        ("1, * * * *", "empty list item"),
        (",1 * * * *", "empty list item"),
        ("abc * * * *", "minute field \"abc\": cannot parse \"abc\""),
        ("-5 * * * *", "missing value"),
        ("0 0 * * MON-FOO", "day-of-week field \"MON-FOO\": cannot parse \"FOO\""),
        ("0 0 * JANUARY *", "month field \"JANUARY\": cannot parse"),
        ("0 0 * * JAN", "day-of-week field \"JAN\": cannot parse"),
        ("0 MON * * *", "hour field \"MON\": cannot parse"),
        ("? * * * *", "minute field \"?\": \"?\" is only allowed"),
        ("0 0 * ? *", "month field \"?\""),
        ("@reboot", "unknown macro"),
        ("@daily 5", "unknown macro"),
        ("0 0 L-31 * *", "day-of-month field \"L-31\": bad offset"),
        ("0 0 L-x * *", "bad offset"),
        ("0 0 L/2 * *", "day-of-month field \"L/2\""),
        ("0 0 32W * *", "day-of-month field \"32W\": value 32 out of range"),
        ("0 0 W * *", "day-of-month field \"W\""),
        ("0 0 * * MON#6", "day-of-week field \"MON#6\": bad occurrence"),
        ("0 0 * * MON#0", "bad occurrence"),
        ("0 0 * * 9#1", "value 9 out of range 0-7"),
        ("0 0 * * L", "day-of-week field \"L\": cannot parse"),
        ("0 0 * * 8L", "day-of-week field \"8L\""),
        ("0 0 1-2-3 * *", "day-of-month field \"1-2-3\""),
        ("0 0 * * ١", "day-of-week field \"١\""),
    ])
    func rejects(text: String, messagePart: String) {
        do {
            let parsed = try CronExpression(text)
            Issue.record("accepted \"\(text)\" as \(parsed.schedule)")
        } catch let error as DurableTaskError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains(messagePart), "message: \(error.message)")
            #expect(!error.message.contains("\n"))
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
    }

    @Test func unknownTimeZoneIsRejected() {
        #expect(throws: DurableTaskError.self) { try CronExpression("* * * * *", timeZone: "Mars/Olympus_Mons") }
        do {
            _ = try CronExpression("0 9 * * *", timeZone: "Nowhere/Town")
            Issue.record("accepted an unknown time zone")
        } catch let error as DurableTaskError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("unknown time zone \"Nowhere/Town\""))
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
    }

    @Test func keepsTextAndZoneAsGiven() throws {
        let cron = try CronExpression(" 30 9 * * MON-FRI ", timeZone: "Europe/Berlin")
        #expect(cron.text == "30 9 * * MON-FRI")
        #expect(cron.timeZoneIdentifier == "Europe/Berlin")
        #expect(cron.description == "30 9 * * MON-FRI (Europe/Berlin)")
        #expect(try CronExpression("@daily").timeZoneIdentifier == "UTC")
    }

    @Test func equalityAndHashingUseTextAndZone() throws {
        let a = try CronExpression("0 9 * * *", timeZone: "Europe/Berlin")
        let b = try CronExpression("0 9 * * * ", timeZone: "Europe/Berlin")
        let c = try CronExpression("0 9 * * *", timeZone: "UTC")
        let d = try CronExpression("0 09 * * *", timeZone: "Europe/Berlin")
        #expect(a == b)
        #expect(a != c)
        #expect(a != d)
        #expect(Set([a, b, c, d]).count == 3)
    }

    @Test func codableRoundTripAndShape() throws {
        let cron = try CronExpression("*/5 9-17 * * MON-FRI", timeZone: "America/New_York")
        let data = try JSONEncoder().encode(cron)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(object == ["expression": "*/5 9-17 * * MON-FRI", "timeZone": "America/New_York"])
        let decoded = try JSONDecoder().decode(CronExpression.self, from: data)
        #expect(decoded == cron)
        #expect(decoded.schedule == cron.schedule)
        let t = instant("2026-06-01T12:00:00Z")
        #expect(decoded.nextFire(after: t) == cron.nextFire(after: t))
    }

    @Test func decodingMissingZoneMeansUTC() throws {
        let decoded = try JSONDecoder().decode(CronExpression.self, from: Data(#"{"expression": "@hourly"}"#.utf8))
        #expect(decoded.timeZoneIdentifier == "UTC")
        #expect(decoded.text == "@hourly")
    }

    @Test(arguments: [
        #"{"expression": "61 * * * *", "timeZone": "UTC"}"#,
        #"{"expression": "* * * * *", "timeZone": "Not/AZone"}"#,
        #"{"expression": "", "timeZone": "UTC"}"#,
        #"{"timeZone": "UTC"}"#,
        #"{"expression": 5, "timeZone": "UTC"}"#,
    ])
    func decodingInvalidThrowsDecodingError(json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CronExpression.self, from: Data(json.utf8)) }
    }

    @Test func decodingInvalidTextExplainsWhy() {
        do {
            _ = try JSONDecoder().decode(CronExpression.self, from: Data(#"{"expression": "61 * * * *"}"#.utf8))
            Issue.record("decoded an invalid expression")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription.contains("minute field \"61\""))
            #expect(context.codingPath.map(\.stringValue) == ["expression"])
        } catch {
            Issue.record("unexpected error: \(error)")
        }
    }
}

@Suite("CronExpression next fire")
struct CronExpressionNextFireTests {
    /// (expression, start, the fire times that follow in UTC). 2026-01-01 is a Thursday.
    @Test(arguments: [
        ("* * * * * *", "2026-01-01T00:00:00Z", ["2026-01-01T00:00:01Z", "2026-01-01T00:00:02Z", "2026-01-01T00:00:03Z"]),
        ("* * * * * *", "2026-12-31T23:59:58Z", ["2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"]),
        ("*/5 * * * * *", "2026-01-01T00:00:03Z", ["2026-01-01T00:00:05Z", "2026-01-01T00:00:10Z", "2026-01-01T00:00:15Z"]),
        ("*/5 * * * * *", "2026-01-01T00:00:55Z", ["2026-01-01T00:01:00Z"]),
        ("0 */15 * * * *", "2026-01-01T00:50:00Z", ["2026-01-01T01:00:00Z", "2026-01-01T01:15:00Z", "2026-01-01T01:30:00Z"]),
        ("30 10-11 9 * * *", "2026-01-01T09:10:30Z", ["2026-01-01T09:11:30Z", "2026-01-02T09:10:30Z"]),
        ("*/15 * * * *", "2026-01-01T00:07:00Z", ["2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z"]),
        ("0 * * * *", "2026-01-01T23:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-02T01:00:00Z"]),
        // Friday after the morning run: the next runs are Monday and Tuesday.
        ("30 9 * * MON-FRI", "2026-12-04T10:00:00Z", ["2026-12-07T09:30:00Z", "2026-12-08T09:30:00Z"]),
        ("30 9 * * 1-5", "2026-12-04T09:29:59Z", ["2026-12-04T09:30:00Z", "2026-12-07T09:30:00Z"]),
        ("0 0 1,15 * *", "2026-01-20T00:00:00Z", ["2026-02-01T00:00:00Z", "2026-02-15T00:00:00Z", "2026-03-01T00:00:00Z"]),
        ("0 12 * FEB,apr *", "2026-02-28T12:00:00Z", ["2026-04-01T12:00:00Z", "2026-04-02T12:00:00Z"]),
        ("0 0 1 JAN-MAR/2 *", "2026-01-01T00:00:00Z", ["2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z"]),
        ("0 0 L * *", "2026-01-31T00:00:00Z", ["2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z"]),
        ("0 0 L * *", "2028-02-01T00:00:00Z", ["2028-02-29T00:00:00Z"]),
        ("0 0 L-2 * *", "2026-01-01T00:00:00Z", ["2026-01-29T00:00:00Z", "2026-02-26T00:00:00Z", "2026-03-29T00:00:00Z"]),
        // 15W: Wed 15 April stays; Sun 15 February moves to Mon 16; Sat 15 August moves to Fri 14.
        ("0 0 15W * *", "2026-04-01T00:00:00Z", ["2026-04-15T00:00:00Z"]),
        ("0 0 15W * *", "2026-02-01T00:00:00Z", ["2026-02-16T00:00:00Z"]),
        ("0 0 15W * *", "2026-07-20T00:00:00Z", ["2026-08-14T00:00:00Z", "2026-09-15T00:00:00Z"]),
        // 1W: Sat 1 August 2026 moves forward to Mon 3 (not back into July); Sun 1 November to Mon 2.
        ("0 0 1W * *", "2026-07-15T00:00:00Z", ["2026-08-03T00:00:00Z", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "2026-11-02T00:00:00Z"]),
        // 31W: Sun 31 May 2026 moves back to Fri 29; months without a 31st are skipped.
        ("0 0 31W * *", "2026-05-01T00:00:00Z", ["2026-05-29T00:00:00Z", "2026-07-31T00:00:00Z"]),
        // LW: Sat 31 January -> Fri 30; Sat 28 February -> Fri 27; Tue 31 March stays.
        ("0 0 LW * *", "2026-01-01T00:00:00Z", ["2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-31T00:00:00Z"]),
        ("0 0 * * 5L", "2026-01-01T00:00:00Z", ["2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-27T00:00:00Z"]),
        ("0 0 * * FRIL", "2026-01-01T00:00:00Z", ["2026-01-30T00:00:00Z"]),
        ("0 0 * * MON#2", "2026-01-01T00:00:00Z", ["2026-01-12T00:00:00Z", "2026-02-09T00:00:00Z", "2026-03-09T00:00:00Z"]),
        ("0 0 * * 4#5", "2026-01-01T00:00:00Z", ["2026-01-29T00:00:00Z", "2026-04-30T00:00:00Z"]),
        // Vixie cron: day-of-month and day-of-week both restricted, so either matches.
        // April 2026: Fridays 3, 10, 17, 24; the 13th is a Monday.
        ("0 0 13 * FRI", "2026-04-01T00:00:00Z", ["2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z", "2026-04-13T00:00:00Z", "2026-04-17T00:00:00Z"]),
        // One side unrestricted (* or ?): both must match.
        ("0 0 ? * MON", "2026-04-01T00:00:00Z", ["2026-04-06T00:00:00Z", "2026-04-13T00:00:00Z"]),
        ("0 0 1-7 * *", "2026-04-05T00:00:00Z", ["2026-04-06T00:00:00Z", "2026-04-07T00:00:00Z", "2026-05-01T00:00:00Z"]),
        ("0 0 13 * ?", "2026-04-01T00:00:00Z", ["2026-04-13T00:00:00Z", "2026-05-13T00:00:00Z"]),
        ("0 0 1 1 *", "2026-06-01T00:00:00Z", ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"]),
        ("59 23 31 12 *", "2026-12-31T23:59:00Z", ["2027-12-31T23:59:00Z"]),
        ("0 0 29 2 *", "2024-03-01T00:00:00Z", ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]),
        ("0 0 29 2 *", "2096-03-01T00:00:00Z", ["nil"]),  // 2100 is not a leap year: the next is 2104, beyond 5 years
        ("0 0 30 2 *", "2026-01-01T00:00:00Z", ["nil"]),
        ("0 0 31 4,6,9,11 *", "2026-01-01T00:00:00Z", ["nil"]),
        ("@hourly", "2026-01-01T00:00:00Z", ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"]),
        ("@weekly", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        ("@yearly", "2026-01-01T00:00:00Z", ["2027-01-01T00:00:00Z"]),
    ])
    func utc(expression: String, start: String, expected: [String]) throws {
        #expect(try fires(expression, after: start, count: expected.count) == expected)
    }

    @Test func strictlyAfterAndWholeSeconds() throws {
        let everySecond = try CronExpression("* * * * * *")
        #expect(iso(everySecond.nextFire(after: instant("2026-01-01T00:00:00Z").addingTimeInterval(0.25))) == "2026-01-01T00:00:01Z")
        #expect(iso(everySecond.nextFire(after: instant("2026-01-01T00:00:00Z").addingTimeInterval(-0.25))) == "2026-01-01T00:00:00Z")
        let daily = try CronExpression("0 0 * * *")
        #expect(iso(daily.nextFire(after: instant("2026-01-01T00:00:00Z"))) == "2026-01-02T00:00:00Z")
        #expect(iso(daily.nextFire(after: instant("2025-12-31T23:59:59Z"))) == "2026-01-01T00:00:00Z")
    }

    @Test(arguments: [
        // A fixed offset (UTC+3, POSIX sign reversed in Etc names): no transitions.
        ("0 9 * * *", "Etc/GMT-3", "2026-01-01T00:00:00Z", ["2026-01-01T06:00:00Z", "2026-01-02T06:00:00Z"]),
        ("0 9 * * *", "America/New_York", "2026-07-01T00:00:00Z", ["2026-07-01T13:00:00Z"]),
        ("0 9 * * *", "America/New_York", "2026-01-05T00:00:00Z", ["2026-01-05T14:00:00Z"]),
        // Spring forward 2026-03-08: 02:00 EST (07:00Z) becomes 03:00 EDT. 02:30 does not exist that
        // day, so it fires at the jump, then at 02:30 EDT (06:30Z) as usual.
        ("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"]),
        ("30 2 * * *", "America/New_York", "2026-03-08T06:59:59Z", ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"]),
        ("30 2 * * *", "America/New_York", "2026-03-08T07:00:00Z", ["2026-03-09T06:30:00Z"]),
        // 03:00 EDT exists: it is the jump instant itself, and fires once.
        ("0 3 * * *", "America/New_York", "2026-03-08T00:00:00Z", ["2026-03-08T07:00:00Z", "2026-03-09T07:00:00Z"]),
        // 01:45 EST, then 02:00/02:15/02:30/02:45 collapse into the jump at 07:00Z (03:00 EDT), then 03:15 EDT.
        ("*/15 * * * *", "America/New_York", "2026-03-08T06:40:00Z", ["2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z"]),
        ("*/15 * * * *", "America/New_York", "2026-03-08T06:45:00Z", ["2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z"]),
        ("* * * * * *", "America/New_York", "2026-03-08T06:59:58Z", ["2026-03-08T06:59:59Z", "2026-03-08T07:00:00Z", "2026-03-08T07:00:01Z"]),
        // Fall back 2026-11-01: 02:00 EDT (06:00Z) becomes 01:00 EST. 01:30 happens twice; a
        // fixed-hour schedule fires at the first (05:30Z) only.
        ("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]),
        ("30 1 * * *", "America/New_York", "2026-11-01T05:30:00Z", ["2026-11-02T06:30:00Z"]),
        ("30 1 * * *", "America/New_York", "2026-11-01T06:10:00Z", ["2026-11-02T06:30:00Z"]),
        ("0,30 1-2 * * *", "America/New_York", "2026-11-01T04:50:00Z", ["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T07:00:00Z", "2026-11-01T07:30:00Z"]),
        // Every hour: periodic, so it fires in both passes: 01:00 EDT, 01:30 EDT, 01:00 EST, 01:30 EST, 02:00 EST.
        ("*/30 * * * *", "America/New_York", "2026-11-01T04:45:00Z", ["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z"]),
        ("*/30 * * * *", "America/New_York", "2026-11-01T06:10:00Z", ["2026-11-01T06:30:00Z"]),
        ("@hourly", "America/New_York", "2026-11-01T04:30:00Z", ["2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"]),
        ("0 2 * * *", "America/New_York", "2026-11-01T00:00:00Z", ["2026-11-01T07:00:00Z", "2026-11-02T07:00:00Z"]),
        // Europe/Berlin 2026-03-29: 02:00 CET (01:00Z) becomes 03:00 CEST.
        ("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", ["2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"]),
        // Europe/Berlin 2026-10-25: 03:00 CEST (01:00Z) becomes 02:00 CET; 02:30 fires once, in CEST.
        ("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]),
        // Australia/Lord_Howe shifts by 30 minutes. 2026-10-04: 02:00 (+10:30, 15:30Z) becomes 02:30 (+11).
        ("15 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", ["2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"]),
        ("30 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", ["2026-10-03T15:30:00Z", "2026-10-04T15:30:00Z"]),
        ("*/15 * * * *", "Australia/Lord_Howe", "2026-10-03T15:10:00Z", ["2026-10-03T15:15:00Z", "2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z"]),
        // 2026-04-05: 02:00 (+11, 15:00Z) becomes 01:30 (+10:30); 01:30-02:00 happens twice.
        ("45 1 * * *", "Australia/Lord_Howe", "2026-04-04T12:00:00Z", ["2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"]),
        ("*/15 * * * *", "Australia/Lord_Howe", "2026-04-04T14:20:00Z", ["2026-04-04T14:30:00Z", "2026-04-04T14:45:00Z", "2026-04-04T15:00:00Z", "2026-04-04T15:15:00Z", "2026-04-04T15:30:00Z"]),
    ])
    func timeZones(expression: String, zone: String, start: String, expected: [String]) throws {
        #expect(try fires(expression, zone: zone, after: start, count: expected.count) == expected)
    }

    @Test func typicalSearchesAreFast() throws {
        // A per-second or per-minute scan would take milliseconds per call; the day-then-field search takes microseconds.
        let cron = try CronExpression("30 9 * * MON-FRI", timeZone: "America/New_York")
        var from = instant("2026-01-01T00:00:00Z")
        let calls = 2000
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<calls { from = try #require(cron.nextFire(after: from)) }
        }
        #expect(elapsed / calls < .microseconds(200), "average \(elapsed / calls)")
        let impossible = try CronExpression("0 0 30 2 *", timeZone: "Europe/Berlin")
        let slowest = clock.measure { _ = impossible.nextFire(after: from) }
        #expect(slowest < .milliseconds(20), "5-year search took \(slowest)")
    }
}

@Suite("CronExpression properties")
struct CronExpressionPropertyTests {
    /// SplitMix64: a small seeded generator, so failures reproduce.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Whether wall-clock civil seconds (since 1970-01-01T00:00 local) match the plain fields.
    /// Written independently of the search: per-second field checks, weekday from the day count.
    static func civilMatches(_ schedule: CronSchedule, _ civil: Int64) -> Bool {
        let days = Int64((Double(civil) / 86_400).rounded(.down))
        let secondOfDay = Int(civil - days * 86_400)
        let (_, month, day) = CivilTime.date(daysSince1970: days)
        let weekday = Int(((days % 7) + 7 + 4) % 7)
        guard schedule.seconds.contains(secondOfDay % 60), schedule.minutes.contains(secondOfDay / 60 % 60),
            schedule.hours.contains(secondOfDay / 3600), schedule.months.contains(Int(month))
        else { return false }
        let dom = schedule.daysOfMonth.days.contains(Int(day))
        let dow = schedule.daysOfWeek.weekdays.contains(weekday)
        return schedule.dayOfMonthRestricted && schedule.dayOfWeekRestricted ? dom || dow : dom && dow
    }

    /// Wall-clock fields at an instant, read through Foundation's calendar (independent of ``CivilTime``).
    static func foundationCivil(_ date: Date, _ zone: TimeZone) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let days = Int64(CivilTime.daysSince1970(year: c.year!, month: c.month!, day: c.day!))
        return days * 86_400 + Int64(c.hour! * 3600 + c.minute! * 60 + c.second!)
    }

    /// (expression, whether short windows are common enough that the brute-force check must have run).
    @Test(arguments: [
        ("*/7 * * * * *", true), ("13 */3 * * * *", true), ("0,30 15-20 * * 2-4 *", true),
        ("*/10 * 9-17 * * MON-FRI", true), ("5 5 5 * * *", false), ("0 0 0 13 * FRI", false),
    ])
    func nextFireIsTheFirstQualifyingSecond(expression: String, dense: Bool) throws {
        var generator = SeededGenerator(state: 0xC0FFEE ^ UInt64(truncatingIfNeeded: expression.utf8.reduce(0) { $0 &* 31 &+ Int($1) }))
        let rangeStart = instant("2026-01-01T00:00:00Z").timeIntervalSince1970
        var bruteForced = 0
        for zoneName in ["UTC", "America/New_York", "Australia/Lord_Howe"] {
            let cron = try CronExpression(expression, timeZone: zoneName)
            let zone = try #require(TimeZone(identifier: zoneName))
            for round in 0..<40 {
                var seconds = rangeStart + Double(Int.random(in: 0..<(3 * 365 * 86_400), using: &generator))
                if round % 3 == 0 { seconds += 0.5 }
                let start = Date(timeIntervalSince1970: seconds)
                let next = try #require(cron.nextFire(after: start), "no fire after \(start) for \(cron)")
                #expect(next > start)
                #expect(next.timeIntervalSince1970 == next.timeIntervalSince1970.rounded(), "not a whole second")
                let offsetBefore = zone.secondsFromGMT(for: next.addingTimeInterval(-1))
                let offsetAt = zone.secondsFromGMT(for: next)
                let civil = Self.foundationCivil(next, zone)
                // Either the wall-clock time matches, or the fire is the jump of a daylight-saving gap.
                #expect(Self.civilMatches(cron.schedule, civil) || offsetAt > offsetBefore,
                    "\(cron) fired at \(iso(next)!) after \(iso(start)!)")
                // No earlier qualifying second in (start, next), checked where the offset stays constant.
                let from = Int64(seconds.rounded(.down)) + 1, to = Int64(next.timeIntervalSince1970)
                let offset = Int64(zone.secondsFromGMT(for: start))
                guard to - from <= 4000, Int64(offsetAt) == offset,
                    zone.nextDaylightSavingTimeTransition(after: start).map({ $0 > next }) ?? true
                else { continue }
                bruteForced += 1
                #expect(Self.civilMatches(cron.schedule, to + offset))
                let earlier = (from..<to).first { Self.civilMatches(cron.schedule, $0 + offset) }
                #expect(earlier == nil, "\(cron): \(earlier.map { iso(Date(timeIntervalSince1970: TimeInterval($0))) ?? "" } ?? "") comes before \(iso(next)!)")
            }
        }
        if dense {
            #expect(bruteForced > 10, "the brute-force check ran only \(bruteForced) times")
        }
    }

    @Test(arguments: ["*/15 * * * *", "30 2 * * *", "30 1 * * *", "0 * * * *", "*/10 * * * * *"])
    func aroundTransitionsFiresAreIncreasingAndUnique(expression: String) throws {
        // Walking fire to fire across a whole year of transitions never goes backwards, never
        // repeats an instant, and every fire is a matching wall time or a gap's jump instant.
        for zoneName in ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe"] {
            let cron = try CronExpression(expression, timeZone: zoneName)
            let zone = try #require(TimeZone(identifier: zoneName))
            var transition = instant("2026-01-01T00:00:00Z")
            for _ in 0..<2 {
                transition = try #require(zone.nextDaylightSavingTimeTransition(after: transition))
                var previous = transition.addingTimeInterval(-3 * 3600)
                var count = 0
                while previous < transition.addingTimeInterval(3 * 3600), count < 2000 {
                    let next = try #require(cron.nextFire(after: previous))
                    #expect(next > previous)
                    let jump = zone.secondsFromGMT(for: next) > zone.secondsFromGMT(for: next.addingTimeInterval(-1))
                    #expect(Self.civilMatches(cron.schedule, Self.foundationCivil(next, zone)) || jump, "\(cron) at \(iso(next)!)")
                    previous = next
                    count += 1
                }
                #expect(count > 0)
            }
        }
    }
}
