import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Logging
import Testing

/// A logger that discards everything, so test output stays readable.
let testLogger = Logger(label: "DurableTaskRedisClientTests", factory: { _ in SwiftLogNoOpLogHandler() })

/// Starts a private redis-server, opens a pool to it, runs `body`, then closes the pool
/// and stops the server by PID (also when `body` throws).
func withServerAndPool<T>(
    _ options: RedisServer.Options = .init(),
    poolSize: Int = 2,
    _ body: (RedisServer, RedisConnectionPool) async throws -> T
) async throws -> T {
    try await withRedisServer(options) { server in
        var configuration = try RedisConfiguration(url: server.url)
        configuration.poolSize = poolSize
        let pool = try await RedisConnectionPool.connect(configuration: configuration, logger: testLogger)
        do {
            let result = try await body(server, pool)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }
}

/// Opens a single connection to `url`, runs `body`, and closes it.
func withConnection<T>(
    _ url: String,
    _ body: (RedisConnection) async throws -> T
) async throws -> T {
    try await withConnection(url, configure: { _ in }, body)
}

/// Opens a single connection to `url` with an adjusted configuration, runs `body`, and closes it.
func withConnection<T>(
    _ url: String,
    configure: (inout RedisConfiguration) -> Void,
    _ body: (RedisConnection) async throws -> T
) async throws -> T {
    var configuration = try RedisConfiguration(url: url)
    configure(&configuration)
    let connection = try await RedisConnection.connect(configuration: configuration, logger: testLogger)
    do {
        let result = try await body(connection)
        await connection.close()
        return result
    } catch {
        await connection.close()
        throw error
    }
}

/// Polls `condition` every 10 ms until it holds; fails the test after `timeout`.
func waitUntil(
    timeout: Duration = .seconds(10),
    _ description: String,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("timed out waiting until \(description)")
    throw RedisError(code: .timeout, message: "timed out waiting until \(description)")
}

/// The `blocked_clients` figure from `INFO clients`.
func blockedClients(_ client: some RedisClient) async throws -> Int {
    let info = try await client.send(["INFO", "clients"]).string ?? ""
    let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("blocked_clients:") }
    return line.flatMap { Int($0.dropFirst("blocked_clients:".count)) } ?? -1
}

/// Runs `body` and returns the ``RedisError`` it throws (recording an issue if it does not).
func expectRedisError(
    _ body: () async throws -> Void,
    sourceLocation: SourceLocation = #_sourceLocation
) async -> RedisError? {
    do {
        try await body()
        Issue.record("expected a RedisError, but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as RedisError {
        return error
    } catch {
        Issue.record("expected a RedisError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

extension Array where Element == UInt8 {
    /// UTF-8 bytes of `text`.
    init(utf8 text: String) { self = Array(text.utf8) }
}
