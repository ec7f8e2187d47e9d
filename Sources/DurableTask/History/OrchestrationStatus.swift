/// The runtime status of an orchestration instance, spelled as Durable Functions spells it.
public enum OrchestrationStatus: String, Codable, Sendable, CaseIterable, Hashable {
    /// Created, but its first turn has not run yet (or its scheduled start time has not come).
    case pending = "Pending"
    /// Started and not finished.
    case running = "Running"
    /// Finished with an output.
    case completed = "Completed"
    /// Ended its execution by continuing as new; the next execution starts immediately.
    case continuedAsNew = "ContinuedAsNew"
    /// Finished with an uncaught error; see ``FailureDetails``.
    case failed = "Failed"
    /// Canceled (kept for compatibility with the Durable Task vocabulary).
    case canceled = "Canceled"
    /// Terminated by a client.
    case terminated = "Terminated"
    /// Suspended by a client; events are kept until it is resumed.
    case suspended = "Suspended"

    /// Whether an instance in this status can still make progress (Pending, Running, Suspended).
    public var isLive: Bool {
        switch self {
        case .pending, .running, .suspended, .continuedAsNew: true
        case .completed, .failed, .canceled, .terminated: false
        }
    }

    /// Whether this status is final.
    public var isTerminal: Bool { !isLive }
}
