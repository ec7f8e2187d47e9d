import DurableTaskRedisClient
import Synchronization

/// Dedicated connections for blocking reads (BLPOP, XREADGROUP BLOCK), lent one per call.
/// A blocking command holds its connection's thread, so concurrent waits need one each.
///
/// Cancelling the task that waits, or ``closeAll()``, interrupts the read at once (its
/// connection is closed), so reads may block for long.
final class BlockingConnections: Sendable {
    private struct State {
        var idle: [RedisConnection] = []
        var lent: [ObjectIdentifier: RedisConnection] = [:]
        var closed = false
    }

    private let pool: RedisConnectionPool
    private let readTimeout: Duration?
    private let state = Mutex(State())

    /// - Parameter readTimeout: how long a connection waits for a reply before it is dropped;
    ///   longer than the longest blocking read, it finds connections that died silently.
    init(pool: RedisConnectionPool, readTimeout: Duration? = nil) {
        self.pool = pool
        self.readTimeout = readTimeout
    }

    /// Runs `body` with a connection nobody else uses meanwhile. If the task is cancelled, the
    /// connection is closed (interrupting a blocked read) and `CancellationError` is thrown.
    func withConnection<R: Sendable>(_ body: (RedisConnection) async throws -> R) async throws -> R {
        let connection = try await lend()
        do {
            let result = try await withTaskCancellationHandler {
                try await body(connection)
            } onCancel: {
                connection.interrupt()
            }
            giveBack(connection)
            return result
        } catch {
            // A failed blocking call may leave the connection mid-reply; drop it.
            state.withLock { _ = $0.lent.removeValue(forKey: ObjectIdentifier(connection)) }
            await connection.close()
            if Task.isCancelled { throw CancellationError() }
            throw error
        }
    }

    /// Closes every connection, interrupting the reads in progress; later calls fail.
    func closeAll() async {
        let all = state.withLock { s -> [RedisConnection] in
            s.closed = true
            defer {
                s.idle.removeAll()
                s.lent.removeAll()
            }
            return s.idle + Array(s.lent.values)
        }
        for c in all { await c.close() }
    }

    private func lend() async throws -> RedisConnection {
        let reused = try state.withLock { s -> RedisConnection? in
            if s.closed { throw RedisError(code: .connectionClosed, message: "the store is closed") }
            guard let c = s.idle.popLast() else { return nil }
            s.lent[ObjectIdentifier(c)] = c
            return c
        }
        if let reused { return reused }
        let made = try await pool.makeDedicatedConnection(readTimeout: readTimeout)
        let accepted = state.withLock { s -> Bool in
            if s.closed { return false }
            s.lent[ObjectIdentifier(made)] = made
            return true
        }
        guard accepted else {
            await made.close()
            throw RedisError(code: .connectionClosed, message: "the store is closed")
        }
        return made
    }

    private func giveBack(_ connection: RedisConnection) {
        let keep = state.withLock { s -> Bool in
            s.lent.removeValue(forKey: ObjectIdentifier(connection))
            if s.closed { return false }
            s.idle.append(connection)
            return true
        }
        if !keep { connection.interrupt() }
    }
}
