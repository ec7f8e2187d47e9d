public import Foundation

/// One page of schedules.
public struct SchedulePage: Sendable, Hashable {
    /// The schedules on this page.
    public var schedules: [ScheduleDescription]
    /// The token for the next page, or `nil` on the last one.
    public var continuationToken: String?
}

extension DurableTaskClient {
    /// Creates a schedule. It ticks from its next due time on (paused: not until resumed).
    ///
    /// Changes go through the schedule's entity, so a worker of the task hub must run; the call
    /// waits for it up to `timeout`.
    /// - Throws: `scheduleAlreadyExists`, `invalidArgument` (the definition), `timeout`.
    @discardableResult
    public func createSchedule(_ definition: ScheduleDefinition, paused: Bool = false, timeout: Duration = .seconds(30))
        async throws -> ScheduleDescription
    {
        try await upsertSchedule(definition, .create, paused: paused, timeout: timeout)
    }

    /// Replaces a schedule's definition. Its status, live run and tick history stay; the next
    /// tick follows the new definition.
    /// - Throws: `scheduleNotFound`, `invalidArgument`, `timeout`.
    @discardableResult
    public func updateSchedule(_ definition: ScheduleDefinition, timeout: Duration = .seconds(30)) async throws
        -> ScheduleDescription
    {
        try await upsertSchedule(definition, .update, timeout: timeout)
    }

    /// Creates a schedule, or updates it if it exists. An unchanged definition changes nothing
    /// (not the next due time, nor a pause), so a host may call this at every start.
    /// - Throws: `invalidArgument`, `timeout`.
    @discardableResult
    public func createOrUpdateSchedule(_ definition: ScheduleDefinition, timeout: Duration = .seconds(30)) async throws
        -> ScheduleDescription
    {
        try await upsertSchedule(definition, .upsert, timeout: timeout)
    }

    /// Pauses a schedule: no ticks until it is resumed.
    /// - Throws: `scheduleNotFound`, `timeout`.
    @discardableResult
    public func pauseSchedule(_ id: String, reason: String? = nil, timeout: Duration = .seconds(30)) async throws
        -> ScheduleDescription
    {
        try await changeSchedule(id, ScheduleEntity.Operation.pause, ScheduleCommand(reason: reason), timeout: timeout)
    }

    /// Resumes a paused schedule from its next due time; ticks due while it was paused do not run.
    /// - Throws: `scheduleNotFound`, `timeout`.
    @discardableResult
    public func resumeSchedule(_ id: String, timeout: Duration = .seconds(30)) async throws -> ScheduleDescription {
        try await changeSchedule(id, ScheduleEntity.Operation.resume, ScheduleCommand(), timeout: timeout)
    }

    /// Deletes a schedule. Runs it started go on.
    /// - Throws: `scheduleNotFound`, `timeout`.
    public func deleteSchedule(_ id: String, timeout: Duration = .seconds(30)) async throws {
        _ = try await runScheduleOperation(id, ScheduleEntity.Operation.delete, ScheduleCommand(), timeout: timeout)
    }

    /// Reads a schedule; `nil` if none has the ID. Needs no worker.
    public func describeSchedule(_ id: String) async throws -> ScheduleDescription? {
        let entity = try Self.scheduleEntity(id)
        guard let state = try await getEntity(entity)?.state else { return nil }
        return try PayloadCoding.decodeOrThrow(ScheduleDescription.self, from: state, what: "schedule '\(id)'")
    }

    /// Lists schedules in ID order, one page at a time. Needs no worker.
    public func listSchedules(idPrefix: String = "", pageSize: Int = 100, continuationToken: String? = nil) async throws
        -> SchedulePage
    {
        let page = try await queryEntities(EntityQuery(
            namePrefix: ScheduleEntity.name + "@" + idPrefix, pageSize: pageSize, continuationToken: continuationToken))
        let schedules = try page.entities.compactMap { entity -> ScheduleDescription? in
            guard entity.id.name == ScheduleEntity.name, let state = entity.state else { return nil }
            return try PayloadCoding.decodeOrThrow(ScheduleDescription.self, from: state, what: "schedule '\(entity.id.key)'")
        }
        return SchedulePage(schedules: schedules, continuationToken: page.continuationToken)
    }

    private static func scheduleEntity(_ id: String) throws -> EntityID {
        guard !id.isEmpty, id.count <= ScheduleDefinition.maxIdLength, !id.hasPrefix("@") else {
            throw DurableTaskError(.invalidArgument, "a schedule ID must be 1 to \(ScheduleDefinition.maxIdLength) characters and not start with '@'")
        }
        let entity = EntityID(name: ScheduleEntity.name, key: id)
        try entity.validate()
        return entity
    }

    private func upsertSchedule(_ definition: ScheduleDefinition, _ mode: ScheduleCommand.Mode, paused: Bool = false, timeout: Duration)
        async throws -> ScheduleDescription
    {
        try definition.validate()
        let command = ScheduleCommand(definition: definition, mode: mode, paused: paused)
        return try await changeSchedule(definition.id, ScheduleEntity.Operation.upsert, command, timeout: timeout)
    }

    /// Runs one management operation and returns the schedule after it.
    private func changeSchedule(_ id: String, _ operation: String, _ command: ScheduleCommand, timeout: Duration) async throws
        -> ScheduleDescription
    {
        guard let schedule = try await runScheduleOperation(id, operation, command, timeout: timeout).schedule else {
            throw DurableTaskError(.scheduleNotFound, "no schedule has the ID '\(id)'")
        }
        return schedule
    }

    /// Runs one management operation through the schedule's entity and waits for its answer.
    private func runScheduleOperation(_ id: String, _ operation: String, _ command: ScheduleCommand, timeout: Duration)
        async throws -> ScheduleReply
    {
        _ = try Self.scheduleEntity(id)
        let runId = ScheduleOperation.instanceIdPrefix + RandomIdentifier.compact()
        _ = try await scheduleNewOrchestration(
            named: ScheduleOperation.name, input: ScheduleOperation.Input(scheduleId: id, operation: operation, command: command),
            options: StartOptions(instanceId: runId))
        let finished: OrchestrationMetadata
        do {
            finished = try await waitForInstanceCompletion(runId, timeout: timeout)
        } catch let error as DurableTaskError where error.code == .timeout {
            _ = try? await terminate(runId, reason: "timed out")
            throw DurableTaskError(
                .timeout, "no worker answered the schedule operation '\(operation)' within \(timeout); is a worker running?")
        }
        _ = try? await purgeInstance(runId)
        guard finished.runtimeStatus == .completed, let reply = try? PayloadCoding.decode(ScheduleReply.self, from: finished.output)
        else {
            throw DurableTaskError(
                .invalidState, "the schedule operation '\(operation)' ended \(finished.runtimeStatus.rawValue): "
                    + (finished.failureDetails?.errorMessage ?? "no reply"))
        }
        if let error = reply.error { throw error }
        return reply
    }
}
