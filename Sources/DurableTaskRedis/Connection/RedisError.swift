/// An error raised by the Redis connection layer.
///
/// Server error replies (`-ERR ...`, `-NOSCRIPT ...`, `-WRONGTYPE ...`) are thrown by
/// `send` as a `RedisError` with code ``Code/serverError``; the full reply text is in
/// ``message`` and its first word (the Redis error code such as `NOSCRIPT`) in
/// ``serverErrorPrefix``.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    /// The category of a ``RedisError``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }

        /// Connecting (TCP or unix socket) failed, or reconnecting gave up.
        public static let connectionFailed = Code("connectionFailed")
        /// The connection was closed by ``RedisConnection/close()`` (or the pool was closed).
        public static let connectionClosed = Code("connectionClosed")
        /// The connection broke (I/O error or EOF) while the request was in flight.
        /// The command may or may not have been executed by the server; it is not retried.
        public static let connectionLost = Code("connectionLost")
        /// The server sent something the client could not parse.
        public static let protocolError = Code("protocolError")
        /// The server answered with an error reply; see ``RedisError/message``.
        public static let serverError = Code("serverError")
        /// `AUTH` was rejected during the connection handshake.
        public static let authenticationFailed = Code("authenticationFailed")
        /// The configured read timeout elapsed before the reply arrived.
        public static let timeout = Code("timeout")
        /// A URL or configuration value is invalid.
        public static let invalidConfiguration = Code("invalidConfiguration")

        /// The name of the code, e.g. `"serverError"`.
        public var description: String { raw }
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
