/// Logger metadata keys of the host module, in one place.
enum LogKeys {
    /// The method of an API request.
    static let method = "http.method"
    /// The path of an API request.
    static let path = "http.path"
    /// The error a log line reports.
    static let error = "durabletask.error"
    /// The most HTTP connections held at once.
    static let connectionLimit = "limit"
    /// HTTP connections open now.
    static let openConnections = "open"
    /// The open-file limit in force.
    static let openFileLimit = "limit"
    /// The management API's base URL (tests read the port from the "ready" line).
    static let api = "api"
    /// The built-in dashboard's URL.
    static let dashboard = "dashboard"
    /// The task hub.
    static let taskHub = "taskHub"
    /// The Redis URL, password redacted.
    static let redis = "redis"
    /// The gRPC sidecar's address.
    static let grpc = "grpc"
    /// The durability mode.
    static let durability = "durability"
    /// The embedded redis-server's PID.
    static let redisPid = "pid"
    /// The embedded redis-server's unix socket.
    static let redisSocket = "socket"
    /// A schedule's ID.
    static let schedule = "schedule"
    /// A schedule's next due time.
    static let scheduleNextDue = "nextDue"
}
