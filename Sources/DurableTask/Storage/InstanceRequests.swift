public import Foundation

/// What to do when a new instance is requested with an ID that a live instance already has.
/// A finished instance with the ID is always replaced.
public enum InstanceIdReusePolicy: String, Codable, Sendable, Hashable {
    /// Fail with ``DurableTaskError/Code/instanceAlreadyExists`` (the default).
    case fail
    /// Return the existing instance and start nothing.
    case useExisting
    /// Terminate the existing instance and start a new one in its place.
    case terminateExisting
}

/// A request to create an instance.
public struct CreateInstanceRequest: Sendable {
    /// The start event: name, instance ID, execution ID, input, version, scheduled start time, tags.
    public var executionStarted: ExecutionStartedEvent
    /// What to do if a live instance has the ID.
    public var reusePolicy: InstanceIdReusePolicy
    /// For signal-with-start: an event to raise to the instance, starting it first if it is not live.
    public var event: (name: String, input: String?)?
    /// The creation time.
    public var createdAt: Date

    /// Creates a request.
    public init(
        executionStarted: ExecutionStartedEvent, reusePolicy: InstanceIdReusePolicy = .fail,
        event: (name: String, input: String?)? = nil, createdAt: Date = Date()
    ) {
        self.executionStarted = executionStarted
        self.reusePolicy = reusePolicy
        self.event = event
        self.createdAt = createdAt
    }

    /// The message that starts the instance.
    package var startMessage: OrchestrationMessage {
        OrchestrationMessage(
            instanceId: executionStarted.instanceId, executionId: executionStarted.executionId,
            event: HistoryEvent(timestamp: createdAt, kind: .executionStarted(executionStarted)),
            deliverAt: executionStarted.scheduledStartTime)
    }

    /// The signal-with-start event message, if any.
    package var eventMessage: OrchestrationMessage? {
        event.map {
            OrchestrationMessage(
                instanceId: executionStarted.instanceId,
                event: HistoryEvent(timestamp: createdAt, kind: .eventRaised(name: $0.name, input: $0.input)))
        }
    }

    /// The metadata of the instance this request creates.
    package var initialMetadata: OrchestrationMetadata {
        OrchestrationMetadata(
            instanceId: executionStarted.instanceId, name: executionStarted.name, executionId: executionStarted.executionId,
            runtimeStatus: .pending, createdAt: createdAt, lastUpdatedAt: createdAt, input: executionStarted.input,
            version: executionStarted.version, parentInstanceId: executionStarted.parent?.instanceId,
            scheduledStartTime: executionStarted.scheduledStartTime)
    }
}

/// The outcome of ``OrchestrationStore/createInstance(_:)``.
public struct CreateInstanceResult: Sendable, Hashable {
    /// The instance ID.
    public var instanceId: String
    /// The execution ID of the instance that now has the ID.
    public var executionId: String
    /// Whether a new instance was created (false when an existing live one was used).
    public var created: Bool

    /// Creates a result.
    public init(instanceId: String, executionId: String, created: Bool) {
        self.instanceId = instanceId
        self.executionId = executionId
        self.created = created
    }
}

/// What ``OrchestrationStore/waitForInstance(_:condition:timeout:)`` waits for.
public enum InstanceWaitCondition: Sendable, Hashable {
    /// The instance left `Pending`.
    case started
    /// The instance reached a terminal status.
    case completed

    /// Whether the metadata satisfies the condition.
    package func isSatisfied(by metadata: OrchestrationMetadata) -> Bool {
        switch self {
        case .started: metadata.runtimeStatus != .pending
        case .completed: metadata.runtimeStatus.isTerminal
        }
    }
}
