import DurableTask
import Foundation
import SwiftProtobuf
import Logging
import Synchronization

/// The workers connected over `GetWorkItems`, and the work items they hold.
///
/// It is the engine's ``RemoteWorkDispatcher``: the host's ``DurableTaskWorker`` leases every work
/// item, and hands the ones its registry lacks to the hub. The hub sends each to a connected
/// worker whose filters accept it, under a completion token of its own, and waits for the answer
/// (`Complete…Task` or `Abandon…`), which it commits to the store in one step. Work that no
/// connected worker accepts is held for ``Configuration/holdTime`` in case one connects, then
/// released to wait in the store: it is never failed for lack of a worker.
final class RemoteWorkerHub: RemoteWorkDispatcher {
    /// Hub settings.
    struct Configuration: Sendable {
        /// How long a work item nobody can run waits for a capable worker before it is released.
        var holdTime: Duration = .seconds(5)
        /// How long a worker may take to answer one work item; then the item is released.
        var answerTimeout: Duration = .seconds(300)
    }

    /// One connected `GetWorkItems` stream.
    struct Connection: Sendable {
        let id: Int
        let filters: WorkItemFilters
        let output: AsyncStream<ProtoWorkItem>.Continuation
        var outstanding = 0
    }

    /// A work item a connected worker holds, by completion token.
    enum InFlight: Sendable {
        case orchestration(OrchestrationInFlight)
        case activity(ActivityInFlight)
        case entity(EntityInFlight)

        var connection: Int {
            switch self {
            case .orchestration(let o): o.connection
            case .activity(let a): a.connection
            case .entity(let e): e.connection
            }
        }

        var done: OneShot {
            switch self {
            case .orchestration(let o): o.done
            case .activity(let a): a.done
            case .entity(let e): e.done
            }
        }
    }

    struct OrchestrationInFlight: Sendable {
        var item: OrchestrationWorkItem
        var turn: RemoteOrchestrationTurn
        var connection: Int
        let done: OneShot
    }

    struct ActivityInFlight: Sendable {
        var item: ActivityWorkItem
        var connection: Int
        let done: OneShot
        /// The instance's next turn, when the commit leased it to the waiting worker loop.
        let nextTurn = LockedBox<OrchestrationWorkItem?>(nil)
    }

    struct EntityInFlight: Sendable {
        var item: OrchestrationWorkItem
        var batch: RemoteEntityBatch
        var connection: Int
        let done: OneShot
    }

    private struct State {
        var connections: [Int: Connection] = [:]
        var nextConnection = 1
        var inFlight: [String: InFlight] = [:]
        var connectWaiters: [Int: OneShot] = [:]
        var nextWaiter = 0
        /// The connections that abandoned a work item, by work key: they are not sent it again
        /// while another capable worker is connected (a version-rejecting worker, say).
        var rejectedBy: [String: Set<Int>] = [:]
        /// The history each instance had after its last remote commit here, so its next turn
        /// need not read it from the store.
        var histories: [String: CachedHistory] = [:]
    }

    struct CachedHistory {
        var executionId: String?
        var events: [HistoryEvent]
    }

    /// How many instances' histories are kept, and the longest history kept.
    static let historyCacheCapacity = 2_000
    static let historyCacheMaxEvents = 1_000

    /// The most work keys whose rejections are remembered.
    static let rejectionMemory = 10_000

    let store: any OrchestrationStore
    let configuration: Configuration
    let logger: Logger
    private let state = Mutex(State())

