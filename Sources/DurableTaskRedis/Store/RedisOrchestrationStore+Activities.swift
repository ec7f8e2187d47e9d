public import DurableTask
import DequeModule
import Foundation
import Synchronization

extension RedisOrchestrationStore {
    /// How many activities one XREADGROUP fetches per partition stream; the ones beyond the first
    /// wait in this store's buffer for its next activity loops.
    static let activityFetchCount = 4

    public func lockNextActivityWorkItem(timeout: Duration) async throws -> ActivityWorkItem? {
        let deadline = ContinuousClock.now + timeout
        let streams = (0..<keys.partitions).map(keys.activities)
        while true {
            try Task.checkCancellation()
            if let buffered = activityBuffer.withLock({ $0.popFirst() }) { return buffered }
            if let reclaimed = try await reclaimExpiredActivity() { return reclaimed }
            let remaining = deadline - ContinuousClock.now
            let wait = min(max(remaining, .milliseconds(1)), configuration.maxBlockingWait)
            counters.add(.activity)
            let reply = try await blocking.withConnection { c in
                try await c.send(["XREADGROUP", "GROUP", "dt", consumer, "COUNT", String(Self.activityFetchCount), "BLOCK", String(wait.milliseconds),
                                  "STREAMS"] + streams + Array(repeating: ">", count: streams.count))
            }
            // Reply: [[stream, [[id, [field, value, ...]]]], ...]: up to `activityFetchCount` entries per stream.
            // Entries beyond the first wait in a local buffer for the next call.
            var items: [ActivityWorkItem] = []
            for s in reply.array ?? [] {
                guard let pair = s.array, pair.count == 2, let entries = pair[1].array else { continue }
                for e in entries {
                    if let item = try activityItem(entry: e, deliveries: 1) { items.append(item) }
                }
            }
            if let first = items.first {
                if items.count > 1 { activityBuffer.withLock { $0.append(contentsOf: items.dropFirst()) } }
                return first
            }
            if ContinuousClock.now >= deadline { return nil }
        }
    }

    /// Claims one activity whose holder has not completed or renewed it within the lease.
    /// Runs at most once per recovery interval per store.
    private func reclaimExpiredActivity() async throws -> ActivityWorkItem? {
        guard reclaimGate.shouldRun(every: configuration.recoveryInterval) else { return nil }
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
                    reclaimGate.reset()
                    return item
                }
            }
        }
        return nil
    }

    private func activityItem(entry: RedisValue, deliveries: Int) throws -> ActivityWorkItem? {
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
        let request = ActivityRequest(
            instanceId: instanceId, executionId: exec, taskId: task, name: name, input: input, attempt: Int(f["a"] ?? "1") ?? 1)
        return ActivityWorkItem(request: request, lockToken: entryId, deliveryCount: deliveries)
    }

    public func completeActivityWorkItem(_ item: ActivityWorkItem, result: HistoryEvent) async throws {
        // The script leased the instance to us: hand its turn to this store's next lock call.
        if let leased = try await completeActivity(item, result: result, callerRunsTurn: false) {
            handoff.withLock { $0.append(.leased(leased)) }
            handoffSignal.notifyAll()
        }
    }

    public func completeActivityWorkItemLeasingTurn(_ item: ActivityWorkItem, result: HistoryEvent) async throws
        -> OrchestrationWorkItem?
    {
        let next = try await completeActivity(item, result: result, callerRunsTurn: true)
        if let next { inlineTurns.withLock { _ = $0.insert(next.lockToken) } }
        return next
    }

    /// Runs complete_activity.lua; returns the instance's next turn if the script leased it to this store.
    private func completeActivity(_ item: ActivityWorkItem, result: HistoryEvent, callerRunsTurn: Bool) async throws
        -> OrchestrationWorkItem?
    {
        let id = item.request.instanceId
        let token = RandomIdentifier.uuidString()
        let wake = keys.consumerWake(keys.partition(of: id), consumer)
        let reply = try await run(LuaScripts.completeActivity, .activity, instance: id, extraKeys: [wake], [
            id, item.lockToken, consumer, String(leaseMillis), try RedisCodec.encode(result), item.request.executionId,
            token, String(leaseMillis), String(configuration.maxMessagesPerWorkItem), callerRunsTurn ? "1" : "0",
        ])
        guard reply.array != nil else { return nil }
        return try workItem(id: id, token: token, reply: reply)
    }

    public func abandonActivityWorkItem(_ item: ActivityWorkItem, reason: AbandonReason) async throws {
        // Make it look idle for longer than any lease, so the next XAUTOCLAIM takes it at once.
        try await run(LuaScripts.abandonActivity, .activity, instance: item.request.instanceId, [
            item.lockToken, consumer, String(leaseMillis * 10), reason == .notRun ? "1" : "0",
        ])
        reclaimGate.reset()
    }

    public func renewActivityWorkItemLease(_ item: ActivityWorkItem) async throws {
        let id = item.request.instanceId
        try await run(LuaScripts.renewActivity, .activity, instance: id, [item.lockToken, consumer, String(leaseMillis)])
    }
}

/// Lets a periodic task run at most once per interval without a timer loop.
final class PeriodicGate: Sendable {
    private let last = Mutex<ContinuousClock.Instant?>(nil)

    init() {}

    func shouldRun(every interval: Duration) -> Bool {
        last.withLock { l in
            let now = ContinuousClock.now
            if let previous = l, now - previous < interval { return false }
            l = now
            return true
        }
    }

    func reset() { last.withLock { $0 = nil } }
}
