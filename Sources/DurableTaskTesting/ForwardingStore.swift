package import DurableTask

/// A store that hands every call to ``inner``: a test conforms to it and overrides only the
/// calls it wants to break or observe.
package protocol ForwardingStore: TurnLeasingStore {
    /// The store that does the work.
    var inner: any OrchestrationStore { get }
}

extension ForwardingStore {
    package func createTaskHub() async throws { try await inner.createTaskHub() }
    package func deleteTaskHub() async throws { try await inner.deleteTaskHub() }
    package func createInstance(_ request: CreateInstanceRequest) async throws -> CreateInstanceResult {
        try await inner.createInstance(request)
    }
    package func sendMessage(_ message: OrchestrationMessage) async throws { try await inner.sendMessage(message) }
    package func lockNextOrchestrationWorkItem(timeout: Duration) async throws -> OrchestrationWorkItem? {
        try await inner.lockNextOrchestrationWorkItem(timeout: timeout)
    }
    package func readHistory(instanceId: String) async throws -> [HistoryEvent] { try await inner.readHistory(instanceId: instanceId) }
    package func completeOrchestrationWorkItem(_ item: OrchestrationWorkItem, result: OrchestrationTurnResult) async throws {
        try await inner.completeOrchestrationWorkItem(item, result: result)
    }
    package func abandonOrchestrationWorkItem(_ item: OrchestrationWorkItem, reason: AbandonReason) async throws {
        try await inner.abandonOrchestrationWorkItem(item, reason: reason)
    }
    package func lockNextActivityWorkItem(timeout: Duration) async throws -> ActivityWorkItem? {
        try await inner.lockNextActivityWorkItem(timeout: timeout)
    }
    package func completeActivityWorkItem(_ item: ActivityWorkItem, result: HistoryEvent) async throws {
        try await inner.completeActivityWorkItem(item, result: result)
    }
    package func completeActivityWorkItemLeasingTurn(_ item: ActivityWorkItem, result: HistoryEvent) async throws
        -> OrchestrationWorkItem?
    {
        try await inner.completeActivityLeasingTurnIfSupported(item, result: result)
    }
    package func abandonActivityWorkItem(_ item: ActivityWorkItem, reason: AbandonReason) async throws {
        try await inner.abandonActivityWorkItem(item, reason: reason)
    }
    package func renewActivityWorkItemLease(_ item: ActivityWorkItem) async throws { try await inner.renewActivityWorkItemLease(item) }
    package func rewindInstance(_ message: OrchestrationMessage) async throws { try await inner.rewindInstance(message) }
    package func getInstance(_ instanceId: String) async throws -> OrchestrationMetadata? { try await inner.getInstance(instanceId) }
    package func waitForInstance(_ instanceId: String, condition: InstanceWaitCondition, timeout: Duration) async throws
        -> OrchestrationMetadata?
    {
        try await inner.waitForInstance(instanceId, condition: condition, timeout: timeout)
    }
    package func queryInstances(_ query: InstanceQuery) async throws -> InstanceQueryResult { try await inner.queryInstances(query) }
    package func purgeInstance(_ instanceId: String) async throws -> Bool { try await inner.purgeInstance(instanceId) }
    package func purgeInstances(_ filter: PurgeInstancesFilter) async throws -> Int { try await inner.purgeInstances(filter) }
    package func runMaintenance() async throws { try await inner.runMaintenance() }
}
