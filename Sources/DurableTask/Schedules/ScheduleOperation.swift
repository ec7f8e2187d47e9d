import Foundation

/// The built-in orchestration a client runs to change a schedule and wait for the answer: it
/// calls the schedule's entity and returns its ``ScheduleReply``. A client cannot call an entity
/// itself (only signal it), and a management call should say whether it worked.
struct ScheduleOperation: Orchestrator {
    static let name = "durable.schedule.operation"

    struct Input: Codable, Sendable {
        var scheduleId: String
        var operation: String
        var command: ScheduleCommand
    }

    func run(context: OrchestrationContext, input: Input) async throws -> ScheduleReply {
        try await context.callEntity(
            EntityID(name: ScheduleEntity.name, key: input.scheduleId), operation: input.operation, input: input.command,
            returning: ScheduleReply.self)
    }

    /// The instance ID prefix of these runs.
    static let instanceIdPrefix = "durable.schedule.operation:"
}

extension TaskRegistry {
    /// Adds the schedule entity and its management orchestration, which every worker runs.
    package mutating func addSchedules(store: any OrchestrationStore) {
        addEntity(named: ScheduleEntity.name, ScheduleEntity(store: store).function)
        addOrchestrator(ScheduleOperation())
    }
}
