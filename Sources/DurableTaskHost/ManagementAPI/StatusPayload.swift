import DurableTask

/// The instance status object of §3.1.
enum StatusPayload {
    /// The status object, members in DF's order; `historyEvents` only when given.
    static func object(_ m: OrchestrationMetadata, showInput: Bool, historyEvents: JSONValue? = nil) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("name", .string(m.name)),
            ("instanceId", .string(m.instanceId)),
            ("runtimeStatus", .string(m.runtimeStatus.rawValue)),
            ("input", showInput ? .embedding(m.input) : .null),
            ("customStatus", .embedding(m.customStatus)),
            ("output", output(of: m)),
            ("createdTime", .string(APITimestamps.seconds(m.createdAt))),
            ("lastUpdatedTime", .string(APITimestamps.seconds(m.lastUpdatedAt))),
        ]
        if let historyEvents { members.append(("historyEvents", historyEvents)) }
        return .object(members)
    }

    /// The output: `null` while live; for a failure without an output, the failure as text
    /// (`"ErrorType: message"`), as DF reports the error output.
    static func output(of m: OrchestrationMetadata) -> JSONValue {
        guard m.runtimeStatus.isTerminal else { return .null }
        if m.output == nil, m.runtimeStatus == .failed, let failure = m.failureDetails {
            return .string(failure.description)
        }
        return .embedding(m.output)
    }
}
