/// Runs the work a worker's own registry cannot: orchestrations, activities and entities that
/// workers of other languages registered, connected through the Durable Task sidecar protocol.
///
/// ``DurableTaskWorker`` leases every work item from its store. Names its ``TaskRegistry`` has run
/// in process; the rest go to the dispatcher, which hands them to a connected worker that
/// registered them and returns once the work item is committed or released. Work that no
/// connected worker can run is released after a while, never failed, so it waits for one.
public protocol RemoteWorkDispatcher: Sendable {
    /// Runs one orchestration turn remotely and commits or releases it.
    ///
    /// - Parameters:
    ///   - history: the stored history of the current execution.
    ///   - name: the orchestrator name; `version` its version.
    /// - Returns: `false` if no connected worker could take it; the caller then releases the item.
    func runOrchestrationTurn(_ item: OrchestrationWorkItem, history: [HistoryEvent], name: String, version: String?) async -> Bool

    /// The stored history of the work item's instance if the dispatcher still holds it from its
    /// last commit (same execution, same length), so the caller need not read it.
    func cachedHistory(for item: OrchestrationWorkItem) -> [HistoryEvent]?

    /// Runs one activity remotely and commits or releases it.
    ///
    /// The commit may lease the instance's next turn to the caller
    /// (``TurnLeasingStore/completeActivityWorkItemLeasingTurn(_:result:)``), which runs it at once.
    func runActivity(_ item: ActivityWorkItem) async -> RemoteActivityOutcome

    /// Runs one batch of an entity remotely and commits or releases it. Returns `false` if no
    /// connected worker could take it; the caller then releases the item.
    func runEntityBatch(_ item: OrchestrationWorkItem, history: [HistoryEvent]) async -> Bool
}

extension RemoteWorkDispatcher {
    /// Holds no history.
    public func cachedHistory(for item: OrchestrationWorkItem) -> [HistoryEvent]? { nil }
}

/// What became of an activity handed to a ``RemoteWorkDispatcher``.
public enum RemoteActivityOutcome: Sendable {
    /// No connected worker could take it; the caller releases it.
    case notTaken
    /// A worker ran it (its result is committed) or it was released; `nextTurn`, when present, is
    /// the instance's next turn, leased to the caller by the commit.
    case done(nextTurn: OrchestrationWorkItem?)
}
