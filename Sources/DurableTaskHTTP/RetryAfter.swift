import Foundation

/// The `Retry-After` header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
enum RetryAfter: Equatable {
    /// Wait this many seconds after the response.
    case seconds(Int)
    /// Wait until this absolute time.
    case date(Date)

    /// Parses a header value; `nil` for anything that is neither form.
    init?(_ value: String) {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Huge values are clamped rather than rejected: they still mean "much later".
            self = .seconds(Int(text) ?? Int(Int32.max))
        } else if let date = HTTPDate.parse(text) {
            self = .date(date)
        } else {
            return nil
        }
    }

    /// When to poll next, given the orchestration's current time. A date in the past gives `now`.
    func fireTime(after now: Date) -> Date {
        switch self {
        case .seconds(let s): return now.addingTimeInterval(TimeInterval(s))
        case .date(let d): return max(d, now)
        }
    }
}
