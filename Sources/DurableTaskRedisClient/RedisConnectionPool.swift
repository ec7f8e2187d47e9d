public import Logging
import Synchronization

/// A fixed set of ``RedisConnection``s used round-robin for ordinary commands, plus a
/// factory for dedicated connections for blocking reads.
///
/// Each `send` or `pipeline` call goes to one connection, so a `pipeline` (for example
/// `MULTI ... EXEC`) is never split; consecutive `send` calls may use different
/// connections. Error replies follow the rules described on ``RedisClient``.
public final class RedisConnectionPool: RedisClient {
    /// The configuration the pool's connections were opened with.
    public let configuration: RedisConfiguration
    /// The pooled connections (``RedisConfiguration/poolSize`` of them).
    package let connections: [RedisConnection]
    private let logger: Logger
    private let nextIndex = Atomic<Int>(0)

    private init(configuration: RedisConfiguration, connections: [RedisConnection], logger: Logger) {
        self.configuration = configuration
        self.connections = connections
        self.logger = logger
    }

    /// Opens ``RedisConfiguration/poolSize`` connections (at least one).
    /// - Throws: ``RedisError`` if any connection cannot be established; the ones
    ///   already opened are closed again.
    public static func connect(configuration: RedisConfiguration, logger: Logger) async throws -> RedisConnectionPool {
        var connections: [RedisConnection] = []
        do {
            for index in 0..<max(1, configuration.poolSize) {
                connections.append(
                    try await RedisConnection.connect(configuration: configuration, logger: logger, name: "redis-pool-\(index)")
                )
            }
        } catch {
            for connection in connections { await connection.close() }
            throw error
        }
        return RedisConnectionPool(configuration: configuration, connections: connections, logger: logger)
    }

    /// The connection the next command goes to (round-robin).
    package func nextConnection() -> RedisConnection {
        if connections.count == 1 { return connections[0] }
        let ticket = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        return connections[Int(UInt(bitPattern: ticket) % UInt(connections.count))]
    }

    /// Opens a new connection, not part of the round-robin, for blocking commands such as
    /// `BLPOP`, `BZPOPMIN` or `XREADGROUP ... BLOCK`. The caller owns it and must
    /// ``RedisConnection/close()`` it.
    /// - Parameter readTimeout: Socket read timeout for this connection; keep it `nil` or
    ///   longer than the longest block time.
    public func makeDedicatedConnection(readTimeout: Duration? = nil) async throws -> RedisConnection {
        var dedicated = configuration
        dedicated.readTimeout = readTimeout
        return try await RedisConnection.connect(configuration: dedicated, logger: logger, name: "redis-blocking")
    }

    /// Sends one command on the next connection; see ``RedisConnection/send(_:)-([[UInt8]])``.
    public func send(_ arguments: [[UInt8]]) async throws -> RedisValue {
        try await nextConnection().send(arguments)
    }

    /// Sends one command on the next connection; see ``RedisConnection/send(_:)-([String])``.
    public func send(_ arguments: [String]) async throws -> RedisValue {
        try await nextConnection().send(arguments)
    }

    /// Sends all commands on one connection; see ``RedisConnection/pipeline(_:)-([[[UInt8]]])``.
    public func pipeline(_ commands: [[[UInt8]]]) async throws -> [RedisValue] {
        try await nextConnection().pipeline(commands)
    }

    /// Sends all commands on one connection; see ``RedisConnection/pipeline(_:)-([[String]])``.
    public func pipeline(_ commands: [[String]]) async throws -> [RedisValue] {
        try await nextConnection().pipeline(commands)
    }

    /// Closes every pooled connection (dedicated connections are closed by their owners).
    public func close() async {
        for connection in connections { await connection.close() }
    }
}
