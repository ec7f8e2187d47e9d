import DurableTaskRedisClient
import DurableTask

/// `dt_wait_register`: reads an instance's fields and, unless the condition holds, registers a waiter.
struct WaitRegisterCall: FunctionCall {
    /// The condition and the requested fields' values, or `nil` when the instance does not exist.
    struct State: Sendable, Equatable {
        var satisfied: Bool
        var fields: [String?]
    }
    typealias Reply = State?

    static let function = LuaLibrary.Function.waitRegister
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    init(keys hub: TaskHubKeys, instanceId: String, condition: InstanceWaitCondition, fields: [String]) {
        self.instanceId = instanceId
        keys = hub.instanceKeys(instanceId)
        arguments = [condition == .started ? "started" : "completed"] + fields
    }

    static func decode(_ reply: RedisValue) throws -> State? {
        if reply.isNull { return nil }
        guard let parts = reply.array, let satisfied = parts.first?.int else { throw unexpected(reply) }
        return State(satisfied: satisfied == 1, fields: parts.dropFirst().map(\.string))
    }
}
