public import DurableTask
/// Why a redis-server could not be started: a code and a message that says what to fix.
public struct RedisServerError: Error, Sendable, CustomStringConvertible {
    /// The error category.
    public typealias Code = ErrorCode<RedisServerError>

    /// The category.
    public var code: Code
    /// What went wrong (with the end of the server's log when there is one).
    public var message: String
    /// The port was taken before our server bound it; another port may work.
    var portTaken = false

    init(_ code: Code, _ message: String, portTaken: Bool = false) {
        self.code = code
        self.message = message
        self.portTaken = portTaken
    }

    /// The message.
    public var description: String { message }
}

extension ErrorCode where Domain == RedisServerError {
    /// No `redis-server` executable on `PATH` or in the usual places.
    public static var executableNotFound: Self { Self("executableNotFound") }
    /// The data directory cannot be created, is too long for a unix socket, or is locked by
    /// another process.
    public static var directoryUnusable: Self { Self("directoryUnusable") }
    /// redis-server exited during startup, or did not answer in time.
    public static var startFailed: Self { Self("startFailed") }
}
