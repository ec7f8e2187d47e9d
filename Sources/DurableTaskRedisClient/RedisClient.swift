/// Something that executes Redis commands: a ``RedisConnection`` or a ``RedisConnectionPool``.
///
/// Error replies: ``send(_:)-(String...)`` throws a server error reply as ``RedisError``
/// with code ``RedisError/Code/serverError`` (check ``RedisError/serverErrorPrefix``, e.g.
/// `"NOSCRIPT"`); ``pipeline(_:)-([[String]])`` never throws for error replies and returns
/// them as ``RedisValue/error(_:)`` elements in place, so one failing command does not hide
/// the results of the others. Connection problems throw ``RedisError`` from both.
///
/// Task cancellation is not observed: once issued, a command runs to completion.
public protocol RedisClient: Sendable {
    /// Sends one command given as binary-safe arguments and returns its reply.
    /// - Throws: ``RedisError``; an error reply is thrown with code ``RedisError/Code/serverError``.
    func send(_ arguments: [[UInt8]]) async throws -> RedisValue

    /// Sends one command given as UTF-8 text arguments and returns its reply.
    /// - Throws: ``RedisError``; an error reply is thrown with code ``RedisError/Code/serverError``.
    func send(_ arguments: [String]) async throws -> RedisValue

    /// Sends several commands back to back on one connection (nothing is interleaved
    /// between them, so `MULTI ... EXEC` inside one pipeline is safe) and returns one
    /// reply per command, error replies included as ``RedisValue/error(_:)``.
    /// - Throws: ``RedisError`` for connection failures only.
    func pipeline(_ commands: [[[UInt8]]]) async throws -> [RedisValue]

    /// Text-argument variant of ``pipeline(_:)-([[[UInt8]]])``.
    func pipeline(_ commands: [[String]]) async throws -> [RedisValue]
}

extension RedisClient {
    /// Sends one command written as variadic text arguments: `send("SET", "k", "v")`.
    /// - Throws: ``RedisError``; an error reply is thrown with code ``RedisError/Code/serverError``.
    public func send(_ arguments: String...) async throws -> RedisValue {
        try await send(arguments)
    }
}
