import DurableTask
import Foundation

/// The query parameters of a request, read as §2 says: names are case-insensitive, values are
/// form-decoded and trimmed, an empty value counts as absent, and a repeated name reads as `a,b`.
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    /// Parses a raw query string (without `?`).
    init(_ query: String?) {
        guard let query else { return }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.formDecode(parts[0]).lowercased()
            let value = parts.count > 1 ? Self.formDecode(parts[1]).trimmingCharacters(in: .whitespaces) : ""
            guard !name.isEmpty, !value.isEmpty else { continue }
            if let existing = values[name] { values[name] = existing + "," + value } else { values[name] = value }
        }
    }

    /// The value of a parameter, or `nil` if it is absent or empty.
    subscript(_ name: String) -> String? { values[name.lowercased()] }

    /// A boolean (`true`/`false` in any case); absent or unparsable values give `defaultValue`.
    func bool(_ name: String, default defaultValue: Bool) -> Bool {
        switch self[name]?.lowercased() {
        case "true": true
        case "false": false
        default: defaultValue
        }
    }

    /// A finite number of seconds, or `nil` if absent or unparsable.
    func seconds(_ name: String) -> Double? {
        guard let text = self[name], let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The page size `top`: 100 when absent.
    /// - Throws: `400 bad_request` unless it is a positive integer (§9).
    func top() throws(ManagementAPIError) -> Int {
        guard let text = self["top"] else { return 100 }
        guard let n = Int(text), n > 0 else { throw .badRequest("'top' must be a positive integer, not '\(text)'") }
        return n
    }

    /// A timestamp (see ``APITimestamps/parse(_:)``); `nil` if absent.
    /// - Throws: `400 bad_request` if present but unparsable.
    func timestamp(_ name: String) throws(ManagementAPIError) -> Date? {
        guard let text = self[name] else { return nil }
        guard let date = APITimestamps.parse(text) else {
            throw .badRequest("'\(name)' is not a timestamp: '\(text)' (use RFC 3339, e.g. 2024-05-01T12:00:00Z)")
        }
        return date
    }

    /// The `runtimeStatus` filter of §4.3: names (case-sensitive) or DF's numeric values,
    /// comma-separated; unknown ones are dropped; `nil` when none is valid.
    func runtimeStatuses() -> Set<OrchestrationStatus>? {
        guard let text = self["runtimeStatus"] else { return nil }
        var statuses = Set<OrchestrationStatus>()
        for item in text.split(separator: ",") {
            let name = item.trimmingCharacters(in: .whitespaces)
            if let status = OrchestrationStatus(rawValue: name) {
                statuses.insert(status)
            } else if let number = Int(name), let status = Self.numericStatuses[number] {
                statuses.insert(status)
            }
        }
        return statuses.isEmpty ? nil : statuses
    }

    /// DF's `OrchestrationRuntimeStatus` enum values.
    private static let numericStatuses: [Int: OrchestrationStatus] = [
        0: .running, 1: .completed, 2: .continuedAsNew, 3: .failed, 4: .canceled, 5: .terminated, 6: .pending, 7: .suspended,
    ]

    private static func formDecode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
