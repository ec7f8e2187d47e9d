import DurableTask
import Foundation

/// `dt_lock_orchestration`: leases an instance popped from a ready list.
struct LockOrchestrationCall: FunctionCall {
    /// The lease, or `nil` when there is nothing to do.
    typealias Reply = LeasedInstance?
    static let function = LuaLibrary.Function.lockOrchestration
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    init(keys hub: TaskHubKeys, instanceId: String, lease: LeaseRequest) {
        self.instanceId = instanceId
        keys = hub.instanceKeys(instanceId)
        var a = FunctionArguments()
        a.add(instanceId)
        a.add(lease.token)
        a.add(lease.milliseconds)
        a.add(lease.maxMessages)
        arguments = a.values
    }

    static func decode(_ reply: RedisValue) throws -> LeasedInstance? {
        if reply.isNull { return nil }
        guard let lease = try LeasedInstance.decode(reply, function: function) else { throw unexpected(reply) }
        return lease
    }
}

/// `dt_complete_orchestration`: commits one turn, fenced by the lease token.
struct CompleteOrchestrationCall: FunctionCall {
    /// The next ready instance the commit popped for the caller, and the IDs of the outbox entries it wrote.
    struct Reply: Sendable, Equatable {
        var nextReady: String?
        var outboxEntryIds: [String]
    }

    static let function = LuaLibrary.Function.completeOrchestration
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    /// `takesNext`: pop the partition's next ready instance for the caller to lock.
    init(keys hub: TaskHubKeys, item: OrchestrationWorkItem, result: OrchestrationTurnResult, updatedAt: Date, takesNext: Bool) throws {
        instanceId = item.instanceId
        keys = hub.instanceKeys(item.instanceId)
        var a = FunctionArguments()
        a.add(item.instanceId)
        a.add(item.lockToken)
        a.add(result.replaceHistory)
        a.add(result.status.rawValue)
        a.add(optional: result.output)
        a.add(optional: try result.failureDetails.map(RedisCodec.encode))
        a.add(optional: result.customStatus)
        a.add(optional: result.newExecution?.executionId)
        a.add(optional: result.newExecution?.input)
        a.add(RedisCodec.millis(updatedAt))
        a.add(result.historyToAppend.count)
        for event in result.historyToAppend { a.add(try RedisCodec.encode(event)) }
        a.add(result.activities.count)
        for activity in result.activities {
            a.add(activity.executionId)
            a.add(activity.taskId)
            a.add(activity.name)
            a.add(optional: activity.input)
            a.add(activity.attempt)
            a.add(activity.instanceId)
        }
        a.add(result.timers.count)
        for timer in result.timers {
            a.add(RedisCodec.millis(timer.deliverAt ?? updatedAt))
            a.add(try RedisCodec.encode(StoredMessage(nonce: RandomIdentifier.uuidString(), message: timer)))
        }
        a.add(result.messages.count)
        for message in result.messages {
            a.add(message.instanceId)
            a.add(try RedisCodec.encode(message))
        }
        a.add(takesNext)
        arguments = a.values
    }

    static func decode(_ reply: RedisValue) throws -> Reply {
        guard let parts = reply.array, !parts.isEmpty else { throw unexpected(reply) }
        let ids = parts.dropFirst().map(\.string)
        guard !ids.contains(nil) else { throw unexpected(reply) }
        return Reply(nextReady: parts[0].string, outboxEntryIds: ids.compactMap { $0 })
    }
}

/// `dt_abandon_orchestration`: releases a lease without consuming messages.
struct AbandonOrchestrationCall: FunctionCall {
    typealias Reply = Void
    static let function = LuaLibrary.Function.abandonOrchestration
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    /// `notRun`: the work was not run, so the delivery does not count.
    init(keys hub: TaskHubKeys, instanceId: String, token: String, notRun: Bool) {
        self.instanceId = instanceId
        keys = hub.instanceKeys(instanceId)
        var a = FunctionArguments()
        a.add(instanceId)
        a.add(token)
        a.add(notRun)
        arguments = a.values
    }

    static func decode(_ reply: RedisValue) throws { try Acknowledged.decode(reply, function: function) }
}

/// `dt_recover_partition`: requeues a partition's expired leases and stale ready entries.
struct RecoverPartitionCall: FunctionCall {
    /// How many instances were requeued.
    typealias Reply = Int
    static let function = LuaLibrary.Function.recoverPartition
    let keys: [String]
    let arguments: [String]
    var instanceId: String { "" }

    init(keys hub: TaskHubKeys, partition p: Int, staleAfterMilliseconds: Int64, batch: Int) {
        keys = [hub.ready(p), hub.queued(p), hub.leases(p)]
        var a = FunctionArguments()
        a.add(staleAfterMilliseconds)
        a.add(batch)
        arguments = a.values
    }

    static func decode(_ reply: RedisValue) throws -> Int {
        guard let n = reply.int else { throw unexpected(reply) }
        return n
    }
}
