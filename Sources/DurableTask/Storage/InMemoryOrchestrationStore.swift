import DequeModule
import Foundation
import HeapModule
import Synchronization

/// The reference task-hub store, in process memory. It defines the semantics every store
/// must match (see the conformance suite). Nothing survives the process.
public final class InMemoryOrchestrationStore: OrchestrationStore {
    /// Store settings.
    public struct Configuration: Sendable {
        /// How long a lease lasts before another worker may take the work.
        public var leaseTimeout: Duration
        /// The most messages leased in one orchestration work item.
        public var maxMessagesPerWorkItem: Int

        /// Creates a configuration.
        public init(leaseTimeout: Duration = .seconds(30), maxMessagesPerWorkItem: Int = 1_000) {
            self.leaseTimeout = leaseTimeout
            self.maxMessagesPerWorkItem = maxMessagesPerWorkItem
        }
    }

    struct Lease {
        var token: String
        var expiresAt: ContinuousClock.Instant
        var messageCount: Int
    }

    struct InstanceRecord {
        var metadata: OrchestrationMetadata
        var history: [HistoryEvent] = []
        var inbox = Deque<OrchestrationMessage>()
        var lease: Lease?
        /// Leases since the last commit (the poison counter).
        var deliveries = 0
    }

    struct TimerEntry: Comparable {
        var due: Date
        var sequence: UInt64
        var message: OrchestrationMessage
        static func < (a: Self, b: Self) -> Bool { (a.due, a.sequence) < (b.due, b.sequence) }
        static func == (a: Self, b: Self) -> Bool { a.sequence == b.sequence }
    }

    struct ActivityLease {
        var item: ActivityWorkItem
        var expiresAt: ContinuousClock.Instant
    }

    struct State {
        var instances: [String: InstanceRecord] = [:]
        var ready = Deque<String>()
        var readySet = Set<String>()
        /// Instances that hold (or held, until checked) a lease; keeps lease expiry O(leased), not O(instances).
        var leased = Set<String>()
        var timers = Heap<TimerEntry>()
        var activities = Deque<(ActivityRequest, Int)>()
        var activityLeases: [String: ActivityLease] = [:]
        var sequence: UInt64 = 0
        var exists = true
    }

    /// The configuration.
    public let configuration: Configuration
    private let state = Mutex(State())
    private let orchestrationSignal = WakeSignal()
    private let activitySignal = WakeSignal()
    private let instanceSignal = WakeSignal()

    /// Creates an empty store.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    // MARK: Task hub

    /// Marks the task hub as existing; there are no structures to create.
    public func createTaskHub() async throws {
        state.withLock { $0.exists = true }
    }

    /// Drops every instance, message, activity and timer, and wakes every waiter.
    public func deleteTaskHub() async throws {
        state.withLock { $0 = State() }
        orchestrationSignal.notifyAll()
        activitySignal.notifyAll()
        instanceSignal.notifyAll()
    }

    // MARK: Instances

    /// Creates an instance under the request's reuse policy; see ``OrchestrationStore/createInstance(_:)``.
    public func createInstance(_ request: CreateInstanceRequest) async throws -> CreateInstanceResult {
        let id = request.executionStarted.instanceId
        let result = try state.withLock { s -> CreateInstanceResult in
            if let existing = s.instances[id], existing.metadata.runtimeStatus.isLive {
                if let event = request.eventMessage {
                    deliver(event, in: &s)
                    return CreateInstanceResult(instanceId: id, executionId: existing.metadata.executionId, created: false)
                }
                switch request.reusePolicy {
                case .fail:
                    throw DurableTaskError(
                        .instanceAlreadyExists,
                        "an instance with ID '\(id)' is already \(existing.metadata.runtimeStatus.rawValue.lowercased())")
                case .useExisting:
                    return CreateInstanceResult(instanceId: id, executionId: existing.metadata.executionId, created: false)
                case .terminateExisting:
                    break
                }
            }
            s.instances[id] = InstanceRecord(metadata: request.initialMetadata)
            s.readySet.remove(id)
            enqueue(request.startMessage, in: &s)
            if let event = request.eventMessage { deliver(event, in: &s) }
            return CreateInstanceResult(instanceId: id, executionId: request.executionStarted.executionId, created: true)
        }
        orchestrationSignal.notifyAll()
        instanceSignal.notifyAll()
        return result
    }

    /// Enqueues a message to an existing instance; see ``OrchestrationStore/sendMessage(_:)``.
    public func sendMessage(_ message: OrchestrationMessage) async throws {
        try state.withLock { s in
            if EntityID.isEntity(message.instanceId) { return enqueue(message, in: &s) }
            guard let record = s.instances[message.instanceId] else {
                throw DurableTaskError(.instanceNotFound, "no instance has ID '\(message.instanceId)'")
            }
            guard record.metadata.runtimeStatus.isLive else {
                throw DurableTaskError(
                    .instanceCompleted,
                    "instance '\(message.instanceId)' has already finished (\(record.metadata.runtimeStatus.rawValue))")
            }
            enqueue(message, in: &s)
        }
        orchestrationSignal.notifyAll()
    }

