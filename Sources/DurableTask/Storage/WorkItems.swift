/// An orchestration instance leased to one worker for one turn.
public struct OrchestrationWorkItem: Sendable {
    /// The instance.
    public var instanceId: String
    /// The instance's current execution ID in the store (`nil` before its first turn).
    public var executionId: String?
    /// The leased messages, in arrival order. Completing the item consumes exactly these.
    public var messages: [OrchestrationMessage]
    /// The number of events in the stored history. A worker whose cached runner has seen exactly
    /// this many events of this execution can skip reading the history.
    public var historyLength: Int
    /// The stored history, if the store chose to send it with the lease.
    public var history: [HistoryEvent]?
    /// The fencing token. Completing or abandoning with a stale token fails with `leaseLost`.
    public var lockToken: String
    /// How many times the store has leased this instance since its last committed turn (1 on
    /// the first delivery). A lease that expired (the worker died or hung) or was abandoned after
    /// a failure counts; a commit resets it. After a delivery that did not commit, stores lease
    /// one message at a time, so a poison message is isolated.
    public var deliveryCount: Int

    /// Creates a work item (stores).
    public init(
        instanceId: String, executionId: String?, messages: [OrchestrationMessage], historyLength: Int,
        history: [HistoryEvent]? = nil, lockToken: String, deliveryCount: Int = 1
    ) {
        self.deliveryCount = deliveryCount
        self.instanceId = instanceId
        self.executionId = executionId
        self.messages = messages
        self.historyLength = historyLength
        self.history = history
        self.lockToken = lockToken
    }
}

/// A request to run an activity, produced by an orchestration turn.
public struct ActivityRequest: Codable, Sendable, Hashable {
    /// The orchestration instance.
    public var instanceId: String
    /// The execution that scheduled the activity; its result is dropped if the execution changed.
    public var executionId: String
    /// The task's sequence number.
    public var taskId: Int
    /// The activity name.
    public var name: String
    /// The serialized input.
    public var input: String?
    /// The retry attempt, starting at 1.
    public var attempt: Int
    /// The span context of the turn that scheduled it, if tracing is on.
    public var traceContext: TraceCarrier?

    /// Creates a request.
    public init(instanceId: String, executionId: String, taskId: Int, name: String, input: String?, attempt: Int) {
        self.instanceId = instanceId
        self.executionId = executionId
        self.taskId = taskId
        self.name = name
        self.input = input
        self.attempt = attempt
    }
}

/// An activity leased to one worker.
public struct ActivityWorkItem: Sendable {
    /// What to run.
    public var request: ActivityRequest
    /// The fencing token.
    public var lockToken: String
    /// How many times the store has handed out this activity (1 on the first delivery).
    public var deliveryCount: Int

    /// Creates a work item (stores).
    public init(request: ActivityRequest, lockToken: String, deliveryCount: Int) {
        self.request = request
        self.lockToken = lockToken
        self.deliveryCount = deliveryCount
    }
}

/// Everything one orchestration turn commits, atomically.
public struct OrchestrationTurnResult: Sendable {
    /// Events to append to the history (or the whole new history, when ``replaceHistory``).
    public var historyToAppend: [HistoryEvent]
    /// Whether the turn started a new execution (continue-as-new): the stored history is replaced.
    public var replaceHistory: Bool
    /// The new execution, when the turn continued as new: stores update the execution ID and input.
    public var newExecution: ExecutionStartedEvent?
    /// The runtime status after the turn.
    public var status: OrchestrationStatus
    /// The serialized output (for terminal statuses).
    public var output: String?
    /// The failure, for `failed`.
    public var failureDetails: FailureDetails?
    /// The custom status.
    public var customStatus: String?
    /// Activities to enqueue.
    public var activities: [ActivityRequest]
    /// Messages to this instance that become visible later (durable timers).
    public var timers: [OrchestrationMessage]
    /// Messages to other instances: events, sub-orchestration starts (an `ExecutionStarted`
    /// message creates its instance), completions to the parent, terminations.
    public var messages: [OrchestrationMessage]

    /// Creates a result.
    public init(
        historyToAppend: [HistoryEvent], replaceHistory: Bool = false, newExecution: ExecutionStartedEvent? = nil,
        status: OrchestrationStatus, output: String? = nil, failureDetails: FailureDetails? = nil,
        customStatus: String? = nil, activities: [ActivityRequest] = [], timers: [OrchestrationMessage] = [],
        messages: [OrchestrationMessage] = []
    ) {
        self.historyToAppend = historyToAppend
        self.replaceHistory = replaceHistory
        self.newExecution = newExecution
        self.status = status
        self.output = output
        self.failureDetails = failureDetails
        self.customStatus = customStatus
        self.activities = activities
        self.timers = timers
        self.messages = messages
    }
}
