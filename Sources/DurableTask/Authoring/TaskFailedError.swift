/// The error an orchestrator sees when an activity or sub-orchestration it awaited failed.
///
/// It carries the callee's ``FailureDetails`` as ``cause``. Uncaught, it fails the
/// orchestration with a failure whose inner failure is that cause.
public struct TaskFailedError: FailureDetailsConvertible, Sendable, Hashable, CustomStringConvertible {
    /// The activity or sub-orchestrator name.
    public var taskName: String
    /// The sequence number of the failed task.
    public var taskId: Int
    /// Whether the failed task was a sub-orchestration.
    public var isSubOrchestration: Bool
    /// What the callee recorded.
    public var cause: FailureDetails

    /// Creates the error.
    public init(taskName: String, taskId: Int, isSubOrchestration: Bool = false, cause: FailureDetails) {
        self.taskName = taskName
        self.taskId = taskId
        self.isSubOrchestration = isSubOrchestration
        self.cause = cause
    }

    /// A sentence naming the task, its ID and the cause.
    public var description: String {
        "\(isSubOrchestration ? "Sub-orchestration" : "Task") '\(taskName)' (#\(taskId)) failed: \(cause.description)"
    }

    /// The failure as recorded: type `TaskFailedError`, with the task's failure as its inner failure.
    public var failureDetails: FailureDetails {
        FailureDetails(
            errorType: "TaskFailedError", errorMessage: description,
            innerFailure: cause, isNonRetriable: cause.isNonRetriable)
    }
}

/// The error `waitForExternalEvent(_:as:timeout:)` throws when the timeout fires first.
public struct ExternalEventTimeoutError: FailureDetailsConvertible, Sendable, Hashable, CustomStringConvertible {
    /// The awaited event name.
    public var eventName: String
    /// The timeout that elapsed.
    public var timeout: Duration

    /// Creates the error.
    public init(eventName: String, timeout: Duration) {
        self.eventName = eventName
        self.timeout = timeout
    }

    /// A sentence naming the event and the timeout.
    public var description: String { "Timed out after \(timeout) waiting for external event '\(eventName)'" }

    /// The failure as recorded: type `ExternalEventTimeoutError`.
    public var failureDetails: FailureDetails {
        FailureDetails(errorType: "ExternalEventTimeoutError", errorMessage: description)
    }
}

/// Thrown into orchestrator code whose episode was abandoned (evicted, terminated or failed).
/// Orchestrator code should let it propagate.
public struct OrchestrationAbandonedError: Error, Sendable, Hashable {
    /// Creates the error.
    public init() {}
}

/// Failure type names the engine itself records in ``FailureDetails/errorType``.
public enum EngineFailure {
    /// The code no longer matches the recorded history.
    public static let nonDeterministic = "NonDeterministicOrchestration"
    /// The code awaited something that is not a durable operation.
    public static let nonDurableAwait = "NonDurableAwait"
    /// The code used its context from outside the orchestration.
    public static let contextMisuse = "OrchestrationContextMisuse"
    /// No orchestrator is registered under the instance's name.
    public static let orchestratorNotRegistered = "OrchestratorNotRegistered"
    /// No activity is registered under the scheduled name.
    public static let activityNotRegistered = "ActivityNotRegistered"
    /// The entity has no operation of that name.
    public static let entityOperationNotFound = "EntityOperationNotFound"
    /// No entity of that name is registered with the worker.
    public static let entityNotRegistered = "EntityNotRegistered"
    /// `lockEntities` was misused (nested, empty, or a call to an entity outside the lock set).
    public static let lockingRulesViolation = "LockingRulesViolation"
    /// A payload could not be encoded or decoded.
    public static let serialization = "SerializationError"
    /// The execution's version does not match the worker's (``VersioningOptions``).
    public static let versionMismatch = "VersionMismatch"
    /// The work was delivered more times than the worker's poison limit without completing.
    public static let poisonMessage = "PoisonMessage"
}
