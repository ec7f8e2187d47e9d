public import DurableTaskHTTP
public import DurableTask
import DurableTaskRedis
import DurableTaskRedisClient
import Foundation
public import Logging

/// Everything `durable serve` (or your own host) can be told. Every field has a default.
public struct HostConfiguration: Sendable {
    /// The Redis to use (`redis://[user:pass@]host:port/db` or `unix:///path`). When `nil`, the host
    /// starts and supervises its own redis-server in ``dataDirectory``.
    public var redisURL: String?
    /// The Redis password, kept apart from ``redisURL`` so that it need not appear on a command
    /// line (`durable serve` reads it from `--redis-password-file` or `DURABLE_REDIS_PASSWORD`).
    /// It is sent with `AUTH` (as the URL's user's password, if the URL names a user). It needs
    /// ``redisURL``, and that URL must not carry a password of its own. Never logged.
    public var redisPassword: String?
    /// Where the embedded redis-server keeps its data (AOF) and its unix socket.
    public var dataDirectory: String
    /// The task hub name (the Redis key prefix).
    public var taskHub: String
    /// The task hub's partitions.
    public var partitions: Int
    /// How long a worker's lease on an orchestration or activity lasts before another worker may take it.
    public var leaseTimeout: Duration
    /// Concurrent orchestration turns.
    public var orchestrationConcurrency: Int
    /// Concurrent activities.
    public var activityConcurrency: Int
    /// The poison limit: deliveries of one turn, entity operation or activity that end without a
    /// commit (the worker crashed, hung or failed) before it is failed instead of run again.
    /// 0 turns it off. Default 5 (``DurableTaskWorker/Configuration/maxDeliveryCount``).
    public var maxDeliveryCount: Int = 5
    /// The management API's bind address. It must be loopback unless ``systemKey`` is set.
    public var httpHost: String
    /// The management API's port (0 picks a free one).
    public var httpPort: Int
    /// The key every management request must carry (`x-functions-key` header or `code` query).
    /// Mandatory when ``httpHost`` is not a loopback address.
    public var systemKey: String?
    /// The largest request body the management API accepts, in bytes.
    public var maxBodySize: Int
    /// How long an HTTP connection may sit idle before the management API's server closes it;
    /// `nil` never closes one. Default 75 s (``ManagementAPI/Configuration/idleTimeout``).
    public var httpIdleTimeout: Duration?
    /// The most HTTP connections the management API holds at once; one beyond it is answered
    /// `503 too_many_connections` and closed. `nil`: no limit. Default 1024.
    public var httpMaxConnections: Int?
    /// The durable HTTP activity's settings, including where it may send requests (the SSRF
    /// guard; nowhere by default).
    public var http: DurableHTTPConfiguration
    /// The port of the Durable Task gRPC sidecar that the Durable Task SDKs connect to; 0 turns it off.
    public var grpcPort: Int
    /// Where the sidecar listens: `localhost` (the default) means both loopback addresses,
    /// 127.0.0.1 and ::1. Any other address needs ``systemKey``, which callers then send as
    /// `x-functions-key` metadata.
    public var grpcHost: String
    /// How much acknowledged work survives a redis-server crash. Default ``Durability/everysec``.
    public var durability: Durability = .everysec
    /// The least severe level the host logs (`durable serve` makes its logger with it). Default `info`.
    public var logLevel: Logger.Level = .info
    /// Schedules the host creates, or updates if they changed, when it starts (`--schedule`).
    /// Restarting with the same ones changes nothing, so no tick is doubled or lost.
    public var schedules: [ScheduleDefinition] = []

    /// Creates a configuration.
    public init(
        redisURL: String? = nil, dataDirectory: String = ".durable", taskHub: String = "default", partitions: Int = 4,
        leaseTimeout: Duration = .seconds(30), orchestrationConcurrency: Int = 8, activityConcurrency: Int = 32,
        httpHost: String = "127.0.0.1", httpPort: Int = 7071, systemKey: String? = nil, maxBodySize: Int = 1 << 20,
        http: DurableHTTPConfiguration = DurableHTTPConfiguration(), grpcPort: Int = 4001, grpcHost: String = "localhost",
        redisPassword: String? = nil, httpIdleTimeout: Duration? = ManagementAPI.Configuration.defaultIdleTimeout,
        httpMaxConnections: Int? = ManagementAPI.Configuration.defaultMaxConnections
    ) {
        self.redisPassword = redisPassword
        self.httpIdleTimeout = httpIdleTimeout
        self.httpMaxConnections = httpMaxConnections
        self.grpcPort = grpcPort
        self.grpcHost = grpcHost
        self.redisURL = redisURL
        self.dataDirectory = dataDirectory
        self.taskHub = taskHub
        self.partitions = partitions
        self.leaseTimeout = leaseTimeout
        self.orchestrationConcurrency = orchestrationConcurrency
        self.activityConcurrency = activityConcurrency
        self.httpHost = httpHost
        self.httpPort = httpPort
        self.systemKey = systemKey
        self.maxBodySize = maxBodySize
        self.http = http
    }

