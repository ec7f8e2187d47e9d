/// Logger metadata keys of the redis-server launcher, in one place.
enum LogKeys {
    static let pid = "redis_server.pid"
    static let url = "redis_server.url"
    static let status = "redis_server.exit_status"
    static let restarts = "redis_server.restarts"
    static let error = "redis_server.error"
}
