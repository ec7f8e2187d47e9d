import DurableTaskRedisClient
import DurableTask

/// `dt_create_instance`: creates an instance under the reuse policy; optional signal-with-start.
struct CreateInstanceCall: FunctionCall {
    /// Whether the instance was created, and the execution that now has the ID.
    struct Reply: Sendable, Equatable {
        var created: Bool
        var executionId: String
    }

    static let function = LuaLibrary.Function.createInstance
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    /// `timerMember` is the timers member of a scheduled start (`nil` when it starts now).
    init(keys hub: TaskHubKeys, request: CreateInstanceRequest, timerMember: String?) throws {
        let start = request.executionStarted
        instanceId = start.instanceId
        keys = hub.instanceKeys(start.instanceId, name: start.name)
        var a = FunctionArguments()
        a.add(start.instanceId)
        a.add(start.executionId)
        a.add(start.name)
        a.add(optional: start.input)
        a.add(optional: start.version)
        a.add(optional: start.parent?.instanceId)
        a.add(RedisCodec.millis(request.createdAt))
        a.add(optional: start.scheduledStartTime.map(RedisCodec.millis))
        a.add(request.reusePolicy.rawValue)
        a.add(try RedisCodec.encode(request.startMessage.event))
        a.add(optional: try request.eventMessage.map { try RedisCodec.encode($0.event) })
        a.add(optional: timerMember)
        arguments = a.values
    }

    static func decode(_ reply: RedisValue) throws -> Reply {
        guard let parts = reply.array, parts.count == 2, let created = parts[0].int, let exec = parts[1].string else {
            throw unexpected(reply)
        }
        return Reply(created: created == 1, executionId: exec)
    }
}
