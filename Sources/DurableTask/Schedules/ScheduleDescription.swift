public import Foundation

/// A schedule as stored: its definition, whether it runs, its next due time, the live run and
/// the recent ticks. ``DurableTaskClient/describeSchedule(_:)`` returns it.
public struct ScheduleDescription: Codable, Sendable, Hashable {
    /// The definition.
    public var definition: ScheduleDefinition
    /// Active, paused or ended.
    public var status: ScheduleStatus
    /// Why it was paused, if it is.
    public var pauseReason: String?
    /// When the next tick is due (before jitter); `nil` when paused or ended.
    public var nextDue: Date?
    /// The run started by the latest tick while it is live, as far as the schedule knows.
    public var running: ScheduleRun?
    /// A tick waiting for the live run to end (``ScheduleOverlapPolicy/bufferOne``).
    public var buffered: Date?
    /// The last ticks, oldest first (at most ``historyLimit``).
    public var recentTicks: [ScheduleTick]
    /// Ticks that started an instance, since creation.
    public var startedCount: Int
    /// Ticks skipped because a run was live, since creation.
    public var skippedCount: Int
    /// Ticks missed because no worker ran in time (see ``ScheduleCatchUpPolicy``), since creation.
    public var missedCount: Int
    /// When it was created.
    public var createdAt: Date
    /// When its definition or status last changed.
    public var updatedAt: Date
    /// Counts the definition and status changes; a tick signal of an older revision is ignored.
    public var revision: Int
    /// The phase origin of an interval schedule: its start time, else its creation time.
    public var anchor: Date

    /// How many recent ticks are kept.
    public static let historyLimit = 20
}

/// Whether a schedule ticks.
public enum ScheduleStatus: String, Codable, Sendable, Hashable {
    /// It ticks.
    case active = "Active"
    /// It is paused: no ticks until it is resumed; ticks due meanwhile are not caught up.
    case paused = "Paused"
    /// It passed its end time, or its cron expression has no further fire time.
    case ended = "Ended"
}

/// A run a schedule started.
public struct ScheduleRun: Codable, Sendable, Hashable {
    /// The instance ID.
    public var instanceId: String
    /// The execution the tick started.
    public var executionId: String
    /// The tick's due time.
    public var tick: Date
}

/// One tick of a schedule and what came of it.
public struct ScheduleTick: Codable, Sendable, Hashable {
    /// When it was due.
    public var due: Date
    /// When the schedule handled it.
    public var handledAt: Date
    /// What came of it; for a started run, updated when the run ends.
    public var outcome: ScheduleTickOutcome
    /// The instance it started, if any.
    public var instanceId: String?
    /// The execution it started, if any.
    public var executionId: String?
}

/// What came of a tick.
public enum ScheduleTickOutcome: String, Codable, Sendable, Hashable {
    /// It started an instance that has not ended yet.
    case started = "Started"
    /// Its instance completed.
    case completed = "Completed"
    /// Its instance failed.
    case failed = "Failed"
    /// Its instance was terminated.
    case terminated = "Terminated"
    /// It was skipped: the previous run was live.
    case skipped = "Skipped"
    /// It waits for the live run to end.
    case buffered = "Buffered"
    /// It came due while no worker ran, and the catch-up policy dropped it.
    case missed = "Missed"
}
