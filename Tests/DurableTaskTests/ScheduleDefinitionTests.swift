import DurableTask
import Foundation
import Testing

/// The schedule definition's JSON form, its validation, and the time and duration formats.
@Suite("Schedule definitions")
struct ScheduleDefinitionTests {
    @Test(arguments: [
        ("500ms", Int64(500)), ("5s", 5_000), ("2m", 120_000), ("1h", 3_600_000), ("1d", 86_400_000), ("1m30s", 90_000),
        (" 100ms ", 100),
    ])
    func durationsParse(_ text: String, _ ms: Int64) {
        #expect(ScheduleTime.parseDuration(text) == .milliseconds(ms))
    }

    @Test(arguments: ["", "5", "ms", "5x", "-5s", "1.5s", "99999999999999d", "5s ms"])
    func badDurationsAreNil(_ text: String) {
        #expect(ScheduleTime.parseDuration(text) == nil)
    }

    @Test func durationsFormatInTheLargestUnit() {
        #expect(ScheduleTime.formatDuration(.milliseconds(1500)) == "1500ms")
        #expect(ScheduleTime.formatDuration(.seconds(120)) == "2m")
        #expect(ScheduleTime.formatDuration(.seconds(86_400)) == "1d")
        #expect(ScheduleTime.formatDuration(.zero) == "0ms")
    }

    @Test func timesFormatAsUTCWithMilliseconds() throws {
        let date = Date(timeIntervalSince1970: 1_796_315_100.5)
        #expect(ScheduleTime.format(date) == "2026-12-03T16:25:00.500Z")
        #expect(ScheduleTime.parse("2026-12-03T16:25:00.500Z") == date)
        #expect(ScheduleTime.parse("2026-12-03T17:25:00+01:00") == Date(timeIntervalSince1970: 1_796_315_100))
        #expect(ScheduleTime.parse("tomorrow") == nil)
    }

    @Test func jsonRoundTripAndShape() throws {
        let definition = ScheduleDefinition(
            id: "nightly", trigger: .cron(try CronExpression("0 30 2 * * *", timeZone: "Europe/Berlin")),
            orchestrationName: "Cleanup", input: #"{"days":7}"#, version: "2", instanceIds: .fixed("nightly-job"),
            overlap: .bufferOne, catchUp: .all(window: .seconds(3600)), startAt: Date(timeIntervalSince1970: 1_796_256_000),
            jitter: .seconds(5))
        let data = try JSONEncoder().encode(definition)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["cron"] as? String == "0 30 2 * * *")
        #expect(object["timeZone"] as? String == "Europe/Berlin")
        #expect(object["instanceId"] as? String == "nightly-job")
        #expect(object["catchUp"] as? String == "all")
        #expect(object["catchUpWindow"] as? String == "1h")
        #expect(object["startAt"] as? String == "2026-12-03T00:00:00.000Z")
        #expect(object["jitter"] as? String == "5s")
        #expect(try JSONDecoder().decode(ScheduleDefinition.self, from: data) == definition)

        let interval = try JSONDecoder().decode(
            ScheduleDefinition.self, from: Data(#"{"id":"i","every":"250ms","orchestration":"X"}"#.utf8))
        #expect(interval.trigger == .interval(.milliseconds(250)))
        #expect(interval.instanceIds == .perTick && interval.overlap == .skip && interval.catchUp == .latest)
    }

    @Test(arguments: [
        (ScheduleDefinition(id: "", trigger: .interval(.seconds(1)), orchestrationName: "X"), "schedule ID"),
        (ScheduleDefinition(id: "@x", trigger: .interval(.seconds(1)), orchestrationName: "X"), "'@'"),
        (ScheduleDefinition(id: "a/b", trigger: .interval(.seconds(1)), orchestrationName: "X"), "forbidden"),
        (ScheduleDefinition(id: "x", trigger: .interval(.milliseconds(99)), orchestrationName: "X"), "100ms"),
        (ScheduleDefinition(id: "x", trigger: .interval(.seconds(1)), orchestrationName: ""), "orchestration"),
        (ScheduleDefinition(id: "x", trigger: .interval(.seconds(1)), orchestrationName: "X", input: "{nope"), "JSON"),
        (ScheduleDefinition(id: "x", trigger: .interval(.seconds(1)), orchestrationName: "X", instanceIds: .fixed("@e@k")), "@"),
        (ScheduleDefinition(
            id: "x", trigger: .interval(.seconds(1)), orchestrationName: "X", startAt: Date(timeIntervalSince1970: 10),
            endAt: Date(timeIntervalSince1970: 5)), "end"),
        (ScheduleDefinition(id: "x", trigger: .interval(.seconds(1)), orchestrationName: "X", catchUp: .all(window: .zero)), "window"),
    ])
    func invalidDefinitionsAreRefused(_ definition: ScheduleDefinition, _ mentions: String) {
        let error = #expect(throws: DurableTaskError.self) { try definition.validate() }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains(mentions) == true, "\(error?.message ?? "")")
    }

    /// Interval ticks are in phase with the anchor, whatever the time asked from.
    @Test func intervalTicksKeepTheirPhase() {
        let anchor = Date(timeIntervalSince1970: 1_000)
        let every = ScheduleTrigger.interval(.milliseconds(300))
        let probes = [1_000.0, 1_000.1, 1_000.3, 1_007.77]
        #expect(every.nextDue(after: Date(timeIntervalSince1970: 999), anchor: anchor) == anchor)
        for t in probes {
            guard let due = every.nextDue(after: Date(timeIntervalSince1970: t), anchor: anchor) else {
                Issue.record("no due time")
                continue
            }
            let offset = DurableTime.millis(due) - DurableTime.millis(anchor)
            #expect(offset >= 0 && offset % 300 == 0)
            #expect(due > Date(timeIntervalSince1970: t) && due.timeIntervalSince1970 - t <= 0.3 + 1e-6)
        }
    }

    /// Any date is a valid starting point: far, infinite or NaN ones are clamped, never trapped on.
    /// (Seconds since 1970 as arguments: Foundation's `Date.description`, which test reports use,
    /// itself traps on an infinite date.)
    @Test(arguments: [Date.distantFuture.timeIntervalSince1970, Date.distantPast.timeIntervalSince1970, .infinity, -.infinity, .nan, 1e300])
    func extremeDatesDoNotTrap(_ seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let cron = try CronExpression("*/5 * * * * *", timeZone: "America/New_York")
        if let next = cron.nextFire(after: date) { #expect(next <= DurableTime.latest.addingTimeInterval(6 * 366 * 86_400)) }
        let interval = ScheduleTrigger.interval(.seconds(1))
        _ = interval.nextDue(after: date, anchor: Date(timeIntervalSince1970: 0))
        _ = interval.nextDue(after: Date(timeIntervalSince1970: 0), anchor: date)
        _ = ScheduleTime.format(date)
    }
}