    /// Marks a failed instance `Running` and enqueues the rewind; see ``OrchestrationStore/rewindInstance(_:)``.
    public func rewindInstance(_ message: OrchestrationMessage) async throws {
        try state.withLock { s in
            let id = message.instanceId
            guard var record = s.instances[id] else { throw DurableTaskError(.instanceNotFound, "no instance has ID '\(id)'") }
            guard record.metadata.runtimeStatus == .failed else {
                throw DurableTaskError(.invalidState, "only a failed instance can be rewound; '\(id)' is \(record.metadata.runtimeStatus.rawValue)")
            }
            record.metadata.runtimeStatus = .running
            record.metadata.lastUpdatedAt = Date()
            record.inbox.append(message)
            s.instances[id] = record
            if record.lease == nil { markReady(id, in: &s) }
        }
        orchestrationSignal.notifyAll()
        instanceSignal.notifyAll()
    }

    /// The instance's state, or `nil` if it does not exist.
    public func getInstance(_ instanceId: String) async throws -> OrchestrationMetadata? {
        state.withLock { $0.instances[instanceId]?.metadata }
    }

    /// The current execution's history; empty if the instance does not exist.
    public func readHistory(instanceId: String) async throws -> [HistoryEvent] {
        state.withLock { $0.instances[instanceId]?.history ?? [] }
    }

