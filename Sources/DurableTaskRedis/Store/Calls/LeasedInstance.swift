import DurableTaskRedisClient
import DurableTask

/// The work item a function leased to the caller:
/// `{ execution ID, history length, message count, delivery count, message JSON... }`
/// (`leaseInstance` in `lua/lib.lua`).
struct LeasedInstance: Sendable, Equatable {
    /// The instance's execution ID; `nil` before its first turn.
    var executionId: String?
    /// The number of events in the stored history.
    var historyLength: Int
    /// Leases since the last commit, this one included.
    var deliveryCount: Int
    /// The leased inbox messages, in order.
    var messages: [HistoryEvent]

    /// Decodes a lease reply (an array); `nil` for any other reply.
    static func decode(_ reply: RedisValue, function: LuaLibrary.Function) throws -> LeasedInstance? {
        guard let parts = reply.array else { return nil }
        return try decode(parts: parts, of: reply, function: function)
    }

    /// Decodes the elements of a lease reply.
    /// - Throws: `storeFailure` when they do not follow the contract.
    static func decode(parts: [RedisValue], of reply: RedisValue, function: LuaLibrary.Function) throws -> LeasedInstance {
        guard parts.count >= 4, let exec = parts[0].string, let length = parts[1].int, let count = parts[2].int,
            let deliveries = parts[3].int, parts.count == 4 + count
        else { throw DurableTaskError(.storeFailure, "unexpected \(function.rawValue) reply: \(reply)") }
        let messages = try parts[4...].map { try RedisCodec.decode(HistoryEvent.self, $0.string ?? "") }
        return LeasedInstance(
            executionId: exec.isEmpty ? nil : exec, historyLength: length, deliveryCount: deliveries, messages: messages)
    }

    /// The work item for `instanceId` leased under `token`.
    func workItem(instanceId: String, token: String) -> OrchestrationWorkItem {
        OrchestrationWorkItem(
            instanceId: instanceId, executionId: executionId,
            messages: messages.map { OrchestrationMessage(instanceId: instanceId, event: $0) }, historyLength: historyLength,
            lockToken: token, deliveryCount: deliveryCount)
    }
}
