import DurableTaskRedisClient
import DurableTask

/// `dt_abandon_activity`: releases an activity this consumer holds, for the next reclaim.
struct AbandonActivityCall: FunctionCall {
    typealias Reply = Void
    static let function = LuaLibrary.Function.abandonActivity
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    /// `idleMilliseconds`: the idle time to set (past any lease); `notRun`: the delivery does not count.
    init(keys hub: TaskHubKeys, item: ActivityWorkItem, consumer: String, idleMilliseconds: Int64, notRun: Bool) {
        instanceId = item.request.instanceId
        keys = hub.instanceKeys(instanceId)
        var a = FunctionArguments()
        a.add(item.lockToken)
        a.add(consumer)
        a.add(idleMilliseconds)
        a.add(notRun)
        arguments = a.values
    }
}