    /// Waits, without polling, until the instance satisfies `condition` or `timeout` passes.
    public func waitForInstance(_ instanceId: String, condition: InstanceWaitCondition, timeout: Duration) async throws
        -> OrchestrationMetadata?
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let seen = instanceSignal.version
            let metadata = state.withLock { $0.instances[instanceId]?.metadata }
            guard let metadata else { return nil }
            if condition.isSatisfied(by: metadata) || ContinuousClock.now >= deadline || Task.isCancelled { return metadata }
            await instanceSignal.wait(after: seen, until: deadline)
        }
    }

    /// One page of the instances that match the query.
    public func queryInstances(_ query: InstanceQuery) async throws -> InstanceQueryResult {
        let all = state.withLock { s in s.instances.values.map(\.metadata).filter(query.matches) }
        return InstanceQueryPaging.page(all, query: query)
    }

    /// Deletes a finished instance; see ``OrchestrationStore/purgeInstance(_:)``.
    public func purgeInstance(_ instanceId: String) async throws -> Bool {
        try state.withLock { s in
            guard let record = s.instances[instanceId] else { return false }
            guard record.metadata.runtimeStatus.isTerminal else {
                throw DurableTaskError(.invalidArgument, "instance '\(instanceId)' is still \(record.metadata.runtimeStatus.rawValue); only finished instances can be purged")
            }
            s.instances.removeValue(forKey: instanceId)
            return true
        }
    }

    /// Deletes every finished instance that matches the filter and returns how many.
    public func purgeInstances(_ filter: PurgeInstancesFilter) async throws -> Int {
        state.withLock { s in
            let query = InstanceQuery(statuses: filter.statuses, createdFrom: filter.createdFrom, createdTo: filter.createdTo)
            let victims = s.instances.values.filter { query.matches($0.metadata) }.map(\.metadata.instanceId)
            for id in victims { s.instances.removeValue(forKey: id) }
            return victims.count
        }
    }

    // MARK: Orchestration work items

    /// Leases the next instance with visible messages, waiting up to `timeout`.
    public func lockNextOrchestrationWorkItem(timeout: Duration) async throws -> OrchestrationWorkItem? {
        let deadline = ContinuousClock.now + timeout
        while true {
            try Task.checkCancellation()
            let seen = orchestrationSignal.version
            let (item, wakeAt) = state.withLock { s -> (OrchestrationWorkItem?, ContinuousClock.Instant?) in
                let now = ContinuousClock.now
                promoteDueTimers(in: &s)
                expireOrchestrationLeases(in: &s, now: now)
                while let id = s.ready.popFirst() {
                    s.readySet.remove(id)
                    guard var record = s.instances[id], record.lease == nil, !record.inbox.isEmpty else { continue }
                    // After a delivery that did not commit, one message at a time isolates a poison message.
                    let limit = record.deliveries > 0 ? 1 : configuration.maxMessagesPerWorkItem
                    let count = min(record.inbox.count, limit)
                    let token = RandomIdentifier.uuidString()
                    record.lease = Lease(token: token, expiresAt: now + configuration.leaseTimeout, messageCount: count)
                    record.deliveries += 1
                    s.leased.insert(id)
                    s.instances[id] = record
                    let item = OrchestrationWorkItem(
                        instanceId: id, executionId: record.metadata.executionId, messages: Array(record.inbox.prefix(count)),
                        historyLength: record.history.count, lockToken: token, deliveryCount: record.deliveries)
                    return (item, nil)
                }
                return (nil, nextWake(in: s))
            }
            if let item { return item }
            if ContinuousClock.now >= deadline { return nil }
            await orchestrationSignal.wait(after: seen, until: min(deadline, wakeAt ?? deadline))
        }
    }

    /// Commits a turn atomically; see ``OrchestrationStore/completeOrchestrationWorkItem(_:result:)``.
    public func completeOrchestrationWorkItem(_ item: OrchestrationWorkItem, result: OrchestrationTurnResult) async throws {
        try state.withLock { s in
            let id = item.instanceId
            guard var record = s.instances[id], let lease = record.lease, lease.token == item.lockToken,
                lease.expiresAt > ContinuousClock.now
            else {
                throw DurableTaskError(.leaseLost, "the lease on '\(id)' expired or was taken over; the turn was not committed")
            }
            record.inbox.removeFirst(lease.messageCount)
            record.lease = nil
            record.deliveries = 0
            if result.replaceHistory { record.history = result.historyToAppend } else { record.history += result.historyToAppend }
            let now = Date()
            record.metadata.runtimeStatus = result.status
            if result.status.isTerminal && EntityID.isEntity(id) && !record.inbox.isEmpty {
                // An entity that emptied itself while new requests arrived stays alive to serve them.
                record.metadata.runtimeStatus = .running
            }
            record.metadata.lastUpdatedAt = now
            record.metadata.customStatus = result.customStatus
            record.metadata.output = result.output
            record.metadata.failureDetails = result.failureDetails
            if let next = result.newExecution {
                record.metadata.executionId = next.executionId
                record.metadata.input = next.input
            }
            if record.metadata.runtimeStatus.isTerminal { record.inbox.removeAll() }
            s.instances[id] = record
            if !record.inbox.isEmpty { markReady(id, in: &s) }
            for activity in result.activities { s.activities.append((activity, 0)) }
            for timer in result.timers { enqueue(timer, in: &s) }
            for message in result.messages { deliver(message, in: &s) }
        }
        orchestrationSignal.notifyAll()
        if !result.activities.isEmpty { activitySignal.notifyAll() }
        instanceSignal.notifyAll()
    }

    /// Releases the lease; its messages become visible again.
    public func abandonOrchestrationWorkItem(_ item: OrchestrationWorkItem, reason: AbandonReason) async throws {
        try state.withLock { s in
            guard var record = s.instances[item.instanceId], record.lease?.token == item.lockToken else {
                throw DurableTaskError(.leaseLost, "the lease on '\(item.instanceId)' is no longer held")
            }
            record.lease = nil
            if reason == .notRun { record.deliveries = max(0, record.deliveries - 1) }
            s.instances[item.instanceId] = record
            markReady(item.instanceId, in: &s)
        }
        orchestrationSignal.notifyAll()
    }

    // MARK: Activity work items

    /// Leases the next activity, waiting up to `timeout`.
    public func lockNextActivityWorkItem(timeout: Duration) async throws -> ActivityWorkItem? {
        let deadline = ContinuousClock.now + timeout
        while true {
            try Task.checkCancellation()
            let seen = activitySignal.version
            let (item, wakeAt) = state.withLock { s -> (ActivityWorkItem?, ContinuousClock.Instant?) in
                let now = ContinuousClock.now
                for (token, lease) in s.activityLeases where lease.expiresAt <= now {
                    s.activityLeases.removeValue(forKey: token)
                    s.activities.prepend((lease.item.request, lease.item.deliveryCount))
                }
                guard let (request, deliveries) = s.activities.popFirst() else {
                    return (nil, s.activityLeases.values.map(\.expiresAt).min())
                }
                let item = ActivityWorkItem(request: request, lockToken: RandomIdentifier.uuidString(), deliveryCount: deliveries + 1)
                s.activityLeases[item.lockToken] = ActivityLease(item: item, expiresAt: now + configuration.leaseTimeout)
                return (item, nil)
            }
            if let item { return item }
            if ContinuousClock.now >= deadline { return nil }
            await activitySignal.wait(after: seen, until: min(deadline, wakeAt ?? deadline))
        }
    }

    /// Delivers the activity's result to its instance exactly once and removes the activity.
    public func completeActivityWorkItem(_ item: ActivityWorkItem, result: HistoryEvent) async throws {
        try state.withLock { s in
            guard let lease = s.activityLeases[item.lockToken], lease.expiresAt > ContinuousClock.now else {
                throw DurableTaskError(.leaseLost, "activity lease for task #\(item.request.taskId) of '\(item.request.instanceId)' is no longer held; result dropped")
            }
            s.activityLeases.removeValue(forKey: lease.item.lockToken)
            deliver(
                OrchestrationMessage(instanceId: item.request.instanceId, executionId: item.request.executionId, event: result),
                in: &s)
        }
        orchestrationSignal.notifyAll()
    }

    /// Releases the activity lease so another worker runs it.
    public func abandonActivityWorkItem(_ item: ActivityWorkItem, reason: AbandonReason) async throws {
        try state.withLock { s in
            guard let lease = s.activityLeases.removeValue(forKey: item.lockToken) else {
                throw DurableTaskError(.leaseLost, "activity lease is no longer held")
            }
            // The queue holds deliveries so far; the next lease adds one.
            let deliveries = lease.item.deliveryCount - (reason == .notRun ? 1 : 0)
            s.activities.prepend((lease.item.request, max(0, deliveries)))
        }
        activitySignal.notifyAll()
    }

    /// Extends the activity lease by ``Configuration/leaseTimeout``.
    public func renewActivityWorkItemLease(_ item: ActivityWorkItem) async throws {
        try state.withLock { s in
            guard var lease = s.activityLeases[item.lockToken], lease.expiresAt > ContinuousClock.now else {
                throw DurableTaskError(.leaseLost, "activity lease is no longer held")
            }
            lease.expiresAt = ContinuousClock.now + configuration.leaseTimeout
            s.activityLeases[item.lockToken] = lease
        }
    }

    // MARK: Internals (called with the lock held)

    /// Adds a message now, or schedules it if it is for later.
    private func enqueue(_ message: OrchestrationMessage, in s: inout State) {
        if let due = message.deliverAt, due > Date() {
            s.sequence += 1
            s.timers.insert(TimerEntry(due: due, sequence: s.sequence, message: message))
        } else {
            deliver(message, in: &s)
        }
    }

    /// Routes a visible message to its instance's inbox, creating sub-orchestrations.
    private func deliver(_ message: OrchestrationMessage, in s: inout State) {
        let id = message.instanceId
        if case .executionStarted(let start) = message.event.kind {
            if let existing = s.instances[id], existing.metadata.executionId != start.executionId {
                if existing.metadata.runtimeStatus.isLive {
                    if let rejection = OrchestrationMessage.subOrchestrationRejected(start, at: Date()) {
                        deliver(rejection, in: &s)
                    }
                    return
                }
                s.instances[id] = nil
            }
            if s.instances[id] == nil {
                let request = CreateInstanceRequest(executionStarted: start, createdAt: message.event.timestamp)
                s.instances[id] = InstanceRecord(metadata: request.initialMetadata)
            }
        }
        if let entity = EntityID(instanceId: id), s.instances[id].map({ !$0.metadata.runtimeStatus.isLive }) ?? true {
            // An entity comes into being, or back after it emptied itself, with a message.
            let now = Date()
            s.instances[id] = InstanceRecord(metadata: OrchestrationMetadata(
                instanceId: id, name: entity.name, executionId: "", runtimeStatus: .pending, createdAt: now, lastUpdatedAt: now))
        }
        guard var record = s.instances[id] else { return }
        if let target = message.executionId, target != record.metadata.executionId { return }
        guard record.metadata.runtimeStatus.isLive else { return }
        record.inbox.append(message)
        let leased = record.lease != nil
        s.instances[id] = record
        if !leased { markReady(id, in: &s) }
    }

    private func markReady(_ id: String, in s: inout State) {
        if s.readySet.insert(id).inserted { s.ready.append(id) }
    }

    private func promoteDueTimers(in s: inout State) {
        let now = Date()
        while let first = s.timers.min, first.due <= now {
            deliver(s.timers.removeMin().message, in: &s)
        }
    }

    private func expireOrchestrationLeases(in s: inout State, now: ContinuousClock.Instant) {
        for id in s.leased {
            guard let lease = s.instances[id]?.lease else {
                s.leased.remove(id)  // released, replaced or purged
                continue
            }
            guard lease.expiresAt <= now else { continue }
            s.instances[id]?.lease = nil
            s.leased.remove(id)
            markReady(id, in: &s)
        }
    }

    /// When the next timer fires or lease expires, whichever is first.
    private func nextWake(in s: State) -> ContinuousClock.Instant? {
        var wake: ContinuousClock.Instant?
        if let due = s.timers.min?.due {
            wake = ContinuousClock.now + DurableTime.delay(seconds: due.timeIntervalSinceNow)
        }
        for id in s.leased {
            if let lease = s.instances[id]?.lease { wake = min(wake ?? lease.expiresAt, lease.expiresAt) }
        }
        return wake
    }
}
