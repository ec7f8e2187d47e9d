@testable import DurableTaskHTTP
import Foundation
import Testing

/// `Retry-After` in both forms, and the HTTP-date parser.
@Suite("Durable HTTP: Retry-After parsing", .timeLimit(.minutes(3)))
struct RetryAfterTests {
    /// 1994-11-06 08:49:37 UTC, the RFC's example.
    static let rfcExample = Date(timeIntervalSince1970: 784_111_777)

    @Test(arguments: [
        ("Sun, 06 Nov 1994 08:49:37 GMT", rfcExample),  // IMF-fixdate
        ("Sunday, 06-Nov-94 08:49:37 GMT", rfcExample),  // RFC 850
        ("Sun Nov  6 08:49:37 1994", rfcExample),  // asctime
        ("Thu, 01 Jan 1970 00:00:00 GMT", Date(timeIntervalSince1970: 0)),
        ("Tue, 29 Feb 2028 23:59:59 GMT", Date(timeIntervalSince1970: 1_835_481_599)),
    ])
    func parsesHTTPDates(text: String, expected: Date) {
        #expect(HTTPDate.parse(text) == expected)
        #expect(RetryAfter(text) == .date(expected))
    }

    @Test func agreesWithFoundationOnIMFFixdates() {
        for seconds in stride(from: 0.0, to: 4_000_000_000, by: 86_400 * 97 + 3_661) {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(HTTPDate.parse(imfFixdate(date)) == date, "\(imfFixdate(date))")
        }
    }

    @Test func parsesDeltaSeconds() {
        #expect(RetryAfter("120") == .seconds(120))
        #expect(RetryAfter(" 0 ") == .seconds(0))
        #expect(RetryAfter("99999999999999999999999") == .seconds(Int(Int32.max)))
    }

    @Test(arguments: ["", "-5", "1.5", "soon", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:00:00 GMT"])
    func rejectsOtherText(text: String) {
        #expect(RetryAfter(text) == nil)
    }

    @Test func fireTimes() {
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        #expect(RetryAfter.seconds(3).fireTime(after: now) == now.addingTimeInterval(3))
        #expect(RetryAfter.date(now.addingTimeInterval(10)).fireTime(after: now) == now.addingTimeInterval(10))
        #expect(RetryAfter.date(Self.rfcExample).fireTime(after: now) == now, "a past date means now")
    }
}