    init(store: any OrchestrationStore, configuration: Configuration = Configuration(), logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: Connections

    /// Registers a worker's stream. Work items for it arrive on the returned stream.
    func connect(filters: WorkItemFilters) -> (id: Int, items: AsyncStream<ProtoWorkItem>) {
        let (stream, continuation) = AsyncStream<ProtoWorkItem>.makeStream()
        let (id, waiters) = state.withLock { s -> (Int, [OneShot]) in
            let id = s.nextConnection
            s.nextConnection += 1
            s.connections[id] = Connection(id: id, filters: filters, output: continuation)
            defer { s.connectWaiters = [:] }
            return (id, Array(s.connectWaiters.values))
        }
        for waiter in waiters { waiter.fire() }
        logger.info("remote worker connected", metadata: [LogKeys.connection: "\(id)"])
        return (id, stream)
    }

    /// Removes a worker's stream and releases every work item it held, so another worker runs it.
    func disconnect(_ id: Int) async {
        let held = state.withLock { s -> [InFlight] in
            s.connections.removeValue(forKey: id)?.output.finish()
            for (key, ids) in s.rejectedBy where ids.contains(id) {
                s.rejectedBy[key] = ids.count == 1 ? nil : ids.subtracting([id])
            }
            let tokens = s.inFlight.filter { $0.value.connection == id }.map(\.key)
            return tokens.compactMap { s.inFlight.removeValue(forKey: $0) }
        }
        for item in held { await release(item) }
        logger.info("remote worker disconnected", metadata: [LogKeys.connection: "\(id)", LogKeys.released: "\(held.count)"])
    }

    /// Ends every work-item stream (the server is stopping); their held work is released as
    /// each stream's handler disconnects.
    func closeAll() {
        for connection in state.withLock({ Array($0.connections.values) }) { connection.output.finish() }
    }

    /// Sends a health ping down a connection's stream (in order with its work items).
    func ping(_ id: Int) {
        var ping = ProtoWorkItem()
        ping.healthPing = ProtoHealthPing()
        _ = state.withLock { $0.connections[id]?.output.yield(ping) }
    }

    /// The number of connected workers.
    var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Finds the least busy connected worker that accepts the work, waiting up to the hold time
    /// for one to connect.
    private func connection(for key: String, accepting accepts: (WorkItemFilters) -> Bool) async -> Int? {
        let deadline = ContinuousClock.now + configuration.holdTime
        while true {
            if let id = state.withLock({ s in
                let rejected = s.rejectedBy[key] ?? []
                return s.connections.values.filter { accepts($0.filters) && !rejected.contains($0.id) }
                    .min { ($0.outstanding, $0.id) < ($1.outstanding, $1.id) }?.id
            }) {
                return id
            }
            guard ContinuousClock.now < deadline, !Task.isCancelled else {
                // Held long enough: the next lease may offer it to the workers that refused it
                // (a refusal can be transient), at most once per hold time.
                _ = state.withLock { $0.rejectedBy.removeValue(forKey: key) }
                return nil
            }
            await waitForConnect(until: deadline)
        }
    }

    private func waitForConnect(until deadline: ContinuousClock.Instant) async {
        let signal = OneShot()
        let key = state.withLock { s -> Int in
            s.nextWaiter += 1
            s.connectWaiters[s.nextWaiter] = signal
            return s.nextWaiter
        }
        _ = await signal.wait(timeout: deadline - ContinuousClock.now)
        state.withLock { _ = $0.connectWaiters.removeValue(forKey: key) }
    }

    // MARK: Sending work

    /// Registers the work under a new token and sends it to the connection.
    private func send(_ inFlight: InFlight, _ workItem: ProtoWorkItem) -> Bool {
        var workItem = workItem
        let token = RandomIdentifier.compact()
        workItem.completionToken = token
        return state.withLock { s -> Bool in
            guard var connection = s.connections[inFlight.connection] else { return false }
            connection.outstanding += 1
            s.connections[inFlight.connection] = connection
            s.inFlight[token] = inFlight
            connection.output.yield(workItem)
            return true
        }
    }

    /// Takes the work item a token names; `nil` if the token is unknown or already answered.
    func take(_ token: String) -> InFlight? {
        state.withLock { s -> InFlight? in
            guard let inFlight = s.inFlight.removeValue(forKey: token) else { return nil }
            s.connections[inFlight.connection]?.outstanding -= 1
            return inFlight
        }
    }

    /// Puts back a work item whose answer was refused before anything was done with it.
    func restore(_ token: String, _ inFlight: InFlight) {
        state.withLock { s in
            s.inFlight[token] = inFlight
            s.connections[inFlight.connection]?.outstanding += 1
        }
    }

    /// Waits for the answer; on timeout, releases whatever token the work still has.
    private func await(_ done: OneShot, leaseToken: String) async {
        if await done.wait(timeout: configuration.answerTimeout) { return }
        let held = state.withLock { s -> [InFlight] in
            let tokens = s.inFlight.filter { $0.value.leaseToken == leaseToken }.map(\.key)
            return tokens.compactMap { s.inFlight.removeValue(forKey: $0) }
        }
        for item in held { await release(item) }
        if !held.isEmpty { logger.warning("remote worker did not answer in time; work item released") }
    }

    func cachedHistory(for item: OrchestrationWorkItem) -> [HistoryEvent]? {
        state.withLock { s -> [HistoryEvent]? in
            guard let cached = s.histories.removeValue(forKey: item.instanceId), cached.events.count == item.historyLength,
                cached.executionId == item.executionId
            else { return nil }
            return cached.events
        }
    }

    /// Keeps the history a commit left, for the instance's next turn.
    func committed(_ turn: RemoteOrchestrationTurn, _ result: OrchestrationTurnResult) {
        let events = result.replaceHistory ? result.historyToAppend : turn.past + result.historyToAppend
        let executionId = result.newExecution?.executionId ?? turn.executionId ?? turn.executionStarted?.executionId
        state.withLock { s in
            guard !result.status.isTerminal, events.count <= Self.historyCacheMaxEvents else {
                s.histories[turn.instanceId] = nil
                return
            }
            if s.histories.count >= Self.historyCacheCapacity, s.histories[turn.instanceId] == nil { s.histories.removeAll() }
            s.histories[turn.instanceId] = CachedHistory(executionId: executionId, events: events)
        }
    }

    /// Remembers that the worker holding `inFlight` abandoned it, so it goes to another worker.
    func rejected(_ inFlight: InFlight) {
        state.withLock { s in
            if s.rejectedBy.count >= Self.rejectionMemory, s.rejectedBy[inFlight.workKey] == nil { s.rejectedBy.removeAll() }
            s.rejectedBy[inFlight.workKey, default: []].insert(inFlight.connection)
        }
    }

    /// Forgets the rejections of a work item that was answered.
    func answered(_ inFlight: InFlight) {
        _ = state.withLock { $0.rejectedBy.removeValue(forKey: inFlight.workKey) }
    }

    /// Releases a work item in the store so it runs again, and ends its wait.
    func release(_ inFlight: InFlight) async {
        switch inFlight {
        case .orchestration(let o): try? await store.abandonOrchestrationWorkItem(o.item)
        case .activity(let a): try? await store.abandonActivityWorkItem(a.item)
        case .entity(let e): try? await store.abandonOrchestrationWorkItem(e.item)
        }
        inFlight.done.fire()
    }

    // MARK: RemoteWorkDispatcher

    func runOrchestrationTurn(_ item: OrchestrationWorkItem, history: [HistoryEvent], name: String, version: String?) async -> Bool {
        guard let connection = await connection(for: item.instanceId, accepting: { $0.accepts(orchestration: name, version: version) })
        else { return false }
        let done = OneShot()
        let turn = RemoteOrchestrationTurn(item: item, history: history)
        let inFlight = OrchestrationInFlight(item: item, turn: turn, connection: connection, done: done)
        guard send(.orchestration(inFlight), Self.workItem(for: turn)) else { return false }
        await self.await(done, leaseToken: item.lockToken)
        return true
    }

    /// Sends the next round of a turn (continue-as-new, rewind) to a worker that accepts it.
    func sendNextRound(_ inFlight: OrchestrationInFlight) async -> Bool {
        var next = inFlight
        let started = inFlight.turn.executionStarted
        let accepts: (WorkItemFilters) -> Bool = { $0.accepts(orchestration: started?.name ?? "", version: started?.version) }
        if let stillThere = state.withLock({ s in s.connections[inFlight.connection].map { accepts($0.filters) } }), stillThere {
            return send(.orchestration(next), Self.workItem(for: next.turn))
        }
        guard let connection = await connection(for: inFlight.item.instanceId, accepting: accepts) else { return false }
        next.connection = connection
        return send(.orchestration(next), Self.workItem(for: next.turn))
    }

    func runActivity(_ item: ActivityWorkItem) async -> RemoteActivityOutcome {
        let request = item.request
        guard let connection = await connection(for: "\(request.instanceId)#\(request.taskId)", accepting: { $0.accepts(activity: request.name) })
        else { return .notTaken }
        let done = OneShot()
        var activity = ProtoActivityRequest()
        activity.name = request.name
        if let input = request.input { activity.input = .init(input) }
        activity.orchestrationInstance = HistoryTranslation.instance(request.instanceId, request.executionId)
        activity.taskID = Int32(clamping: request.taskId)
        if let trace = TraceTranslation.proto(request.traceContext) { activity.parentTraceContext = trace }
        var workItem = ProtoWorkItem()
        workItem.activityRequest = activity
        let inFlight = ActivityInFlight(item: item, connection: connection, done: done)
        guard send(.activity(inFlight), workItem) else { return .notTaken }
        await self.await(done, leaseToken: item.lockToken)
        return .done(nextTurn: inFlight.nextTurn.value)
    }

    func runEntityBatch(_ item: OrchestrationWorkItem, history: [HistoryEvent]) async -> Bool {
        guard let id = EntityID(instanceId: item.instanceId),
            let connection = await connection(for: item.instanceId, accepting: { $0.accepts(entity: id.name) })
        else { return false }
        let batch: RemoteEntityBatch
        do {
            let refused = try await EntityLockCheck.refusedLocks(in: item, store: store)
            batch = try await RemoteEntityBatch(item: item, history: history, refusedLocks: refused, logger: logger)
        } catch {
            logger.error("entity batch could not be prepared", metadata: [LogKeys.instanceId: .string(item.instanceId), LogKeys.error: "\(error)"])
            return false
        }
        let done = OneShot()
        var workItem = ProtoWorkItem()
        workItem.entityRequestV2 = batch.request
        guard send(.entity(EntityInFlight(item: item, batch: batch, connection: connection, done: done)), workItem) else { return false }
        await self.await(done, leaseToken: item.lockToken)
        return true
    }

    /// The `OrchestratorRequest` work item for a turn's current round.
    static func workItem(for turn: RemoteOrchestrationTurn) -> ProtoWorkItem {
        var request = ProtoOrchestratorRequest()
        request.instanceID = turn.instanceId
        if let executionId = turn.executionId ?? turn.executionStarted?.executionId { request.executionID = .init(executionId) }
        let events = EntityMessageTranslation.proto(past: turn.past, new: turn.newEvents)
        request.pastEvents = events.past
        request.newEvents = events.new
        var workItem = ProtoWorkItem()
        workItem.orchestratorRequest = request
        return workItem
    }
}

extension RemoteWorkerHub.InFlight {
    /// What rejections are remembered by: the instance, or the instance and task of an activity.
    var workKey: String {
        switch self {
        case .orchestration(let o): o.item.instanceId
        case .activity(let a): "\(a.item.request.instanceId)#\(a.item.request.taskId)"
        case .entity(let e): e.item.instanceId
        }
    }

    /// The store lease the work item belongs to.
    var leaseToken: String {
        switch self {
        case .orchestration(let o): o.item.lockToken
        case .activity(let a): a.item.lockToken
        case .entity(let e): e.item.lockToken
        }
    }
}
