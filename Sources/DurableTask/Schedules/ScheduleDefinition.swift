public import Foundation

/// A schedule: when it ticks, and what each tick starts.
///
/// A schedule lives in the task hub (as the built-in entity `durable.schedule`, keyed by its ID),
/// so every worker of the hub serves it, a tick fires once however many workers run, and ticks
/// survive restarts. Each tick starts the orchestration ``orchestrationName`` with ``input``:
/// as the instance `<id>:<tick time>` (``ScheduleInstanceIDs/perTick``, the default, e.g.
/// `cleanup:2026-12-03T16:25:00.000Z`) or as one fixed ID (``ScheduleInstanceIDs/fixed(_:)``, a
/// singleton job).
///
/// ```swift
/// let cleanup = ScheduleDefinition(
///     id: "cleanup", trigger: .interval(.milliseconds(500)), orchestrationName: "PeriodicCleanup")
/// try await client.createSchedule(cleanup)
/// ```
public struct ScheduleDefinition: Codable, Sendable, Hashable {
    /// The schedule ID: 1 to 200 characters; it may not start with `@`, and its tick instance IDs
    /// must be valid instance IDs.
    public var id: String
    /// When it ticks.
    public var trigger: ScheduleTrigger
    /// The orchestration each tick starts.
    public var orchestrationName: String
    /// The orchestration input as JSON text (`nil`: none).
    public var input: String?
    /// The orchestration version, if any.
    public var version: String?
    /// The instance ID each tick uses.
    public var instanceIds: ScheduleInstanceIDs
    /// What a tick does while the previous run is still live.
    public var overlap: ScheduleOverlapPolicy
    /// Which ticks run that came due while no worker ran.
    public var catchUp: ScheduleCatchUpPolicy
    /// No tick before this time. An interval schedule's phase starts here (else at its creation).
    public var startAt: Date?
    /// No tick after this time; the schedule then ends.
    public var endAt: Date?
    /// Each tick starts up to this long after its due time, by an amount fixed per tick.
    public var jitter: Duration

    /// Creates a definition.
    public init(
        id: String, trigger: ScheduleTrigger, orchestrationName: String, input: String? = nil, version: String? = nil,
        instanceIds: ScheduleInstanceIDs = .perTick, overlap: ScheduleOverlapPolicy = .skip,
        catchUp: ScheduleCatchUpPolicy = .latest, startAt: Date? = nil, endAt: Date? = nil, jitter: Duration = .zero
    ) {
        self.id = id
        self.trigger = trigger
        self.orchestrationName = orchestrationName
        self.input = input
        self.version = version
        self.instanceIds = instanceIds
        self.overlap = overlap
        self.catchUp = catchUp
        self.startAt = startAt
        self.endAt = endAt
        self.jitter = jitter
    }

    /// The longest schedule ID.
    public static let maxIdLength = 200

    /// Throws `invalidArgument` with one line naming what is wrong.
    public func validate() throws {
        guard !id.isEmpty, id.count <= Self.maxIdLength, !id.hasPrefix("@") else {
            throw DurableTaskError(.invalidArgument, "a schedule ID must be 1 to \(Self.maxIdLength) characters and not start with '@'")
        }
        try EntityID(name: ScheduleEntity.name, key: id).validate()
        try InstanceID.validateForStart(instanceId(forTick: Date(timeIntervalSince1970: 0)))
        if case .fixed(let fixed) = instanceIds { try InstanceID.validateForStart(fixed) }
        guard !orchestrationName.isEmpty else {
            throw DurableTaskError(.invalidArgument, "schedule '\(id)' names no orchestration")
        }
        try trigger.validate()
        if let input, (try? JSONSerialization.jsonObject(with: Data(input.utf8), options: [.fragmentsAllowed])) == nil {
            throw DurableTaskError(.invalidArgument, "the input of schedule '\(id)' is not JSON")
        }
        if let startAt, let endAt, endAt <= startAt {
            throw DurableTaskError(.invalidArgument, "the end of schedule '\(id)' must be after its start")
        }
        guard jitter >= .zero else { throw DurableTaskError(.invalidArgument, "a schedule's jitter must not be negative") }
        if case .all(let window) = catchUp, window <= .zero {
            throw DurableTaskError(.invalidArgument, "a catch-up window must be positive")
        }
    }

    /// The instance ID of the tick due at `tick`.
    public func instanceId(forTick tick: Date) -> String {
        switch instanceIds {
        case .perTick: "\(id):\(ScheduleTime.format(tick))"
        case .fixed(let fixed): fixed
        }
    }
}

/// When a schedule ticks.
public enum ScheduleTrigger: Sendable, Hashable {
    /// On a cron expression's fire times, in its time zone.
    case cron(CronExpression)
    /// Every `interval` (at least 100 ms), in phase: tick n is due at `anchor + n·interval`, where
    /// the anchor is the schedule's start time (else its creation time), so ticks do not drift.
    case interval(Duration)

    /// The shortest interval.
    public static let minimumInterval = Duration.milliseconds(100)

    func validate() throws {
        if case .interval(let every) = self, every < Self.minimumInterval {
            throw DurableTaskError(.invalidArgument, "a schedule's interval must be at least 100ms")
        }
    }

    /// The first due time strictly after `date`; `anchor` is an interval's phase origin.
    package func nextDue(after date: Date, anchor: Date) -> Date? {
        switch self {
        case .cron(let expression):
            return expression.nextFire(after: date)
        case .interval(let every):
            let step = every.milliseconds
            guard step > 0 else { return nil }  // validate() refuses it; a stored one must not trap
            let elapsed = ScheduleTime.millis(date) - ScheduleTime.millis(anchor)
            let n = elapsed < 0 ? 0 : elapsed / step + 1
            return ScheduleTime.date(millis: ScheduleTime.millis(anchor) + n * step)
        }
    }
}

/// The instance ID a schedule's ticks use.
public enum ScheduleInstanceIDs: Sendable, Hashable {
    /// `<schedule ID>:<tick time>`, one instance per tick.
    case perTick
    /// One fixed ID: a singleton job. A finished instance with the ID is replaced.
    case fixed(String)
}

/// What a tick does while the schedule's previous run is still live.
public enum ScheduleOverlapPolicy: String, Codable, Sendable, Hashable, CaseIterable {
    /// The tick is skipped.
    case skip
    /// The tick waits and starts when the live run ends; at most one waits, later ones are skipped.
    case bufferOne
    /// The live run is terminated and the tick starts (with a fixed instance ID, once the
    /// termination has taken effect).
    case terminate
    /// The tick starts anyway: runs may overlap (with per-tick instance IDs; with a fixed ID it
    /// acts as ``skip``, since one ID holds one live run).
    case allowAll
}

/// Which ticks run that came due while no worker ran (or while the hub was too busy).
public enum ScheduleCatchUpPolicy: Sendable, Hashable {
    /// Only a tick at most ``onTimeTolerance`` late runs; older ones are recorded as missed.
    case none
    /// The latest due tick runs, however late; older ones are recorded as missed.
    case latest
    /// Every due tick at most `window` late runs, oldest first; older ones are recorded as missed.
    case all(window: Duration)

    /// How late a tick may be and still count as on time under ``none``.
    public static let onTimeTolerance = Duration.seconds(5)
}
