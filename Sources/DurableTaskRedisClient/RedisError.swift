/// An error raised by the Redis connection layer.
///
/// Server error replies (`-ERR ...`, `-NOSCRIPT ...`, `-WRONGTYPE ...`) are thrown by
/// `send` as a `RedisError` with code ``Code/serverError``; the full reply text is in
/// ``message`` and its first word (the Redis error code such as `NOSCRIPT`) in
/// ``serverErrorPrefix``.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    /// The category of a ``RedisError``: a stable short name. Compare against the static
    /// members (`error.code == .connectionLost`). The same shape as the core's `ErrorCode`,
    /// written out here because the client does not depend on `DurableTask`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, e.g. `connectionLost`.
        public let rawValue: String

        private init(_ rawValue: String) {
            self.rawValue = rawValue
        }

        /// The code's name.
        public var description: String { rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A human readable message; for ``Code/serverError`` the server's error text verbatim.
    public var message: String
    /// The error that caused this one, if any.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// For a server error, the first word of the reply (`"ERR"`, `"NOSCRIPT"`,
    /// `"WRONGTYPE"`, `"NOPERM"`, ...); `nil` for other codes.
    public var serverErrorPrefix: String? {
        guard code == .serverError else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    /// `true` if this is a server error whose reply starts with `prefix` (e.g. `"NOSCRIPT"`).
    public func isServerError(_ prefix: String) -> Bool {
        serverErrorPrefix == prefix
    }

    /// `"<code>: <message>"`.
    public var description: String {
        if let underlying {
            return "RedisError.\(code): \(message) (\(underlying))"
        }
        return "RedisError.\(code): \(message)"
    }

    static func server(_ message: String) -> RedisError {
        RedisError(code: .serverError, message: message)
    }
}

extension RedisError.Code {
    /// Connecting (TCP or unix socket) failed, or reconnecting gave up.
    public static var connectionFailed: Self { Self("connectionFailed") }
    /// The connection was closed by ``RedisConnection/close()`` (or the pool was closed).
    public static var connectionClosed: Self { Self("connectionClosed") }
    /// The connection broke (I/O error or EOF) while the request was in flight.
    /// The command may or may not have been executed by the server; it is not retried.
    public static var connectionLost: Self { Self("connectionLost") }
    /// The server sent something the client could not parse.
    public static var protocolError: Self { Self("protocolError") }
    /// The server answered with an error reply; see ``RedisError/message``.
    public static var serverError: Self { Self("serverError") }
    /// `AUTH` was rejected during the connection handshake.
    public static var authenticationFailed: Self { Self("authenticationFailed") }
    /// The configured read timeout elapsed before the reply arrived.
    public static var timeout: Self { Self("timeout") }
    /// A URL or configuration value is invalid.
    public static var invalidConfiguration: Self { Self("invalidConfiguration") }
}
