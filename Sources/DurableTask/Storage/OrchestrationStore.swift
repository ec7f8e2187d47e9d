/// The contract every task-hub provider implements: the swappable backend.
///
/// A store holds instances (state, history, an inbox of messages), an activity queue and
/// durable timers. Workers lease orchestration work items (one instance and its new
/// messages) and activity work items, run them, and commit their results atomically.
/// ``InMemoryOrchestrationStore`` is the reference implementation; every store must pass the
/// conformance suite in `DurableTaskTesting`.
///
/// Infrastructure failures are thrown as ``DurableTaskError`` with code
/// ``DurableTaskError/Code/storeFailure`` unless a method names another code.
public protocol OrchestrationStore: Sendable {
    /// Creates the task hub's structures if they do not exist. Idempotent.
    func createTaskHub() async throws
    /// Deletes the task hub and everything in it.
    func deleteTaskHub() async throws

    /// Creates an instance atomically under the request's reuse policy.
    ///
    /// If no live instance has the ID (none, or a finished one, which is replaced), the
    /// instance is created as `Pending` and its `ExecutionStarted` message is enqueued
    /// (delayed until the scheduled start time, if any). If a live instance has the ID:
    /// `.fail` throws `instanceAlreadyExists`; `.useExisting` returns it with `created == false`;
    /// `.terminateExisting` replaces it. With `request.event` (signal-with-start), a live
    /// instance gets the event and is returned; otherwise the new instance gets it after its start.
    func createInstance(_ request: CreateInstanceRequest) async throws -> CreateInstanceResult

    /// Enqueues a message to an existing instance (raise event, terminate, suspend, resume).
    ///
    /// - Throws: `instanceNotFound` if no instance has the ID; `instanceCompleted` if it has finished.
    func sendMessage(_ message: OrchestrationMessage) async throws

    /// Leases the next instance that has visible messages, waiting up to `timeout` for one.
    /// Returns `nil` on timeout. Waiting is push-based: new work wakes the waiter at once.
    ///
    /// The lease lasts the store's lease timeout; after it expires another worker may lease the
    /// instance and the original holder can no longer commit.
    func lockNextOrchestrationWorkItem(timeout: Duration) async throws -> OrchestrationWorkItem?

    /// Reads an instance's stored history (current execution). Empty if the instance does not exist.
    func readHistory(instanceId: String) async throws -> [HistoryEvent]

    /// Commits a turn atomically: appends (or replaces) history, updates state and indexes,
    /// consumes exactly the leased messages (messages that arrived meanwhile stay), enqueues
    /// activities, timers and outbound messages, and releases the lease.
    ///
    /// - Throws: `leaseLost` if the lease expired or the token is stale; nothing is committed.
    func completeOrchestrationWorkItem(_ item: OrchestrationWorkItem, result: OrchestrationTurnResult) async throws

    /// Releases the lease without consuming messages; they become visible again.
    ///
    /// With ``AbandonReason/failed`` the delivery counts toward the worker's poison limit
    /// (``OrchestrationWorkItem/deliveryCount`` keeps it); with ``AbandonReason/notRun`` it does not.
    ///
    /// - Throws: `leaseLost` if the lease is no longer held (the call then has no effect).
    func abandonOrchestrationWorkItem(_ item: OrchestrationWorkItem, reason: AbandonReason) async throws

    /// Leases the next activity, waiting up to `timeout` for one. Returns `nil` on timeout.
    func lockNextActivityWorkItem(timeout: Duration) async throws -> ActivityWorkItem?

    /// Completes an activity: delivers `result` (`TaskCompleted` or `TaskFailed`) to its instance
    /// and removes the activity, atomically.
    ///
    /// - Throws: `leaseLost` if the lease expired or the activity was already completed; the
    ///   duplicate result is dropped, so each result is applied exactly once.
    func completeActivityWorkItem(_ item: ActivityWorkItem, result: HistoryEvent) async throws

    /// Releases an activity lease so another worker runs it. With ``AbandonReason/notRun`` the
    /// delivery does not count: the next one has this one's ``ActivityWorkItem/deliveryCount``.
    func abandonActivityWorkItem(_ item: ActivityWorkItem, reason: AbandonReason) async throws

    /// Extends an activity lease by the store's lease timeout.
    ///
    /// - Throws: `leaseLost` if the lease is no longer held.
    func renewActivityWorkItemLease(_ item: ActivityWorkItem) async throws

    /// Rewinds a failed instance: atomically marks it `Running` and enqueues `message` (an
    /// `ExecutionRewound` event); the next turn rewrites the history so the failed tasks run again.
    ///
    /// - Throws: `instanceNotFound` if no instance has the ID; `invalidState` unless it is `Failed`.
    func rewindInstance(_ message: OrchestrationMessage) async throws

    /// Reads an instance's state, or `nil` if it does not exist.
    func getInstance(_ instanceId: String) async throws -> OrchestrationMetadata?

    /// Waits until the instance satisfies `condition` or `timeout` passes, without polling.
    /// Returns the metadata at that point (`nil` if the instance does not exist).
    func waitForInstance(_ instanceId: String, condition: InstanceWaitCondition, timeout: Duration) async throws
        -> OrchestrationMetadata?

    /// Queries instances by status, creation time, name and ID prefix, one page at a time.
    func queryInstances(_ query: InstanceQuery) async throws -> InstanceQueryResult

    /// Deletes a finished instance, its history and its index entries.
    ///
    /// - Returns: whether an instance was deleted (`false` if none had the ID).
    /// - Throws: `invalidArgument` if the instance is still live.
    func purgeInstance(_ instanceId: String) async throws -> Bool

    /// Deletes every finished instance that matches the filter. Returns the number deleted.
    func purgeInstances(_ filter: PurgeInstancesFilter) async throws -> Int

    /// Background duties a store needs while workers run (firing durable timers, recovering
    /// after dead workers), until the calling task is cancelled. Every worker runs it; a store
    /// must make running it in several processes at once safe. The default does nothing.
    func runMaintenance() async throws
}

/// Why a worker releases a leased work item without completing it.
public enum AbandonReason: Sendable, Hashable {
    /// The work ran and failed, or its result could not be committed: the delivery counts toward
    /// the poison limit.
    case failed
    /// The work was not attempted (no capable worker, a version this worker does not run,
    /// shutdown): the delivery does not count.
    case notRun
}

extension OrchestrationStore {
    /// Releases the lease after a failure (``AbandonReason/failed``).
    public func abandonOrchestrationWorkItem(_ item: OrchestrationWorkItem) async throws {
        try await abandonOrchestrationWorkItem(item, reason: .failed)
    }

    /// Releases the activity after a failure (``AbandonReason/failed``).
    public func abandonActivityWorkItem(_ item: ActivityWorkItem) async throws {
        try await abandonActivityWorkItem(item, reason: .failed)
    }

    /// Does nothing: the store needs no background work.
    public func runMaintenance() async throws {}
}
