public import DurableTask

/// A store that hands every call to ``inner``: a test conforms to it and overrides only the
/// calls it wants to break or observe.
public protocol ForwardingStore: OrchestrationStore {
    /// The store that does the work.
    var inner: any OrchestrationStore { get }
}

extension ForwardingStore {
    public func createTaskHub() async throws { try await inner.createTaskHub() }
    public func deleteTaskHub() async throws { try await inner.deleteTaskHub() }
    public func createInstance(_ request: CreateInstanceRequest) async throws -> CreateInstanceResult {
        try await inner.createInstance(request)
    }
    public func sendMessage(_ message: OrchestrationMessage) async throws { try await inner.sendMessage(message) }
    public func lockNextOrchestrationWorkItem(timeout: Duration) async throws -> OrchestrationWorkItem? {
        try await inner.lockNextOrchestrationWorkItem(timeout: timeout)
    }
    public func readHistory(instanceId: String) async throws -> [HistoryEvent] { try await inner.readHistory(instanceId: instanceId) }
    public func completeOrchestrationWorkItem(_ item: OrchestrationWorkItem, result: OrchestrationTurnResult) async throws {
        try await inner.completeOrchestrationWorkItem(item, result: result)
    }
    public func abandonOrchestrationWorkItem(_ item: OrchestrationWorkItem, reason: AbandonReason) async throws {
        try await inner.abandonOrchestrationWorkItem(item, reason: reason)
    }
    public func lockNextActivityWorkItem(timeout: Duration) async throws -> ActivityWorkItem? {
        try await inner.lockNextActivityWorkItem(timeout: timeout)
    }
    public func completeActivityWorkItem(_ item: ActivityWorkItem, result: HistoryEvent) async throws {
        try await inner.completeActivityWorkItem(item, result: result)
    }
    public func completeActivityWorkItemLeasingTurn(_ item: ActivityWorkItem, result: HistoryEvent) async throws
        -> OrchestrationWorkItem?
    {
        try await inner.completeActivityWorkItemLeasingTurn(item, result: result)
    }
    public func abandonActivityWorkItem(_ item: ActivityWorkItem, reason: AbandonReason) async throws {
        try await inner.abandonActivityWorkItem(item, reason: reason)
    }
    public func renewActivityWorkItemLease(_ item: ActivityWorkItem) async throws { try await inner.renewActivityWorkItemLease(item) }
    public func rewindInstance(_ message: OrchestrationMessage) async throws { try await inner.rewindInstance(message) }
    public func getInstance(_ instanceId: String) async throws -> OrchestrationMetadata? { try await inner.getInstance(instanceId) }
    public func waitForInstance(_ instanceId: String, condition: InstanceWaitCondition, timeout: Duration) async throws
        -> OrchestrationMetadata?
    {
        try await inner.waitForInstance(instanceId, condition: condition, timeout: timeout)
    }
    public func queryInstances(_ query: InstanceQuery) async throws -> InstanceQueryResult { try await inner.queryInstances(query) }
    public func purgeInstance(_ instanceId: String) async throws -> Bool { try await inner.purgeInstance(instanceId) }
    public func purgeInstances(_ filter: PurgeInstancesFilter) async throws -> Int { try await inner.purgeInstances(filter) }
    public func runMaintenance() async throws { try await inner.runMaintenance() }
}
