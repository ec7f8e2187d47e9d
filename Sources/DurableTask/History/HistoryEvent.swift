public import Foundation

/// One entry of an orchestration's event-sourced history.
///
/// The kinds follow the Durable Task vocabulary so that a gRPC endpoint speaking the
/// Durable Task sidecar protocol can translate them one to one. Events produced by an
/// orchestrator action (``Kind/taskScheduled(name:input:attempt:)``, timers, sub-orchestrations,
/// sent events) carry the action's sequence number as ``eventId``; all others use `-1`.
public struct HistoryEvent: Codable, Sendable, Hashable {
    /// The sequence number of the action that produced this event, or `-1`.
    public var eventId: Int
    /// When the event was recorded.
    public var timestamp: Date
    /// What happened.
    public var kind: Kind

    /// Creates a history event.
    public init(eventId: Int = -1, timestamp: Date, kind: Kind) {
        self.eventId = eventId
        self.timestamp = timestamp
        self.kind = kind
    }

    /// The kinds of history events.
    public enum Kind: Codable, Sendable, Hashable {
        /// The execution started. Always the first event of an execution (after `orchestratorStarted`).
        case executionStarted(ExecutionStartedEvent)
        /// The execution finished with a terminal status (or `continuedAsNew`).
        case executionCompleted(status: OrchestrationStatus, result: String?, failure: FailureDetails?)
        /// A client terminated the instance.
        case executionTerminated(reason: String?, recurse: Bool)
        /// A client suspended the instance.
        case executionSuspended(reason: String?)
        /// A client resumed the instance.
        case executionResumed(reason: String?)
        /// A client rewound a failed instance: its failed tasks run again (see ``DurableTaskClient/rewind(_:reason:)``).
        case executionRewound(reason: String?)
        /// The orchestrator scheduled an activity.
        case taskScheduled(name: String, input: String?, attempt: Int)
        /// An activity completed.
        case taskCompleted(taskScheduledId: Int, result: String?)
        /// An activity failed.
        case taskFailed(taskScheduledId: Int, failure: FailureDetails)
        /// The orchestrator started a sub-orchestration.
        case subOrchestrationInstanceCreated(name: String, instanceId: String, input: String?)
        /// A sub-orchestration completed.
        case subOrchestrationInstanceCompleted(taskScheduledId: Int, result: String?)
        /// A sub-orchestration failed.
        case subOrchestrationInstanceFailed(taskScheduledId: Int, failure: FailureDetails)
        /// The orchestrator created a durable timer.
        case timerCreated(fireAt: Date)
        /// A durable timer fired.
        case timerFired(timerId: Int, fireAt: Date)
        /// An external event arrived.
        case eventRaised(name: String, input: String?)
        /// The orchestrator sent an event to another instance.
        case eventSent(instanceId: String, name: String, input: String?)
        /// The execution ended by continuing as new with a new input.
        case continueAsNew(input: String?)
        /// A turn began; its timestamp is the orchestration's current time during that turn.
        case orchestratorStarted
        /// A turn ended.
        case orchestratorCompleted
    }
}

/// The payload of an `ExecutionStarted` event.
public struct ExecutionStartedEvent: Codable, Sendable, Hashable {
    /// The orchestrator's registered name.
    public var name: String
    /// The instance ID.
    public var instanceId: String
    /// The execution ID; a new one for every continue-as-new generation.
    public var executionId: String
    /// The serialized input, if any.
    public var input: String?
    /// The orchestration version, if any.
    public var version: String?
    /// The parent, for sub-orchestrations.
    public var parent: ParentInstance?
    /// When the instance may start, if it was scheduled for later.
    public var scheduledStartTime: Date?
    /// The continue-as-new generation, starting at 0.
    public var generation: Int
    /// Free-form tags.
    public var tags: [String: String]
    /// The trace the instance belongs to (the span context of whoever started it), if tracing is on.
    public var traceContext: TraceCarrier?

    /// Creates the payload.
    public init(
        name: String, instanceId: String, executionId: String, input: String?,
        version: String? = nil, parent: ParentInstance? = nil, scheduledStartTime: Date? = nil,
        generation: Int = 0, tags: [String: String] = [:]
    ) {
        self.name = name
        self.instanceId = instanceId
        self.executionId = executionId
        self.input = input
        self.version = version
        self.parent = parent
        self.scheduledStartTime = scheduledStartTime
        self.generation = generation
        self.tags = tags
    }
}

/// Identifies the parent orchestration of a sub-orchestration.
public struct ParentInstance: Codable, Sendable, Hashable {
    /// The parent's orchestrator name.
    public var name: String
    /// The parent's instance ID.
    public var instanceId: String
    /// The parent's execution ID when it created the child.
    public var executionId: String
    /// The sequence number of the parent's `CreateSubOrchestration` action.
    public var taskScheduledId: Int

    /// Creates a parent reference.
    public init(name: String, instanceId: String, executionId: String, taskScheduledId: Int) {
        self.name = name
        self.instanceId = instanceId
        self.executionId = executionId
        self.taskScheduledId = taskScheduledId
    }
}

extension HistoryEvent.Kind {
    /// The Durable Task event type name, such as `"TaskScheduled"`.
    public var typeName: String {
        switch self {
        case .executionStarted: "ExecutionStarted"
        case .executionCompleted: "ExecutionCompleted"
        case .executionTerminated: "ExecutionTerminated"
        case .executionSuspended: "ExecutionSuspended"
        case .executionResumed: "ExecutionResumed"
        case .executionRewound: "ExecutionRewound"
        case .taskScheduled: "TaskScheduled"
        case .taskCompleted: "TaskCompleted"
        case .taskFailed: "TaskFailed"
        case .subOrchestrationInstanceCreated: "SubOrchestrationInstanceCreated"
        case .subOrchestrationInstanceCompleted: "SubOrchestrationInstanceCompleted"
        case .subOrchestrationInstanceFailed: "SubOrchestrationInstanceFailed"
        case .timerCreated: "TimerCreated"
        case .timerFired: "TimerFired"
        case .eventRaised: "EventRaised"
        case .eventSent: "EventSent"
        case .continueAsNew: "ContinueAsNew"
        case .orchestratorStarted: "OrchestratorStarted"
        case .orchestratorCompleted: "OrchestratorCompleted"
        }
    }
}

extension HistoryEvent {
    /// The payload of an `ExecutionStarted` event; `nil` for other kinds.
    public var executionStarted: ExecutionStartedEvent? {
        if case .executionStarted(let started) = kind { return started }
        return nil
    }
}
