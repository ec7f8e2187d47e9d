import Synchronization

/// Dedicated connections for blocking reads (BLPOP, XREADGROUP BLOCK), lent one per call.
/// A blocking command holds its connection's thread, so concurrent waits need one each.
final class BlockingConnections: Sendable {
    private let pool: RedisConnectionPool
    private let idle = Mutex<[RedisConnection]>([])

    init(pool: RedisConnectionPool) {
        self.pool = pool
    }

    /// Runs `body` with a connection nobody else uses meanwhile.
    func withConnection<R: Sendable>(_ body: (RedisConnection) async throws -> R) async throws -> R {
        let connection: RedisConnection
        if let reused = idle.withLock({ $0.popLast() }) {
            connection = reused
        } else {
            connection = try await pool.makeDedicatedConnection()
        }
        do {
            let result = try await body(connection)
            idle.withLock { $0.append(connection) }
            return result
        } catch {
            // A failed blocking call may leave the connection mid-reply; drop it.
            await connection.close()
            throw error
        }
    }

    func closeAll() async {
        let all = idle.withLock { c -> [RedisConnection] in
            let a = c
            c.removeAll()
            return a
        }
        for c in all { await c.close() }
    }
}
