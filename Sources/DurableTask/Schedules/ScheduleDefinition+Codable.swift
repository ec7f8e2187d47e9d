public import Foundation

/// The JSON form, shared by the stored schedule and the management API:
///
/// ```json
/// {"id": "cleanup", "cron": "*/5 * * * * *", "timeZone": "UTC", "orchestration": "PeriodicCleanup",
///  "input": "{\"days\":7}", "version": "1", "instanceId": "cleanup-job", "overlap": "skip",
///  "catchUp": "all", "catchUpWindow": "1h", "startAt": "2026-12-03T00:00:00.000Z",
///  "endAt": null, "jitter": "0ms"}
/// ```
///
/// `cron` (with an optional `timeZone`, UTC by default) or `interval` (`every` is accepted too)
/// names the trigger; `instanceId` present means a fixed instance ID. Here `input` is JSON
/// text; the management API carries it as a JSON value.
extension ScheduleDefinition {
    enum CodingKeys: String, CodingKey {
        case id, cron, timeZone, interval, every, orchestration, input, version, instanceId, overlap, catchUp, catchUpWindow
        case startAt, endAt, jitter
    }

    /// Encodes the JSON form.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        switch trigger {
        case .cron(let expression):
            try c.encode(expression.text, forKey: .cron)
            try c.encode(expression.timeZoneIdentifier, forKey: .timeZone)
        case .interval(let every):
            try c.encode(ScheduleTime.formatDuration(every), forKey: .interval)
        }
        try c.encode(orchestrationName, forKey: .orchestration)
        try c.encodeIfPresent(input, forKey: .input)
        try c.encodeIfPresent(version, forKey: .version)
        if case .fixed(let fixed) = instanceIds { try c.encode(fixed, forKey: .instanceId) }
        try c.encode(overlap.rawValue, forKey: .overlap)
        switch catchUp {
        case .none: try c.encode("none", forKey: .catchUp)
        case .latest: try c.encode("latest", forKey: .catchUp)
        case .all(let window):
            try c.encode("all", forKey: .catchUp)
            try c.encode(ScheduleTime.formatDuration(window), forKey: .catchUpWindow)
        }
        try c.encodeIfPresent(startAt.map(ScheduleTime.format), forKey: .startAt)
        try c.encodeIfPresent(endAt.map(ScheduleTime.format), forKey: .endAt)
        try c.encode(ScheduleTime.formatDuration(jitter), forKey: .jitter)
    }

    /// Decodes the JSON form; a field that does not parse is a `DecodingError` naming it.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.decode(String.self, forKey: .id)
        let trigger: ScheduleTrigger
        if let cron = try c.decodeIfPresent(String.self, forKey: .cron) {
            let zone = try c.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC"
            do {
                trigger = .cron(try CronExpression(cron, timeZone: zone))
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .cron, in: c, debugDescription: Self.message(of: error))
            }
        } else if let every = try c.decodeIfPresent(String.self, forKey: .interval) ?? c.decodeIfPresent(String.self, forKey: .every) {
            guard let duration = ScheduleTime.parseDuration(every) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .interval, in: c, debugDescription: "'\(every)' is not a duration like 500ms, 5s, 2m or 1h")
            }
            trigger = .interval(duration)
        } else {
            throw DecodingError.keyNotFound(
                CodingKeys.cron, .init(codingPath: c.codingPath, debugDescription: "a schedule needs 'cron' or 'interval'"))
        }
        let overlapText = try c.decodeIfPresent(String.self, forKey: .overlap) ?? ScheduleOverlapPolicy.skip.rawValue
        guard let overlap = ScheduleOverlapPolicy(rawValue: overlapText) else {
            throw DecodingError.dataCorruptedError(
                forKey: .overlap, in: c, debugDescription: "overlap must be skip, bufferOne, terminate or allowAll, not '\(overlapText)'")
        }
        let catchUp: ScheduleCatchUpPolicy
        switch try c.decodeIfPresent(String.self, forKey: .catchUp) ?? "latest" {
        case "none": catchUp = .none
        case "latest": catchUp = .latest
        case "all":
            let text = try c.decodeIfPresent(String.self, forKey: .catchUpWindow) ?? "1d"
            guard let window = ScheduleTime.parseDuration(text) else {
                throw DecodingError.dataCorruptedError(forKey: .catchUpWindow, in: c, debugDescription: "'\(text)' is not a duration")
            }
            catchUp = .all(window: window)
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .catchUp, in: c, debugDescription: "catchUp must be none, latest or all, not '\(other)'")
        }
        let jitterText = try c.decodeIfPresent(String.self, forKey: .jitter) ?? "0ms"
        guard let jitter = ScheduleTime.parseDuration(jitterText) ?? (jitterText == "0" ? .zero : nil) else {
            throw DecodingError.dataCorruptedError(forKey: .jitter, in: c, debugDescription: "'\(jitterText)' is not a duration")
        }
        self.init(
            id: id, trigger: trigger, orchestrationName: try c.decode(String.self, forKey: .orchestration),
            input: try c.decodeIfPresent(String.self, forKey: .input), version: try c.decodeIfPresent(String.self, forKey: .version),
            instanceIds: try c.decodeIfPresent(String.self, forKey: .instanceId).map(ScheduleInstanceIDs.fixed) ?? .perTick,
            overlap: overlap, catchUp: catchUp, startAt: try Self.date(c, .startAt), endAt: try Self.date(c, .endAt), jitter: jitter)
    }

    private static func date(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Date? {
        guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let date = ScheduleTime.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "'\(text)' is not an ISO 8601 time")
        }
        return date
    }

    /// One line naming the field and the problem of an error decoding the JSON form.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return context.debugDescription.hasPrefix("a schedule needs") ? context.debugDescription : "'\(key.stringValue)' is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "'\(path(context))' has the wrong type"
        case .dataCorrupted(let context):
            let field = path(context)
            return field.isEmpty ? context.debugDescription : "\(field): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func message(of error: any Error) -> String {
        (error as? DurableTaskError)?.message ?? String(describing: error)
    }
}

extension ScheduleTime {
    /// Parses an ISO 8601 time with a zone (`2026-12-03T16:25:00Z`, fractions allowed).
    public static func parse(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date }
        return ISO8601DateFormatter().date(from: text)
    }
}
