/// What one orchestration turn produced.
public struct OrchestrationTurnOutcome: Sendable {
    /// New actions in sequence order, ending with the completion action if the execution finished.
    public var actions: [OrchestratorAction]
    /// Events to append to the stored history for this turn, in order: `OrchestratorStarted`,
    /// the new messages, the events of the new actions, the completion event, `OrchestratorCompleted`.
    public var historyToAppend: [HistoryEvent]
    /// The runtime status after the turn.
    public var runtimeStatus: OrchestrationStatus
    /// The custom status after the turn.
    public var customStatus: String?
    /// How the execution finished, if it did.
    public var completion: CompleteOrchestrationAction?
    /// The execution's start event, once known.
    public var executionStarted: ExecutionStartedEvent?
}