    /// The addresses the gRPC sidecar listens on.
    public var grpcHosts: [String] { grpcHost == "localhost" ? ["127.0.0.1", "::1"] : [grpcHost] }

    /// Whether ``httpHost`` is a loopback address (`localhost`, `127.0.0.0/8`, `::1`).
    public var bindsLoopbackOnly: Bool { ManagementAPI.Configuration.isLoopback(httpHost) }

    /// Checks the values; throws ``HostError`` with `invalidConfiguration` and a message naming the fix.
    public func validate() throws {
        func fail(_ message: String) throws -> Never { throw HostError(.invalidConfiguration, message) }
        if taskHub.isEmpty || taskHub.contains(where: { $0 == "{" || $0 == "}" || $0 == ":" || $0.isWhitespace }) {
            try fail("invalid task hub name '\(taskHub)': use letters, digits, '-' or '_' (--task-hub)")
        }
        if !(1...1024).contains(partitions) { try fail("partitions must be between 1 and 1024, not \(partitions) (--partitions)") }
        if leaseTimeout < .seconds(1) { try fail("the lease timeout must be at least 1 second (--lease-timeout)") }
        if orchestrationConcurrency < 1 || activityConcurrency < 1 {
            try fail("concurrency must be at least 1 (--orchestration-concurrency, --activity-concurrency)")
        }
        if !(0...65535).contains(httpPort) { try fail("invalid HTTP port \(httpPort) (--port)") }
        if maxBodySize < 1 { try fail("the body size limit must be positive (--max-body-size)") }
        if let httpIdleTimeout, httpIdleTimeout < .milliseconds(1) {
            try fail("the idle timeout must be at least 1 ms; 0 turns it off (--idle-timeout)")
        }
        if let httpMaxConnections, httpMaxConnections < 1 {
            try fail("the connection limit must be at least 1; 0 turns it off (--max-connections)")
        }
        try validateRedisPassword()
        if let key = systemKey, key.isEmpty { try fail("the system key must not be empty (--system-key)") }
        if !(0...65535).contains(grpcPort) { try fail("invalid gRPC port \(grpcPort) (--grpc-port)") }
        if grpcPort != 0, grpcHost != "localhost", !ManagementAPI.Configuration.isLoopback(grpcHost), systemKey == nil {
            try fail("binding the gRPC sidecar to \(grpcHost) needs a system key: set --system-key or DURABLE_SYSTEM_KEY, or bind to localhost")
        }
        if grpcPort != 0, grpcPort == httpPort { try fail("the gRPC port and the HTTP port must differ (--grpc-port, --port)") }
        if !bindsLoopbackOnly && systemKey == nil {
            try fail("binding the API to \(httpHost) needs a system key: set --system-key or DURABLE_SYSTEM_KEY, or bind to 127.0.0.1")
        }
    }
}

extension HostConfiguration {
    /// A separate password needs a URL without one (the embedded redis-server has none).
    private func validateRedisPassword() throws {
        guard let redisPassword else { return }
        let flags = "(--redis-password-file, DURABLE_REDIS_PASSWORD)"
        if redisPassword.isEmpty { throw HostError(.invalidConfiguration, "the Redis password is empty \(flags)") }
        guard let redisURL else {
            throw HostError(.invalidConfiguration, "a Redis password needs --redis (or DURABLE_REDIS_URL): the embedded redis-server has none \(flags)")
        }
        if let parsed = try? RedisURL(redisURL), parsed.password != nil {
            throw HostError(
                .invalidConfiguration,
                "the Redis URL \(parsed) has a password and one is given apart as well: give it once, apart \(flags)")
        }
    }

    /// ``redisURL`` with ``redisPassword`` added, as the store connects to it.
    /// - Throws: ``RedisError`` if the URL cannot be parsed.
    func redisEndpoint(_ url: String) throws(RedisError) -> RedisURL {
        var parsed = try RedisURL(url)
        if let redisPassword { parsed.password = redisPassword }
        return parsed
    }
}

/// How durable acknowledged work is: what a redis-server crash (power loss, `kill -9`) may lose of
/// the starts, events and completions that were already acknowledged. Redis's append-only file
/// decides it; the embedded redis-server is started to match, and a Redis given by URL is checked.
public enum Durability: String, Sendable, CaseIterable {
    /// The AOF is fsynced once a second (`appendfsync everysec`): a crash may lose about the last
    /// second of acknowledged work. The default: Redis's own recommendation, at full speed.
    case everysec
    /// The AOF is fsynced before Redis answers (`appendfsync always`; Redis group-commits one
    /// fsync per event loop): no acknowledged start, event or completion is lost.
    case always
}
