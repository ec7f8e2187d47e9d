public import DurableTask
import Foundation

/// The `--schedule` form of a schedule: `key=value` pairs joined by commas, starting with `id=`:
///
/// ```
/// id=cleanup,cron=*/5 * * * * *,orchestration=PeriodicCleanup
/// id=cleanup,every=500ms,orchestration=PeriodicCleanup,input={"days":7}
/// ```
///
/// The keys are those of the JSON form (``ScheduleDefinition``): `id`, `cron`, `timeZone`,
/// `every` (or `interval`), `orchestration`, `input` (JSON), `version`, `instanceId`, `overlap`,
/// `catchUp`, `catchUpWindow`, `startAt`, `endAt` and `jitter`. A comma followed by a name and `=`
/// starts the next pair, so cron lists (`0 0 1,15 * *`) and JSON inputs keep their commas. Several
/// schedules may share one string: each starts at its `id=`.
public enum ScheduleSpec {
    static let keys = [
        "id", "cron", "timeZone", "every", "interval", "orchestration", "input", "version", "instanceId", "overlap", "catchUp",
        "catchUpWindow", "startAt", "endAt", "jitter",
    ]

    /// Parses one or more schedules.
    /// - Throws: `HostError(.invalidConfiguration)` naming the schedule and the problem.
    public static func parse(_ text: String) throws -> [ScheduleDefinition] {
        var specs: [[(String, String)]] = []
        for pair in pairs(text) {
            guard let eq = pair.firstIndex(of: "=") else {
                throw HostError(.invalidConfiguration, "--schedule: '\(pair)' is not key=value (keys: \(keys.joined(separator: ", ")))")
            }
            let key = String(pair[..<eq]).trimmingCharacters(in: .whitespaces)
            let value = String(pair[pair.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            guard keys.contains(key) else {
                throw HostError(.invalidConfiguration, "--schedule: unknown key '\(key)' (keys: \(keys.joined(separator: ", ")))")
            }
            if key == "id" || specs.isEmpty {
                guard key == "id" else { throw HostError(.invalidConfiguration, "--schedule: a schedule must start with id=, not '\(pair)'") }
                specs.append([])
            }
            specs[specs.count - 1].append((key, value))
        }
        return try specs.map(definition)
    }

    /// Whether `rest` starts with a key and `=`: a letter, then letters or digits. (JSON members
    /// start with a quote, cron list items with a digit, so neither splits.)
    private static func startsPair(_ rest: Substring) -> Bool {
        guard let first = rest.first, first.isASCII, first.isLetter else { return false }
        let name = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return rest.dropFirst(name.count).first == "="
    }

    /// Splits at commas that a key and `=` follow.
    private static func pairs(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if c == ",", startsPair(text[text.index(after: index)...]) {
                result.append(current)
                current = ""
            } else if c == ";" || c == "\n" {
                if !current.trimmingCharacters(in: .whitespaces).isEmpty { result.append(current) }
                current = ""
            } else {
                current.append(c)
            }
            index = text.index(after: index)
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { result.append(current) }
        return result.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func definition(_ pairs: [(String, String)]) throws -> ScheduleDefinition {
        let id = pairs.first?.1 ?? ""
        var object: [String: String] = [:]
        for (key, value) in pairs {
            guard object[key] == nil else { throw HostError(.invalidConfiguration, "--schedule \(id): '\(key)' is given twice") }
            object[key] = value
        }
        do {
            let definition = try JSONDecoder().decode(ScheduleDefinition.self, from: JSONEncoder().encode(object))
            try definition.validate()
            return definition
        } catch let error as DurableTaskError {
            throw HostError(.invalidConfiguration, "--schedule \(id): \(error.message)")
        } catch let error as DecodingError {
            throw HostError(.invalidConfiguration, "--schedule \(id): \(ScheduleDefinition.describe(error))")
        }
    }
}
