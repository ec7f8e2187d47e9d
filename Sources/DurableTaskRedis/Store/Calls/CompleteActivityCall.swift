import DurableTaskRedisClient
import DurableTask

/// `dt_complete_activity`: applies an activity result once and may lease the instance's next turn.
struct CompleteActivityCall: FunctionCall {
    /// What the function did.
    enum Reply: Sendable, Equatable {
        /// Dropped: the instance moved on to another execution or finished.
        case dropped
        /// The result is in the inbox.
        case applied
        /// Applied, and the idle instance was leased to the caller.
        case leased(LeasedInstance)
    }

    static let function = LuaLibrary.Function.completeActivity
    let keys: [String]
    let arguments: [String]
    let instanceId: String

    /// `activityLease`: the activity lease this consumer must still hold; `turnLease`: the
    /// instance's lease to take when it is idle (`nil`: do not lease it).
    init(
        keys hub: TaskHubKeys, item: ActivityWorkItem, consumer: String, activityLeaseMilliseconds: Int64, result: HistoryEvent,
        turnLease: LeaseRequest?
    ) throws {
        instanceId = item.request.instanceId
        keys = hub.instanceKeys(instanceId)
        var a = FunctionArguments()
        a.add(instanceId)
        a.add(item.lockToken)
        a.add(consumer)
        a.add(activityLeaseMilliseconds)
        a.add(try RedisCodec.encode(result))
        a.add(item.request.executionId)
        a.add(optional: turnLease?.token)
        a.add(turnLease?.milliseconds ?? 0)
        a.add(turnLease?.maxMessages ?? 0)
        arguments = a.values
    }

    static func decode(_ reply: RedisValue) throws -> Reply {
        switch reply {
        case .integer(0): return .dropped
        case .integer(1): return .applied
        case .array(let parts): return .leased(try LeasedInstance.decode(parts: parts, of: reply, function: function))
        default: throw unexpected(reply)
        }
    }
}
