public import DurableTaskRedisServer
import Logging

extension RedisServer {
    /// Starts a private redis-server for a test or benchmark (see ``RedisServer/Options``: by
    /// default a fresh temporary directory, a free port on 127.0.0.1 and a unix socket).
    public static func start(_ options: Options = Options()) async throws -> RedisServer {
        try await start(options, logger: Logger(label: "test-redis-server"))
    }
}

/// Starts a private ``RedisServer``, runs `body` with it and always stops the server (by PID)
/// afterwards, whether `body` returns or throws.
public func withRedisServer<T>(
    _ options: RedisServer.Options = RedisServer.Options(),
    _ body: (RedisServer) async throws -> T
) async throws -> T {
    let server = try await RedisServer.start(options)
    do {
        let result = try await body(server)
        await server.shutDown()
        return result
    } catch {
        await server.shutDown()
        throw error
    }
}
