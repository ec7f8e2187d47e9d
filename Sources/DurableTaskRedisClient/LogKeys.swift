/// Logger metadata keys of the Redis connection layer, in one place.
enum LogKeys {
    /// The Redis endpoint of a connection (its password hidden).
    static let endpoint = "redis.endpoint"
    /// The error that ended a connection or a request.
    static let error = "redis.error"
    /// Connection attempts so far.
    static let attempts = "redis.attempts"
    /// Requests in flight that a lost connection failed.
    static let failedRequests = "redis.failedRequests"
    /// The wait before the next connection attempt.
    static let backoffMilliseconds = "redis.backoffMilliseconds"
}
