import Foundation

/// The built-in entity behind every schedule: `@durable.schedule@<schedule ID>`. Every worker
/// registers it, so the schedules of a task hub run wherever its workers run.
///
/// Its state is the ``ScheduleDescription``. It sets itself a durable timer for the next tick (a
/// signal to itself, carrying the revision and due time), so an idle schedule costs nothing until
/// then, and a tick fires once however many workers run: the tick's start and the next tick's
/// timer are committed with the state in one entity batch, so a crash before the commit redoes
/// the tick and a crash after it cannot repeat it.
///
/// A tick asks the store whether the previous run is still live (the overlap policy), so it
/// reads before it writes; the batch commits only under the entity's lease.
package struct ScheduleEntity: Sendable {
    /// The entity name.
    package static let name = "durable.schedule"

    /// The operations.
    package enum Operation {
        package static let upsert = "upsert"
        package static let pause = "pause"
        package static let resume = "resume"
        package static let delete = "delete"
        package static let describe = "describe"
        package static let tick = "tick"
        package static let runEnded = "runEnded"
    }

    /// The most ticks one batch starts when catching up; the rest follow in the next batch.
    static let maxStartsPerBatch = 1_000
    /// The most missed due times one tick walks over before it jumps to the present.
    static let maxDueTimesPerTick = 100_000

    let store: any OrchestrationStore

    package init(store: any OrchestrationStore) {
        self.store = store
    }

    /// The entity as a function.
    package var function: EntityFunction {
        let store = self.store
        return { context in
            var batch = ScheduleBatch(context: context, store: store)
            return try await batch.run()
        }
    }
}

/// One operation on one schedule.
struct ScheduleBatch {
    let context: EntityContext
    let store: any OrchestrationStore
    var now: Date { context.currentUtcDateTime }
    /// Whether this batch started a run (not yet committed, so not yet in the store).
    var startedRun = false

    init(context: EntityContext, store: any OrchestrationStore) {
        self.context = context
        self.store = store
    }

    mutating func run() async throws -> String? {
        let current = context.hasState ? try context.getState(as: ScheduleDescription.self) : nil
        switch context.operationName.lowercased() {
        case ScheduleEntity.Operation.tick.lowercased():
            guard var schedule = current else { return nil }  // deleted: a stale tick
            let signal = try context.input(as: ScheduleTickSignal.self)
            try await tick(&schedule, signal)
            try context.setState(schedule)
            return nil
        case ScheduleEntity.Operation.runEnded.lowercased():
            guard var schedule = current else { return nil }
            try await runEnded(&schedule, try context.input(as: ScheduleRunEnded.self))
            try context.setState(schedule)
            return nil
        default:
            let reply: ScheduleReply
            do {
                reply = ScheduleReply(schedule: try manage(current, try context.input(as: ScheduleCommand.self)))
            } catch let error as DurableTaskError {
                reply = ScheduleReply(error: error)
            }
            return try PayloadCoding.encodeOrThrow(reply, what: "a schedule reply")
        }
    }

    /// A management operation; returns the schedule after it (`nil` once deleted).
    private mutating func manage(_ current: ScheduleDescription?, _ command: ScheduleCommand) throws -> ScheduleDescription? {
        let operation = context.operationName.lowercased()
        if operation == ScheduleEntity.Operation.upsert {
            return try upsert(current, command)
        }
        guard var schedule = current else {
            if operation == ScheduleEntity.Operation.describe { return nil }
            throw DurableTaskError(.scheduleNotFound, "no schedule has the ID '\(context.id.key)'")
        }
        switch operation {
        case ScheduleEntity.Operation.describe:
            return schedule
        case ScheduleEntity.Operation.pause:
            if schedule.status == .active {
                schedule.status = .paused
                schedule.nextDue = nil
                bump(&schedule)
            }
            if schedule.status == .paused { schedule.pauseReason = command.reason }
        case ScheduleEntity.Operation.resume:
            if schedule.status == .paused {
                schedule.status = .active
                schedule.pauseReason = nil
                bump(&schedule)
                try plan(&schedule, after: now)
            }
        case ScheduleEntity.Operation.delete:
            context.deleteState()
            return nil
        default:
            throw DurableTaskError(.invalidArgument, "schedules have no operation '\(context.operationName)'")
        }
        try context.setState(schedule)
        return schedule
    }

    private mutating func upsert(_ current: ScheduleDescription?, _ command: ScheduleCommand) throws -> ScheduleDescription {
        guard let definition = command.definition else { throw DurableTaskError(.invalidArgument, "the command has no definition") }
        try definition.validate()
        guard definition.id == context.id.key else {
            throw DurableTaskError(.invalidArgument, "the definition's ID '\(definition.id)' is not the schedule's '\(context.id.key)'")
        }
        let mode = command.mode ?? .upsert
        if var schedule = current {
            if mode == .create { throw DurableTaskError(.scheduleAlreadyExists, "a schedule with the ID '\(definition.id)' already exists") }
            guard schedule.definition != definition else { return schedule }
            schedule.definition = definition
            schedule.anchor = definition.startAt ?? schedule.createdAt
            bump(&schedule)
            if schedule.status != .paused {
                schedule.status = .active
                try plan(&schedule, after: now)
            }
            try context.setState(schedule)
            return schedule
        }
        if mode == .update { throw DurableTaskError(.scheduleNotFound, "no schedule has the ID '\(definition.id)'") }
        var schedule = ScheduleDescription(
            definition: definition, status: command.paused == true ? .paused : .active, nextDue: nil, recentTicks: [],
            startedCount: 0, skippedCount: 0, missedCount: 0, createdAt: now, updatedAt: now, revision: 1,
            anchor: definition.startAt ?? now)
        if schedule.status == .active { try plan(&schedule, after: now) }
        try context.setState(schedule)
        return schedule
    }

    /// A change of definition or status: older tick signals no longer count.
    private func bump(_ schedule: inout ScheduleDescription) {
        schedule.revision += 1
        schedule.updatedAt = now
    }

    /// Sets the next due time after `date` (not before the start, not after the end) and the
    /// timer that fires it; ends the schedule when there is none.
    mutating func plan(_ schedule: inout ScheduleDescription, after date: Date) throws {
        let definition = schedule.definition
        var from = date
        if let start = definition.startAt, start > from { from = start.addingTimeInterval(-0.001) }
        guard let due = definition.trigger.nextDue(after: from, anchor: schedule.anchor),
            definition.endAt.map({ due <= $0 }) ?? true
        else {
            schedule.nextDue = nil
            schedule.status = .ended
            return
        }
        schedule.nextDue = due
        let fireAt = due.addingTimeInterval(Double(jitter(for: due, in: definition).milliseconds) / 1000)
        let signal = ScheduleTickSignal(revision: schedule.revision, due: ScheduleTime.millis(due))
        try context.signalEntity(context.id, operation: ScheduleEntity.Operation.tick, input: signal, at: max(fireAt, now))
    }

    /// The jitter of one tick: fixed by the schedule ID and the due time, so a retried batch
    /// picks the same one.
    private func jitter(for due: Date, in definition: ScheduleDefinition) -> Duration {
        let range = definition.jitter.milliseconds
        guard range > 0 else { return .zero }
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in "\(definition.id)|\(ScheduleTime.millis(due))".utf8 {
            hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211
        }
        return .milliseconds(Int64(hash % UInt64(range + 1)))
    }
}
