import DurableTaskRedisClient
/// `dt_purge_instance`: deletes a finished instance; whether there was one.
struct PurgeInstanceCall: FunctionCall {
    typealias Reply = Bool
    static let function = LuaLibrary.Function.purgeInstance
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    /// `name` is the instance's orchestrator name, whose index entry goes too.
    init(keys hub: TaskHubKeys, instanceId: String, name: String) {
        self.instanceId = instanceId
        keys = hub.instanceKeys(instanceId, name: name)
        arguments = [instanceId]
    }

    static func decode(_ reply: RedisValue) throws -> Bool {
        guard let n = reply.int, n == 0 || n == 1 else { throw unexpected(reply) }
        return n == 1
    }
}
