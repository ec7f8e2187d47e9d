import DurableTaskRedisClient
import DurableTask
import Foundation

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
            a.add(optional: try activity.traceContext.map(RedisCodec.encode))
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
