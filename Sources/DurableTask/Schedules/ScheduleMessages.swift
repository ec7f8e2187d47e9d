import Foundation

/// What a client asks of a schedule (the input of every management operation).
package struct ScheduleCommand: Codable, Sendable, Hashable {
    /// How an `upsert` treats an existing schedule.
    package enum Mode: String, Codable, Sendable {
        /// Fails if the schedule exists.
        case create
        /// Fails if it does not.
        case update
        /// Creates or updates; a definition equal to the stored one changes nothing.
        case upsert
    }

    package var definition: ScheduleDefinition?
    package var mode: Mode?
    /// For a create: start paused.
    package var paused: Bool?
    /// For a pause.
    package var reason: String?

    package init(definition: ScheduleDefinition? = nil, mode: Mode? = nil, paused: Bool? = nil, reason: String? = nil) {
        self.definition = definition
        self.mode = mode
        self.paused = paused
        self.reason = reason
    }
}

/// A schedule's answer to a management operation: the schedule after it, or an error.
package struct ScheduleReply: Codable, Sendable, Hashable {
    package var schedule: ScheduleDescription?
    package var errorCode: String?
    package var errorMessage: String?

    package init(schedule: ScheduleDescription?) {
        self.schedule = schedule
    }

    package init(error: DurableTaskError) {
        errorCode = error.code.rawValue
        errorMessage = error.message
    }

    /// The error this reply carries, if any.
    package var error: DurableTaskError? {
        guard let errorCode else { return nil }
        return DurableTaskError(.init(errorCode), errorMessage ?? errorCode)
    }
}

/// The tick a schedule sets for itself: due at `due`, for revision `revision`.
struct ScheduleTickSignal: Codable, Sendable, Hashable {
    var revision: Int
    /// The due time in milliseconds since 1970.
    var due: Int64
}

/// The end of a run a schedule started (its instance reached a terminal status).
package struct ScheduleRunEnded: Codable, Sendable, Hashable {
    package var instanceId: String
    /// The tick that started the run (ISO 8601, the ``ScheduleTags/tick`` tag).
    package var tick: String
    package var status: OrchestrationStatus
}

/// The tags a schedule puts on the instances it starts; the engine tells the schedule when such
/// an instance ends.
package enum ScheduleTags {
    /// The schedule ID.
    package static let scheduleId = "durable.schedule"
    /// The tick's due time (ISO 8601).
    package static let tick = "durable.schedule.tick"

    /// The signal that tells the schedule one of its runs ended, or `nil` if `started` carries no
    /// schedule tag.
    static func runEndedMessage(
        for started: ExecutionStartedEvent, status: OrchestrationStatus, at now: Date
    ) -> OrchestrationMessage? {
        guard let scheduleId = started.tags[scheduleId] else { return nil }
        let ended = ScheduleRunEnded(instanceId: started.instanceId, tick: started.tags[tick] ?? "", status: status)
        guard let payload = try? PayloadCoding.encode(ended) else { return nil }
        let request = EntityRequest(kind: .signal, operation: ScheduleEntity.Operation.runEnded, input: payload)
        return try? request.message(to: EntityID(name: ScheduleEntity.name, key: scheduleId), at: now)
    }
}

extension ErrorCode where Domain == DurableTaskError {
    /// No schedule has the requested ID.
    public static var scheduleNotFound: Self { Self("scheduleNotFound") }
    /// A schedule with the requested ID already exists.
    public static var scheduleAlreadyExists: Self { Self("scheduleAlreadyExists") }
}
