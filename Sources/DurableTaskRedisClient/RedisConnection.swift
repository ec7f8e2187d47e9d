public import Logging

/// One connection to a Redis server, served by its own OS thread.
///
/// The connection owns one hiredis `redisContext` and one dedicated thread. Callers
/// enqueue requests and suspend on a continuation; the thread takes every queued request
/// at once, writes all their commands in one go and reads the replies in order
/// (automatic pipelining), then resumes each caller. All blocking I/O happens on that
/// thread, never on Swift's cooperative pool.
///
/// If the connection drops (I/O error or EOF), requests in flight fail with
/// ``RedisError/Code/connectionLost`` (they are never retried, as they may have run);
/// the next request reconnects with exponential backoff (see ``RedisConfiguration``).
/// A connection found closed while idle (server restart, `CLIENT KILL`, idle timeout) is
/// replaced before anything is written to it.
///
/// Blocking commands (`BLPOP`, `BZPOPMIN`, `XREADGROUP ... BLOCK`) occupy the connection
/// until they return, so give them a connection of their own (see
/// ``RedisConnectionPool/makeDedicatedConnection(readTimeout:)``). Pub/sub is not supported.
/// Error replies are thrown by `send`; see ``RedisClient``.
public final class RedisConnection: RedisClient {
    /// The configuration this connection was opened with.
    public let configuration: RedisConfiguration
    private let queue: RequestQueue

    private init(configuration: RedisConfiguration, queue: RequestQueue) {
        self.configuration = configuration
        self.queue = queue
    }

    /// Connects (including `AUTH`/`SELECT`) and starts the connection's I/O thread.
    /// - Parameters:
    ///   - configuration: Endpoint, credentials and timeouts.
    ///   - logger: Where connection events (connects, drops, reconnects) are logged.
    ///   - name: Thread name shown in debuggers and `top -H` (15 bytes max).
    /// - Throws: ``RedisError`` with code ``RedisError/Code/connectionFailed`` or
    ///   ``RedisError/Code/authenticationFailed``.
    public static func connect(
        configuration: RedisConfiguration,
        logger: Logger,
        name: String = "redis-io"
    ) async throws -> RedisConnection {
        let queue = RequestQueue()
        try await withUnsafeThrowingContinuation { (started: UnsafeContinuation<Void, any Error>) in
            let worker = ConnectionWorker(queue: queue, configuration: configuration, logger: logger)
            do {
                try IOThread.start(name: name) {
                    worker.run(started: started)
                }
            } catch {
                started.resume(throwing: error)
            }
        }
        return RedisConnection(configuration: configuration, queue: queue)
    }

    deinit {
        queue.requestClose()
    }

    /// Sends one command given as binary-safe arguments and returns its reply.
    /// - Throws: ``RedisError``; an error reply is thrown with code ``RedisError/Code/serverError``.
    public func send(_ arguments: [[UInt8]]) async throws -> RedisValue {
        let command = EncodedCommand(arguments)
        return try await withUnsafeThrowingContinuation { continuation in
            queue.enqueue(.single(command, continuation))
        }
    }

    /// Sends one command given as UTF-8 text arguments and returns its reply.
    /// - Throws: ``RedisError``; an error reply is thrown with code ``RedisError/Code/serverError``.
    public func send(_ arguments: [String]) async throws -> RedisValue {
        let command = EncodedCommand(arguments)
        return try await withUnsafeThrowingContinuation { continuation in
            queue.enqueue(.single(command, continuation))
        }
    }

    /// Sends one command and returns its reply, like ``send(_:)-([String])``, but first hands a
    /// reply that is not an error to `observer`, on the connection's I/O thread: work that must
    /// start as soon as the reply is in (waking another task) starts without a hop through the
    /// caller's task. `observer` must be quick and must not block.
    package func send(_ arguments: [String], observer: @escaping @Sendable (RedisValue) -> Void) async throws -> RedisValue {
        let command = EncodedCommand(arguments)
        return try await withUnsafeThrowingContinuation { continuation in
            queue.enqueue(.observed(command, observer, continuation))
        }
    }

    /// Sends the commands back to back and returns one reply per command; error
    /// replies are returned in place as ``RedisValue/error(_:)``.
    /// - Throws: ``RedisError`` for connection failures only.
    public func pipeline(_ commands: [[[UInt8]]]) async throws -> [RedisValue] {
        if commands.isEmpty { return [] }
        let encoded = commands.map(EncodedCommand.init)
        return try await withUnsafeThrowingContinuation { continuation in
            queue.enqueue(.pipeline(encoded, continuation))
        }
    }

    /// Text-argument variant of ``pipeline(_:)-([[[UInt8]]])``.
    public func pipeline(_ commands: [[String]]) async throws -> [RedisValue] {
        if commands.isEmpty { return [] }
        let encoded = commands.map(EncodedCommand.init)
        return try await withUnsafeThrowingContinuation { continuation in
            queue.enqueue(.pipeline(encoded, continuation))
        }
    }

    /// Starts closing without waiting for the I/O thread: the request in flight fails (a blocked
    /// `BLPOP` is interrupted) and so does everything queued. ``close()`` also waits.
    package func interrupt() {
        queue.requestClose()
    }

    /// `true` once ``close()`` was called (or the connection otherwise shut down).
    public var isClosed: Bool {
        queue.isClosing
    }

    /// Closes the connection: queued and in-flight requests fail with
    /// ``RedisError/Code/connectionClosed`` (a blocked `BLPOP` is interrupted), the
    /// socket is closed and the I/O thread exits before this returns. Idempotent.
    public func close() async {
        queue.requestClose()
        await queue.waitForExit()
    }
}
