import Foundation

/// Human-readable output: aligned tables for lists, `key: value` blocks for single objects, and
/// the compact text of JSON values.
enum TableOutput {
    /// Columns padded to their widest cell, separated by two spaces; the header first. Cells are
    /// kept on one line (newlines become spaces).
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let rows = rows.map { $0.map { $0.replacingOccurrences(of: "\n", with: " ") } }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                let last = index == cells.count - 1
                text += last ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) + "  "
            }
            return text
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// `key: value` lines, the values aligned after the longest key.
    static func block(_ pairs: [(String, String)]) -> String {
        let width = (pairs.map(\.0.count).max() ?? 0) + 1
        return pairs.map { key, value in (key + ":").padding(toLength: width, withPad: " ", startingAt: 0) + " " + value }
            .joined(separator: "\n")
    }

    /// A JSON value as compact text: `-` for a missing value or null, a string without quotes
    /// only when `bareStrings`, else JSON.
    static func value(_ value: Any?, bareStrings: Bool = false) -> String {
        guard let value, !(value is NSNull) else { return "-" }
        if bareStrings, let string = value as? String { return string }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
        else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A string member of a JSON object, or `-`.
    static func string(_ object: [String: Any], _ key: String) -> String {
        (object[key] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "-"
    }
}
