/// A store that can hand its caller an instance's next turn together with an activity's
/// completion, so the caller runs that turn at once (no pop, no lock): a scheduling shortcut, kept
/// out of ``OrchestrationStore``'s contract. A store without it is completed the plain way and the
/// turn arrives through ``OrchestrationStore/lockNextOrchestrationWorkItem(timeout:)``.
public protocol TurnLeasingStore: OrchestrationStore {
    /// Completes an activity like ``OrchestrationStore/completeActivityWorkItem(_:result:)`` and, if
    /// the instance is idle, also leases its next turn to the caller and returns it. A returned
    /// item must be completed or abandoned like any leased work item.
    func completeActivityWorkItemLeasingTurn(_ item: ActivityWorkItem, result: HistoryEvent) async throws -> OrchestrationWorkItem?
}

extension OrchestrationStore {
    /// Completes an activity, leasing the next turn with it when the store is a ``TurnLeasingStore``.
    package func completeActivityLeasingTurnIfSupported(_ item: ActivityWorkItem, result: HistoryEvent) async throws
        -> OrchestrationWorkItem?
    {
        if let leasing = self as? any TurnLeasingStore {
            return try await leasing.completeActivityWorkItemLeasingTurn(item, result: result)
        }
        try await completeActivityWorkItem(item, result: result)
        return nil
    }
}
