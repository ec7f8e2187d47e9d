import DurableTaskRedisClient
import DurableTask

extension FunctionCall where Reply == Void {
    /// The reply of a function that answers only `1` (or an error).
    static func decode(_ reply: RedisValue) throws {
        guard reply.int == 1 else { throw DurableTaskError(.storeFailure, "unexpected \(function.rawValue) reply: \(reply)") }
    }
}
