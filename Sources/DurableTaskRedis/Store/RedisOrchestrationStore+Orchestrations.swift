public import DurableTask
import DurableTaskRedisClient
import Foundation
import Synchronization

extension RedisOrchestrationStore {
    /// Takes the next instance with work: one a commit popped or a completion leased for this
    /// store, or one the store's reader pops from the ready lists for its waiting loops (see
    /// ``readReadyInstances()``). Waiting costs Redis nothing beyond that one blocking read.
    public func lockNextOrchestrationWorkItem(timeout: Duration) async throws -> OrchestrationWorkItem? {
        let deadline = ContinuousClock.now + timeout
        while true {
            try Task.checkCancellation()
            readers.ensure(.orchestrations) { await self.readReadyInstances() }
            if let next = await orchestrationFeed.next(until: deadline) {
                switch next {
                case .leased(let item): return item
                case .ready(let id): if let item = try await lock(id) { return item }
                }
            } else if ContinuousClock.now >= deadline {
                return nil
            }
        }
    }

    /// Leases an instance popped from a ready list; `nil` if there is nothing to do after all.
    func lock(_ id: String) async throws -> OrchestrationWorkItem? {
        let lease = newLease()
        let leased = try await run(LockOrchestrationCall(keys: keys, instanceId: id, lease: lease), .orchestration)
        return leased?.workItem(instanceId: id, token: lease.token)
    }

    /// A new lease for this store: a fresh token, the lease timeout and the most messages per work item.
    func newLease() -> LeaseRequest {
        LeaseRequest(token: RandomIdentifier.uuidString(), milliseconds: leaseMillis, maxMessages: configuration.maxMessagesPerWorkItem)
    }

    /// Commits a turn in one function call, fenced by the lease token, then delivers its outbound messages.
    public func completeOrchestrationWorkItem(_ item: OrchestrationWorkItem, result: OrchestrationTurnResult) async throws {
        let entryIds = try await commit(item, result: result)
        guard !result.messages.isEmpty else { return }
        // Deliver the outbox entries now; the maintenance loop redelivers them if this process dies first.
        let partition = keys.partition(of: item.instanceId)
        try await route(zip(entryIds, result.messages).map { (partition, $0.0, $0.1) }, leaseTargets: true)
    }

    /// Calls dt_complete_orchestration; returns the IDs of the outbox entries it wrote.
    func commit(_ item: OrchestrationWorkItem, result: OrchestrationTurnResult) async throws -> [String] {
        // A turn run by an activity loop (leased by its activity's completion) hands on nothing:
        // that loop goes back to activities, so the next ready instance stays for blocked workers.
        let takesNext = inlineTurns.withLock { $0.remove(item.lockToken) } == nil
        let call = try CompleteOrchestrationCall(keys: keys, item: item, result: result, updatedAt: Date(), takesNext: takesNext)
        let reply = try await run(call, .orchestration)
        if let next = reply.nextReady {
            orchestrationFeed.put([.ready(next)])
        }
        return reply.outboxEntryIds
    }

    /// Delivers outbox entries to their instances (deduplicated by entry ID), answers rejected
    /// sub-orchestration starts, and removes the entries. With `leaseTargets`, an idle target of an
    /// event is leased to this store at once, so its next turn needs no pop and no lock.
    func route(_ entries: [(partition: Int, entryId: String, message: OrchestrationMessage)], leaseTargets: Bool = false) async throws {
        guard !entries.isEmpty else { return }
        // One pipelined round trip delivers every entry (each call is its own atomic function call).
        var leases: [LeaseRequest?] = []
        let calls = try entries.map { entry -> DeliverMessageCall in
            // A start creates its instance; only an event to an existing one can lease it.
            let lease = leaseTargets && !isStart(entry.message) ? newLease() : nil
            leases.append(lease)
            return try DeliverMessageCall(
                keys: keys, message: entry.message, mode: .route(messageId: "\(entry.partition)-\(entry.entryId)", lease: lease))
        }
        let results = try await runPipelined(calls, .orchestration)
        for ((entry, lease), result) in zip(zip(entries, leases), results) {
            guard let lease, case .success(.leased(let leased)) = result else { continue }
            orchestrationFeed.put([.leased(leased.workItem(instanceId: entry.message.instanceId, token: lease.token))])
        }
        var rejections: [OrchestrationMessage] = []
        for (entry, result) in zip(entries, results) {
            if try result.get() == .rejected, case .executionStarted(let start) = entry.message.event.kind,
                let failure = OrchestrationMessage.subOrchestrationRejected(start, at: Date())
            {
                rejections.append(failure)
            }
        }
        for failure in rejections {
            try await run(
                DeliverMessageCall(keys: keys, message: failure, mode: .route(messageId: "reject-" + RandomIdentifier.uuidString(), lease: nil)),
                .orchestration)
        }
        var byPartition: [Int: [String]] = [:]
        for entry in entries { byPartition[entry.partition, default: []].append(entry.entryId) }
        counters.add(.orchestration)
        _ = try await commands(byPartition.map { ["XDEL", keys.outbox($0.key)] + $0.value })
    }

    private func isStart(_ message: OrchestrationMessage) -> Bool {
        if case .executionStarted = message.event.kind { return true }
        return false
    }

    /// Releases the lease; the leased messages become visible again.
    public func abandonOrchestrationWorkItem(_ item: OrchestrationWorkItem, reason: AbandonReason) async throws {
        inlineTurns.withLock { _ = $0.remove(item.lockToken) }
        try await run(
            AbandonOrchestrationCall(keys: keys, instanceId: item.instanceId, token: item.lockToken, notRun: reason == .notRun),
            .orchestration)
    }
}
