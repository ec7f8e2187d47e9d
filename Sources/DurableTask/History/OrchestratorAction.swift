public import Foundation

/// What an orchestrator asked for during a turn. The worker turns actions into history
/// events and storage operations; the engine never performs them itself.
public struct OrchestratorAction: Sendable, Hashable {
    /// The action's sequence number within the execution (the `eventId` of its history event).
    public var id: Int
    /// The action.
    public var kind: Kind

    /// Creates an action.
    package init(id: Int, kind: Kind) {
        self.id = id
        self.kind = kind
    }

    /// The kinds of orchestrator actions (Durable Task vocabulary).
    public enum Kind: Sendable, Hashable {
        /// Schedule an activity.
        case scheduleTask(name: String, input: String?, attempt: Int)
        /// Start a sub-orchestration.
        case createSubOrchestration(name: String, instanceId: String, input: String?, version: String?)
        /// Create a durable timer.
        case createTimer(fireAt: Date)
        /// Send an event to another instance.
        case sendEvent(instanceId: String, name: String, data: String?)
        /// Terminate another instance (used for recursive termination of sub-orchestrations).
        case terminateOrchestration(instanceId: String, reason: String?, recurse: Bool)
        /// Complete the execution, possibly by continuing as new.
        case completeOrchestration(CompleteOrchestrationAction)
    }

    /// A short description naming the action, used in non-determinism errors.
    public var summary: String {
        switch kind {
        case .scheduleTask(let name, _, _): "ScheduleTask '\(name)' #\(id)"
        case .createSubOrchestration(let name, let instanceId, _, _): "CreateSubOrchestration '\(name)' (\(instanceId)) #\(id)"
        case .createTimer(let fireAt): "CreateTimer \(fireAt.timeIntervalSince1970) #\(id)"
        case .sendEvent(let instanceId, let name, _): "SendEvent '\(name)' to \(instanceId) #\(id)"
        case .terminateOrchestration(let instanceId, _, _): "TerminateOrchestration \(instanceId) #\(id)"
        case .completeOrchestration(let c): "CompleteOrchestration \(c.status.rawValue) #\(id)"
        }
    }
}

/// The final action of an execution.
public struct CompleteOrchestrationAction: Sendable, Hashable {
    /// `completed`, `failed`, `terminated` or `continuedAsNew`.
    public var status: OrchestrationStatus
    /// The serialized output (or the new input, for continue-as-new; or the reason, for terminate).
    public var result: String?
    /// Failure details, for `failed`.
    public var failureDetails: FailureDetails?
    /// For continue-as-new: the new version, if it changes.
    public var newVersion: String?
    /// For continue-as-new: events to carry over into the next execution, in order.
    public var carryoverEvents: [HistoryEvent]

    /// Creates a completion action.
    package init(
        status: OrchestrationStatus, result: String? = nil, failureDetails: FailureDetails? = nil,
        newVersion: String? = nil, carryoverEvents: [HistoryEvent] = []
    ) {
        self.status = status
        self.result = result
        self.failureDetails = failureDetails
        self.newVersion = newVersion
        self.carryoverEvents = carryoverEvents
    }
}

extension OrchestratorAction {
    /// The history event that records this action, stamped `now` and carrying the action's ID;
    /// `nil` for actions that leave no event of their own (terminations and the completion).
    package func historyEvent(at now: Date) -> HistoryEvent? {
        let kind: HistoryEvent.Kind
        switch self.kind {
        case .scheduleTask(let name, let input, let attempt): kind = .taskScheduled(name: name, input: input, attempt: attempt)
        case .createSubOrchestration(let name, let child, let input, _):
            kind = .subOrchestrationInstanceCreated(name: name, instanceId: child, input: input)
        case .createTimer(let fireAt): kind = .timerCreated(fireAt: fireAt)
        case .sendEvent(let target, let name, let data): kind = .eventSent(instanceId: target, name: name, input: data)
        case .terminateOrchestration, .completeOrchestration: return nil
        }
        return HistoryEvent(eventId: id, timestamp: now, kind: kind)
    }
}
