extension RedisServer {
    /// How to start a redis-server. Every field has a default: a private server for a test, in a
    /// fresh temporary directory, on a free TCP port of 127.0.0.1 and a unix socket, no persistence.
    public struct Options: Sendable {
        /// The data directory, created if missing and locked (`host.lock`) while the server runs,
        /// so one process at a time uses it; a server left behind in it by a killed owner is
        /// stopped first. `nil`: a fresh private temporary directory, removed when the server stops.
        public var directory: String?
        /// Listen on a free TCP port of 127.0.0.1 (and nowhere else). Without it, the server
        /// listens only on its unix socket.
        public var tcp: Bool
        /// Also listen on a unix socket, `redis.sock` in the directory (mode 700).
        public var unixSocket: Bool
        /// Enable AOF persistence (`--appendonly yes`).
        public var appendOnly: Bool
        /// With ``appendOnly``: fsync the AOF after every write (`--appendfsync always`), so a
        /// SIGKILL loses nothing acknowledged; otherwise once a second (`everysec`).
        public var fsyncAlways: Bool
        /// If set, started with `--requirepass`; the readiness probe authenticates with it.
        public var password: String?
        /// Extra `redis-server` arguments, e.g. `["--maxmemory", "64mb"]`.
        public var extraArguments: [String]
        /// How long to wait for the server to answer `PING`.
        public var startTimeout: Duration
        /// How long a graceful stop waits after `SHUTDOWN` before it kills the server.
        public var shutdownGrace: Duration

        /// Creates options.
        public init(
            directory: String? = nil,
            tcp: Bool = true,
            unixSocket: Bool = true,
            appendOnly: Bool = false,
            fsyncAlways: Bool = false,
            password: String? = nil,
            extraArguments: [String] = [],
            startTimeout: Duration = .seconds(10),
            shutdownGrace: Duration = .seconds(5)
        ) {
            self.directory = directory
            self.tcp = tcp
            self.unixSocket = unixSocket
            self.appendOnly = appendOnly
            self.fsyncAlways = fsyncAlways
            self.password = password
            self.extraArguments = extraArguments
            self.startTimeout = startTimeout
            self.shutdownGrace = shutdownGrace
        }

        /// A host's own server: data in `directory` with AOF on (fsync once a second), reachable
        /// only through the unix socket there.
        public static func embedded(directory: String) -> Options {
            Options(
                directory: directory, tcp: false, unixSocket: true, appendOnly: true,
                startTimeout: .seconds(20), shutdownGrace: .seconds(10))
        }
    }
}
