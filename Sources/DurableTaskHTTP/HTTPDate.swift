import Foundation

/// A locale-free, deterministic parser for HTTP-dates (RFC 9110 §5.6.7): the preferred
/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and the two obsolete forms recipients must
/// accept, RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The instant, or `nil` if the text is not an HTTP-date.
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" {
            // IMF-fixdate: day-name, DD Mon YYYY HH:MM:SS GMT
            return make(year: Int(parts[3]), month: month(parts[2]), day: Int(parts[1]), time: parts[4])
        }
        if parts.count == 4, parts[0].hasSuffix(","), parts[3] == "GMT" {
            // RFC 850: day-name, DD-Mon-YY HH:MM:SS GMT
            let dmy = parts[1].split(separator: "-").map(String.init)
            guard dmy.count == 3, let yy = Int(dmy[2]), dmy[2].count == 2 else { return nil }
            // Two-digit years: RFC 9110 says a year more than 50 years in the future is in the past century;
            // without a clock here, 70...99 is 19xx and 00...69 is 20xx.
            let year = yy >= 70 ? 1900 + yy : 2000 + yy
            return make(year: year, month: month(dmy[1]), day: Int(dmy[0]), time: parts[2])
        }
        if parts.count == 5 {
            // asctime: day-name Mon D HH:MM:SS YYYY
            return make(year: Int(parts[4]), month: month(parts[1]), day: Int(parts[2]), time: parts[3])
        }
        return nil
    }

    private static func month(_ name: String) -> Int? {
        months.firstIndex(of: name.lowercased()).map { $0 + 1 }
    }

    private static func make(year: Int?, month: Int?, day: Int?, time: String) -> Date? {
        let hms = time.split(separator: ":").map { Int($0) }
        guard let year, let month, let day, (1...31).contains(day), hms.count == 3,
            let h = hms[0], let m = hms[1], let s = hms[2], (0...23).contains(h), (0...59).contains(m), (0...60).contains(s)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = ((days * 24 + h) * 60 + m) * 60 + s
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
