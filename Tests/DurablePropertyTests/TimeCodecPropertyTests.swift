import DurableTask
@testable import DurableTaskHost
@testable import DurableTaskRedis
import Foundation
import PropertyBased
import Testing

/// Every time the engine may be handed (a timer in 1e300 s, NaN, a `Timestamp` of `Int64.max`
/// seconds) goes through each time codec without trapping, and lands in years 1 to 9999.
@Suite("Property: time codecs", .timeLimit(.minutes(1)))
struct TimeCodecPropertyTests {
    // Expectations compare seconds, not dates: Foundation's `Date.description`, which a failed
    // expectation on a date would print, traps for dates like these.
    let range = DurableTime.earliest.timeIntervalSince1970...DurableTime.latest.timeIntervalSince1970

    func seconds(_ date: Date) -> Double { date.timeIntervalSince1970 }

    @Test func durableTimeIsTotalAndMonotonic() async {
        await propertyCheck(count: 1000, input: Extreme.doubles, Extreme.doubles) { a, b in
            let (first, second) = (Date(timeIntervalSince1970: a), Date(timeIntervalSince1970: b))
            // (A `Date` keeps its own precision: 1e-100 s after 1970 is 1970 itself.)
            let (own, clamped) = (seconds(first), seconds(DurableTime.clamped(first)))
            #expect(range.contains(clamped), "\(a) → \(clamped)")
            if range.contains(own) { #expect(clamped == own) }
            if a <= b {
                #expect(DurableTime.millis(first) <= DurableTime.millis(second))
                #expect(DurableTime.micros(first) <= DurableTime.micros(second))
            }
            let delay = DurableTime.delay(seconds: a)
            #expect(delay >= .zero && delay <= .seconds(DurableTime.maxDelaySeconds))
        }
    }

    @Test func redisMillisRoundTripEveryDate() async {
        await propertyCheck(count: 1000, input: Extreme.doubles) { seconds in
            let date = Date(timeIntervalSince1970: seconds)
            let back = try #require(RedisCodec.date(millis: RedisCodec.millis(date)))
            #expect(abs(self.seconds(back) - self.seconds(DurableTime.clamped(date))) < 0.001, "\(seconds)")
        }
    }

    @Test func redisMillisReaderTakesAnyText() async {
        let numbers = generator { (rng: inout Randomness) -> String in
            Bool.random(using: &rng) ? String(Int64.random(in: .min ... .max, using: &rng)) : RandomText.string(maxLength: 24, using: &rng)
        }
        await propertyCheck(count: 1000, input: numbers) { text in
            guard let date = RedisCodec.date(millis: text) else { return }
            #expect(Int64(text) != nil)
            #expect(seconds(date).isFinite)
        }
    }

    @Test func apiTimestampsRenderEveryDateInRange() async throws {
        await propertyCheck(count: 1000, input: Extreme.doubles) { seconds in
            let clamped = self.seconds(DurableTime.clamped(Date(timeIntervalSince1970: seconds)))
            let precise = APITimestamps.precise(Date(timeIntervalSince1970: seconds))
            let parsed = try #require(APITimestamps.parse(precise).map(self.seconds), "\(seconds) → \(precise)")
            #expect(abs(parsed - clamped) < 0.001, "\(seconds) → \(precise)")
            let text = APITimestamps.seconds(Date(timeIntervalSince1970: seconds))
            let whole = try #require(APITimestamps.parse(text).map(self.seconds), "\(seconds) → \(text)")
            #expect(whole <= clamped && clamped - whole < 1.001, "\(seconds) → \(text)")
        }
    }

    /// Found by ``apiTimestampsRenderEveryDateInRange()``: a date beyond ±29,000 years trapped
    /// converting its ticks to `Int64` (reachable through a remote worker's timer, in the history
    /// the API shows).
    @Test(arguments: [
        (9.2e18, "9999-12-31T23:59:59Z"), (-9.2e18, "0001-01-01T00:00:00Z"), (1e300, "9999-12-31T23:59:59Z"),
        (Double.nan, "0001-01-01T00:00:00Z"), (253_402_300_799.5, "9999-12-31T23:59:59Z"),
    ])
    func farDatesRenderAtTheEndsOfTheRange(seconds: Double, expected: String) {
        #expect(APITimestamps.precise(Date(timeIntervalSince1970: seconds)) == expected)
        #expect(APITimestamps.seconds(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func apiTimestampParserTakesAnyText() async {
        let texts = generator { (rng: inout Randomness) -> String in
            let valid = APITimestamps.precise(Extreme.date(using: &rng)) + ["", "+14:00", "-23:59", " 05:30"].randomElement(using: &rng)!
            let mutated = RandomText.mutate(Array(valid.utf8), using: &rng)
            return Bool.random(using: &rng) ? String(decoding: mutated, as: UTF8.self) : RandomText.string(maxLength: 40, using: &rng)
        }
        await propertyCheck(count: 1000, input: texts) { text in
            if let date = APITimestamps.parse(text) { #expect(seconds(date).isFinite, "\(text)") }
        }
    }
}
