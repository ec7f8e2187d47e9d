public import Foundation

/// A message addressed to an orchestration instance: one history event to apply in a future turn.
public struct OrchestrationMessage: Codable, Sendable, Hashable {
    /// The target instance.
    public var instanceId: String
    /// The target execution. Stores drop the message if the instance's current execution differs.
    /// `nil` targets whatever execution is current.
    public var executionId: String?
    /// The event to apply.
    public var event: HistoryEvent
    /// When the message becomes visible (timers, scheduled starts). `nil` means now.
    public var deliverAt: Date?

    /// Creates a message.
    public init(instanceId: String, executionId: String? = nil, event: HistoryEvent, deliverAt: Date? = nil) {
        self.instanceId = instanceId
        self.executionId = executionId
        self.event = event
        self.deliverAt = deliverAt
    }
}

extension OrchestrationMessage {
    /// When a sub-orchestration start is rejected because a live instance already has the
    /// child's ID, stores send this failure back to the parent instead.
    package static func subOrchestrationRejected(_ start: ExecutionStartedEvent, at now: Date) -> OrchestrationMessage? {
        guard let parent = start.parent else { return nil }
        let failure = FailureDetails(
            errorType: "InstanceAlreadyExists",
            errorMessage: "Cannot start sub-orchestration '\(start.name)': instance '\(start.instanceId)' is already running",
            isNonRetriable: true)
        return OrchestrationMessage(
            instanceId: parent.instanceId, executionId: parent.executionId,
            event: HistoryEvent(
                timestamp: now, kind: .subOrchestrationInstanceFailed(taskScheduledId: parent.taskScheduledId, failure: failure)))
    }
}
