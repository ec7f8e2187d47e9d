public import DurableTask
import DurableTaskRedisClient
import Foundation
import Synchronization

extension RedisOrchestrationStore {
    /// Creates an instance atomically under the request's reuse policy (one script).
    public func createInstance(_ request: CreateInstanceRequest) async throws -> CreateInstanceResult {
        let start = request.executionStarted
        let id = start.instanceId
        let startMessage = request.startMessage
        let timerMember = start.scheduledStartTime == nil
            ? "" : try RedisCodec.encode(StoredMessage(nonce: RandomIdentifier.uuidString(), message: startMessage))
        let reply = try await run(LuaScripts.createInstance, .client, instance: id, name: start.name, [
            id, start.executionId, start.name, start.input ?? "", start.version ?? "", start.parent?.instanceId ?? "",
            RedisCodec.millis(request.createdAt), start.scheduledStartTime.map(RedisCodec.millis) ?? "",
            request.reusePolicy.rawValue, try RedisCodec.encode(startMessage.event),
            try request.eventMessage.map { try RedisCodec.encode($0.event) } ?? "", timerMember,
        ])
        guard let parts = reply.array, parts.count == 2, let created = parts[0].int, let exec = parts[1].string else {
            throw DurableTaskError(.storeFailure, "unexpected create_instance reply: \(reply)")
        }
        return CreateInstanceResult(instanceId: id, executionId: exec, created: created == 1)
    }

    /// Enqueues a message to an existing instance; see ``OrchestrationStore/sendMessage(_:)``.
    public func sendMessage(_ message: OrchestrationMessage) async throws {
        try await deliver(message, mode: "client", token: "")
    }

    /// Runs deliver_message.lua. Returns its reply (1, 0 or "REJECT").
    @discardableResult
    func deliver(_ message: OrchestrationMessage, mode: String, token: String) async throws -> RedisValue {
        try await run(LuaScripts.deliverMessage, Self.category(mode), instance: message.instanceId, name: startName(message),
                      try deliverArguments(message, mode: mode, token: token))
    }

    static func category(_ mode: String) -> RoundTripCounter.Category {
        switch mode {
        case "route": .orchestration
        case "timer": .maintenance
        default: .client
        }
    }

    func startName(_ message: OrchestrationMessage) -> String? {
        if case .executionStarted(let s) = message.event.kind { return s.name }
        // A message may create an entity: its script needs the entity name's index.
        return EntityID(instanceId: message.instanceId)?.name
    }

    func deliverArguments(_ message: OrchestrationMessage, mode: String, token: String) throws -> [String] {
        var args = [message.instanceId, mode, try RedisCodec.encode(message.event), message.executionId ?? "", token]
        if case .executionStarted(let s) = message.event.kind {
            args += ["start", s.executionId, s.name, s.input ?? "", s.version ?? "", s.parent?.instanceId ?? "",
                     RedisCodec.millis(message.event.timestamp)]
        } else {
            args.append("other")
        }
        return args
    }

    /// Marks a failed instance `Running` and enqueues the rewind, atomically.
    public func rewindInstance(_ message: OrchestrationMessage) async throws {
        try await run(LuaScripts.rewindInstance, .client, instance: message.instanceId, [
            message.instanceId, try RedisCodec.encode(message.event),
        ])
    }

    /// The instance's state, or `nil` if it does not exist.
    public func getInstance(_ instanceId: String) async throws -> OrchestrationMetadata? {
        counters.add(.client)
        let reply = try await command(["HMGET", keys.instance(instanceId)] + InstanceFields.names)
        guard let fields = reply.stringArray else { throw DurableTaskError(.storeFailure, "unexpected HMGET reply: \(reply)") }
        return try InstanceFields.metadata(id: instanceId, fields)
    }

    /// The current execution's history; empty if the instance does not exist.
    public func readHistory(instanceId: String) async throws -> [HistoryEvent] {
        counters.add(.orchestration)
        historyReadCount.add(1, ordering: .relaxed)
        let reply = try await command(["LRANGE", keys.history(instanceId), "0", "-1"])
        guard let items = reply.stringArray else { throw DurableTaskError(.storeFailure, "unexpected LRANGE reply: \(reply)") }
        return try items.map { try RedisCodec.decode(HistoryEvent.self, $0 ?? "") }
    }

    /// Waits until the instance satisfies `condition` or `timeout` passes, woken by the store's notifications.
    public func waitForInstance(_ instanceId: String, condition: InstanceWaitCondition, timeout: Duration) async throws
        -> OrchestrationMetadata?
    {
        let deadline = ContinuousClock.now + timeout
        let arguments = [condition == .started ? "started" : "completed"] + InstanceFields.names
        // One script reads the state and, if the condition does not hold yet, registers this
        // waiter; the next status change pushes a token to w:<id>.
        var reply = try await run(LuaScripts.waitRegister, .client, instance: instanceId, arguments)
        while true {
            guard let parts = reply.array, let satisfied = parts.first?.int,
                let metadata = try InstanceFields.metadata(id: instanceId, parts.dropFirst().map(\.string))
            else { return nil }
            let remaining = deadline - ContinuousClock.now
            if satisfied == 1 || remaining <= .zero || Task.isCancelled { return metadata }
            let wait = min(remaining, configuration.maxBlockingWait)
            // Block for the token and read again in one round trip: Redis runs the pipelined
            // script as soon as BLPOP returns.
            counters.add(.client)
            let keys = self.keys.instanceKeys(instanceId)
            let replies = try await blocking.withConnection { c in
                try await c.pipeline([
                    ["BLPOP", self.keys.waiters(instanceId), wait.redisSeconds],
                    ["EVALSHA", LuaScripts.waitRegister.sha1, String(keys.count)] + keys + arguments,
                ])
            }
            if replies.count == 2, replies[1].errorMessage == nil {
                reply = replies[1]
            } else {
                // NOSCRIPT (or another error): run the script on its own, which loads it.
                reply = try await run(LuaScripts.waitRegister, .client, instance: instanceId, arguments)
            }
        }
    }

    /// Deletes a finished instance, its history and its index entries.
    public func purgeInstance(_ instanceId: String) async throws -> Bool {
        guard let metadata = try await getInstance(instanceId) else { return false }
        let reply = try await run(LuaScripts.purgeInstance, .client, instance: instanceId, name: metadata.name, [instanceId])
        return reply.int == 1
    }

    /// Deletes every finished instance that matches the filter and returns how many.
    public func purgeInstances(_ filter: PurgeInstancesFilter) async throws -> Int {
        var purged = 0
        var token: String?
        repeat {
            let page = try await queryInstances(InstanceQuery(
                statuses: filter.statuses, createdFrom: filter.createdFrom, createdTo: filter.createdTo,
                pageSize: 500, continuationToken: token, fetchInputsAndOutputs: false))
            for m in page.instances where m.runtimeStatus.isTerminal {
                let reply = try await run(LuaScripts.purgeInstance, .client, instance: m.instanceId, name: m.name, [m.instanceId])
                purged += reply.int ?? 0
            }
            token = page.continuationToken
        } while token != nil
        return purged
    }
}
