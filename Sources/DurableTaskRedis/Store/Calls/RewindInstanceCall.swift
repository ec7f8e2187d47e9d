import DurableTaskRedisClient
import DurableTask

/// `dt_rewind_instance`: marks a failed instance `Running` and enqueues its rewind.
struct RewindInstanceCall: FunctionCall {
    typealias Reply = Void
    static let function = LuaLibrary.Function.rewindInstance
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    init(keys hub: TaskHubKeys, message: OrchestrationMessage) throws {
        instanceId = message.instanceId
        keys = hub.instanceKeys(message.instanceId)
        arguments = [message.instanceId, try RedisCodec.encode(message.event)]
    }
}
