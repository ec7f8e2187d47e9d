import DurableTaskRedisClient
/// `dt_recover_partition`: requeues a partition's expired leases and stale ready entries.
struct RecoverPartitionCall: FunctionCall {
    /// How many instances were requeued.
    typealias Reply = Int
    static let function = LuaLibrary.Function.recoverPartition
    let keys: [String]
    let arguments: [String]
    var instanceId: String { "" }

    init(keys hub: TaskHubKeys, partition p: Int, staleAfterMilliseconds: Int64, batch: Int) {
        keys = [hub.ready(p), hub.queued(p), hub.leases(p)]
        var a = FunctionArguments()
        a.add(staleAfterMilliseconds)
        a.add(batch)
        arguments = a.values
    }

    static func decode(_ reply: RedisValue) throws -> Int {
        guard let n = reply.int else { throw unexpected(reply) }
        return n
    }
}
