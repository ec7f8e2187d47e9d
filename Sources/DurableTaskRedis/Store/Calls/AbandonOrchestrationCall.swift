import DurableTaskRedisClient
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
}
