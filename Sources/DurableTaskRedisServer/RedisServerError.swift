/// Why a redis-server could not be started: a code and a message that says what to fix.
public struct RedisServerError: Error, Sendable, CustomStringConvertible {
    /// The error category.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        init(_ raw: String) { self.raw = raw }
        public var description: String { raw }

        /// No `redis-server` executable on `PATH` or in the usual places.
        public static let executableNotFound = Code("executableNotFound")
        /// The data directory cannot be created, is too long for a unix socket, or is locked by
        /// another process.
        public static let directoryUnusable = Code("directoryUnusable")
        /// redis-server exited during startup, or did not answer in time.
        public static let startFailed = Code("startFailed")
    }

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

    public var description: String { message }
}
