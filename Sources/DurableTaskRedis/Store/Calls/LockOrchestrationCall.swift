import DurableTaskRedisClient
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
