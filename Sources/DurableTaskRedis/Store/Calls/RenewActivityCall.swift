import DurableTaskRedisClient
import DurableTask

/// `dt_renew_activity`: resets an activity's idle time if this consumer still holds it.
struct RenewActivityCall: FunctionCall {
    typealias Reply = Void
    static let function = LuaLibrary.Function.renewActivity
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    init(keys hub: TaskHubKeys, item: ActivityWorkItem, consumer: String, leaseMilliseconds: Int64) {
        instanceId = item.request.instanceId
        keys = hub.instanceKeys(instanceId)
        var a = FunctionArguments()
        a.add(item.lockToken)
        a.add(consumer)
        a.add(leaseMilliseconds)
        arguments = a.values
    }
}
