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
        let token = RandomIdentifier.uuidString()
        let reply = try await run(LuaScripts.lockOrchestration, .orchestration, instance: id, [
            id, token, String(leaseMillis), String(configuration.maxMessagesPerWorkItem),
        ])
        return try workItem(id: id, token: token, reply: reply)
    }

    /// Parses a lease reply `{ execution ID, history length, count, delivery count, message JSON... }`.
    func workItem(id: String, token: String, reply: RedisValue) throws -> OrchestrationWorkItem? {
        guard let parts = reply.array else { return nil }
        guard parts.count >= 4, let exec = parts[0].string, let length = parts[1].int, let count = parts[2].int,
            let deliveries = parts[3].int, parts.count == 4 + count
        else { throw DurableTaskError(.storeFailure, "unexpected lock_orchestration reply: \(reply)") }
        let messages = try parts[4...].map { value -> OrchestrationMessage in
            let event = try RedisCodec.decode(HistoryEvent.self, value.string ?? "")
            return OrchestrationMessage(instanceId: id, event: event)
        }
        return OrchestrationWorkItem(
            instanceId: id, executionId: exec.isEmpty ? nil : exec, messages: messages, historyLength: length, lockToken: token,
            deliveryCount: deliveries)
    }

    /// Commits a turn in one script, fenced by the lease token, then delivers its outbound messages.
    public func completeOrchestrationWorkItem(_ item: OrchestrationWorkItem, result: OrchestrationTurnResult) async throws {
        let entryIds = try await commit(item, result: result)
        guard !result.messages.isEmpty else { return }
        // Deliver the outbox entries now; the maintenance loop redelivers them if this process dies first.
        let partition = keys.partition(of: item.instanceId)
        try await route(zip(entryIds, result.messages).map { (partition, $0.0, $0.1) }, leaseTargets: true)
    }

    /// Runs complete_orchestration.lua; returns the IDs of the outbox entries it wrote.
    func commit(_ item: OrchestrationWorkItem, result: OrchestrationTurnResult) async throws -> [String] {
        let id = item.instanceId
        let none = "\0"
        var args: [String] = [
            id, item.lockToken, result.replaceHistory ? "1" : "0", result.status.rawValue, result.output ?? none,
            try result.failureDetails.map(RedisCodec.encode) ?? none, result.customStatus ?? none,
            result.newExecution?.executionId ?? "", result.newExecution?.input ?? none, RedisCodec.millis(Date()),
        ]
        args.reserveCapacity(args.count + 4 + result.historyToAppend.count + result.activities.count * 6
            + result.timers.count * 2 + result.messages.count * 2)
        args.append(String(result.historyToAppend.count))
        for event in result.historyToAppend { args.append(try RedisCodec.encode(event)) }
        args.append(String(result.activities.count))
        for a in result.activities {
            args += [a.executionId, String(a.taskId), a.name, a.input ?? none, String(a.attempt), a.instanceId]
        }
        args.append(String(result.timers.count))
        for timer in result.timers {
            args.append(RedisCodec.millis(timer.deliverAt ?? Date()))
            args.append(try RedisCodec.encode(StoredMessage(nonce: RandomIdentifier.uuidString(), message: timer)))
        }
        args.append(String(result.messages.count))
        for message in result.messages {
            args.append(message.instanceId)
            args.append(try RedisCodec.encode(message))
        }
        // A turn run by an activity loop (leased by its activity's completion) hands on nothing:
        // that loop goes back to activities, so the next ready instance stays for blocked workers.
        let takesNext = inlineTurns.withLock { $0.remove(item.lockToken) } == nil
        args.append(takesNext ? "1" : "0")
        let reply = try await run(LuaScripts.completeOrchestration, .orchestration, instance: id, args)
        let parts = reply.stringArray ?? []
        if let next = parts.first ?? nil {
            orchestrationFeed.put([.ready(next)])
        }
        return parts.dropFirst().compactMap { $0 }
    }

    /// Delivers outbox entries to their instances (deduplicated by entry ID), answers rejected
    /// sub-orchestration starts, and removes the entries. With `leaseTargets`, an idle target of an
    /// event is leased to this store at once, so its next turn needs no pop and no lock.
    func route(_ entries: [(partition: Int, entryId: String, message: OrchestrationMessage)], leaseTargets: Bool = false) async throws {
        guard !entries.isEmpty else { return }
        // One pipelined round trip delivers every entry (each call is its own atomic script).
        var tokens: [String?] = []
        let calls = try entries.map { entry -> (instance: String, name: String?, arguments: [String]) in
            var arguments = try deliverArguments(entry.message, mode: "route", token: "\(entry.partition)-\(entry.entryId)")
            guard leaseTargets, !isStart(entry.message) else {
                tokens.append(nil)
                return (entry.message.instanceId, startName(entry.message), arguments)
            }
            let token = RandomIdentifier.uuidString()
            tokens.append(token)
            arguments += Array(repeating: "", count: max(0, 12 - arguments.count))
            arguments += [token, String(leaseMillis), String(configuration.maxMessagesPerWorkItem)]
            return (entry.message.instanceId, startName(entry.message), arguments)
        }
        let results = try await runPipelined(LuaScripts.deliverMessage, .orchestration, calls)
        for ((entry, token), result) in zip(zip(entries, tokens), results) {
            guard let token, case .success(let reply) = result, reply.array != nil,
                let leased = try workItem(id: entry.message.instanceId, token: token, reply: reply)
            else { continue }
            orchestrationFeed.put([.leased(leased)])
        }
        var rejections: [OrchestrationMessage] = []
        for (entry, result) in zip(entries, results) {
            let reply = try result.get()
            if reply.string == "REJECT", case .executionStarted(let start) = entry.message.event.kind,
                let failure = OrchestrationMessage.subOrchestrationRejected(start, at: Date())
            {
                rejections.append(failure)
            }
        }
        for failure in rejections {
            try await deliver(failure, mode: "route", token: "reject-" + RandomIdentifier.uuidString())
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
        try await run(LuaScripts.abandonOrchestration, .orchestration, instance: item.instanceId, [
            item.instanceId, item.lockToken, reason == .notRun ? "1" : "0",
        ])
    }
}
