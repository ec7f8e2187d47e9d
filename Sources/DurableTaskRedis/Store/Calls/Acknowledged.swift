import DurableTaskRedisClient
import DurableTask

/// The reply of a function that answers only `1` (or an error).
enum Acknowledged {
    static func decode(_ reply: RedisValue, function: LuaLibrary.Function) throws {
        guard reply.int == 1 else { throw DurableTaskError(.storeFailure, "unexpected \(function.rawValue) reply: \(reply)") }
    }
}
