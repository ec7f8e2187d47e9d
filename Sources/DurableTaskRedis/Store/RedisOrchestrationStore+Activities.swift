public import DurableTask
import DurableTaskRedisClient
import Foundation
import Metrics
import Synchronization

extension RedisOrchestrationStore {
    /// Takes the next activity: one the store's reader fetched for its waiting loops (see
    /// ``readActivities()``), or one whose holder's lease expired, when a recovery scan found one
    /// (or one was abandoned). Waiting costs Redis nothing beyond the reader's blocking read.
    public func lockNextActivityWorkItem(timeout: Duration) async throws -> ActivityWorkItem? {
        let deadline = ContinuousClock.now + timeout
        while true {
            try Task.checkCancellation()
            if let reclaimed = try await reclaimExpiredActivity() { return reclaimed }
            readers.ensure(.activities) { await self.readActivities() }
            if let item = await activityFeed.next(until: deadline) { return item }
            if ContinuousClock.now >= deadline { return nil }
        }
    }

    /// Claims one activity whose holder has not completed or renewed it within the lease, when
    /// a recovery scan saw one expire or an activity was abandoned; one loop at a time.
    private func reclaimExpiredActivity() async throws -> ActivityWorkItem? {
        guard reclaimDue.compareExchange(expected: true, desired: false, ordering: .relaxed).exchanged else { return nil }
        for p in 0..<keys.partitions {
            counters.add(.activity)
            let reply = try await command(["XAUTOCLAIM", keys.activities(p), "dt", consumer, String(leaseMillis), "0-0", "COUNT", "1"])
            guard let parts = reply.array, parts.count >= 2, let entries = parts[1].array else { continue }
            for e in entries {
                guard let entryId = e.array?.first?.string else { continue }
                // The claim counted a delivery; the pending entry holds the count (the poison counter).
                let pending = try await command(["XPENDING", keys.activities(p), "dt", entryId, entryId, "1"])
                let deliveries = pending.array?.first?.array.flatMap { $0.count >= 4 ? $0[3].int : nil } ?? 2
                if let item = try activityItem(entry: e, deliveries: deliveries) {
                    Self.recoveries(.activity).increment()
                    // There may be more: let the next waiting loop look too.
                    reclaimDue.store(true, ordering: .relaxed)
                    activityFeed.nudge()
                    return item
                }
            }
        }
        return nil
    }

    func activityItem(entry: RedisValue, deliveries: Int) throws -> ActivityWorkItem? {
        guard let pair = entry.array, pair.count == 2, let entryId = pair[0].string, let flat = pair[1].stringArray else {
            return nil
        }
        var f: [String: String] = [:]
        var i = 0
        while i + 1 < flat.count {
            f[flat[i] ?? ""] = flat[i + 1] ?? ""
            i += 2
        }
        guard let instanceId = f["i"], let exec = f["e"], let task = f["t"].flatMap(Int.init), let name = f["n"] else {
            return nil
        }
        let input = f["in"] == "\0" ? nil : f["in"]
        var request = ActivityRequest(
            instanceId: instanceId, executionId: exec, taskId: task, name: name, input: input, attempt: Int(f["a"] ?? "1") ?? 1)
        // Version 1 of the library wrote no trace context; a malformed one only loses the trace.
        if let tc = f["tc"], tc != "\0" { request.traceContext = try? RedisCodec.decode(TraceCarrier.self, tc) }
        return ActivityWorkItem(request: request, lockToken: entryId, deliveryCount: deliveries)
    }

    /// Delivers the result to the activity's instance and removes the activity, in one function call: exactly once.
    public func completeActivityWorkItem(_ item: ActivityWorkItem, result: HistoryEvent) async throws {
        // The function leased the instance to us: hand its turn to this store's next lock call.
        if let leased = try await completeActivity(item, result: result) {
            orchestrationFeed.put([.leased(leased)])
        }
    }

    /// Completes the activity and, if the instance is idle, leases its next turn to the caller in the same function call.
    public func completeActivityWorkItemLeasingTurn(_ item: ActivityWorkItem, result: HistoryEvent) async throws
        -> OrchestrationWorkItem?
    {
        let next = try await completeActivity(item, result: result)
        if let next { inlineTurns.withLock { _ = $0.insert(next.lockToken) } }
        return next
    }

    /// Calls dt_complete_activity; returns the instance's next turn if it leased it to this store.
    private func completeActivity(_ item: ActivityWorkItem, result: HistoryEvent) async throws
        -> OrchestrationWorkItem?
    {
        let lease = newLease()
        let call = try CompleteActivityCall(
            keys: keys, item: item, consumer: consumer, activityLeaseMilliseconds: leaseMillis, result: result, turnLease: lease)
        guard case .leased(let leased) = try await run(call, .activity) else { return nil }
        return leased.workItem(instanceId: item.request.instanceId, token: lease.token)
    }

    /// Releases the activity lease so another worker runs it.
    public func abandonActivityWorkItem(_ item: ActivityWorkItem, reason: AbandonReason) async throws {
        // Make it look idle for longer than any lease, so the next XAUTOCLAIM takes it at once.
        try await run(
            AbandonActivityCall(keys: keys, item: item, consumer: consumer, idleMilliseconds: leaseMillis * 10, notRun: reason == .notRun),
            .activity)
        reclaimDue.store(true, ordering: .relaxed)
        activityFeed.nudge()
    }

    /// Extends the activity lease by ``Configuration/leaseTimeout``.
    public func renewActivityWorkItemLease(_ item: ActivityWorkItem) async throws {
        try await run(RenewActivityCall(keys: keys, item: item, consumer: consumer, leaseMilliseconds: leaseMillis), .activity)
    }
}
