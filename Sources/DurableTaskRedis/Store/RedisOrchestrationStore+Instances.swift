public import DurableTask
import DurableTaskRedisClient
import Foundation
import Synchronization

extension RedisOrchestrationStore {
    /// Creates an instance atomically under the request's reuse policy (one function call).
    public func createInstance(_ request: CreateInstanceRequest) async throws -> CreateInstanceResult {
        let timerMember = try request.executionStarted.scheduledStartTime.map { _ in
            try RedisCodec.encode(StoredMessage(nonce: RandomIdentifier.uuidString(), message: request.startMessage))
        }
        let reply = try await run(CreateInstanceCall(keys: keys, request: request, timerMember: timerMember), .client)
        return CreateInstanceResult(instanceId: request.executionStarted.instanceId, executionId: reply.executionId, created: reply.created)
    }

    /// Enqueues a message to an existing instance; see ``OrchestrationStore/sendMessage(_:)``.
    public func sendMessage(_ message: OrchestrationMessage) async throws {
        try await run(DeliverMessageCall(keys: keys, message: message, mode: .client), .client)
    }

    /// Marks a failed instance `Running` and enqueues the rewind, atomically.
    public func rewindInstance(_ message: OrchestrationMessage) async throws {
        try await run(RewindInstanceCall(keys: keys, message: message), .client)
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
        let call = WaitRegisterCall(keys: keys, instanceId: instanceId, condition: condition, fields: InstanceFields.names)
        // One function reads the state and, if the condition does not hold yet, registers this
        // waiter; the next status change pushes a token to w:<id>.
        var state = try await run(call, .client)
        while true {
            guard let current = state, let metadata = try InstanceFields.metadata(id: instanceId, current.fields) else { return nil }
            let remaining = deadline - ContinuousClock.now
            if current.satisfied || remaining <= .zero || Task.isCancelled { return metadata }
            let wait = min(remaining, configuration.maxBlockingWait)
            // Block for the token and read again in one round trip: Redis runs the pipelined
            // function as soon as BLPOP returns.
            counters.add(.client)
            let replies = try await blocking.withConnection { c in
                try await c.pipeline([["BLPOP", self.keys.waiters(instanceId), wait.redisSeconds], call.command])
            }
            guard replies.count == 2 else {
                throw DurableTaskError(.storeFailure, "unexpected wait reply: \(replies)")
            }
            state = try Self.reply(replies[1], of: call).get()
        }
    }

    /// Deletes a finished instance, its history and its index entries.
    public func purgeInstance(_ instanceId: String) async throws -> Bool {
        guard let metadata = try await getInstance(instanceId) else { return false }
        return try await run(PurgeInstanceCall(keys: keys, instanceId: instanceId, name: metadata.name), .client)
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
                if try await run(PurgeInstanceCall(keys: keys, instanceId: m.instanceId, name: m.name), .client) { purged += 1 }
            }
            token = page.continuationToken
        } while token != nil
        return purged
    }
}
