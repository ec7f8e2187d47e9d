/// Logger metadata keys of the Redis store, in one place (the connection layer's `redis.*` keys
/// are in DurableTaskRedisClient).
enum LogKeys {
    /// How many items a log line is about.
    static let count = "count"
}
