public import DurableTask
extension ManagementAPI {
    /// Settings of the management API. Every member has a default.
    public struct Configuration: Sendable {
        /// Where the routes live; matched case-insensitively. Default `/runtime/webhooks/durabletask`.
        public var basePath: String
        /// The task hub this host serves. A request whose `taskHub` names another hub gets `404`
        /// `unknown_task_hub`; the name is echoed into generated links.
        public var taskHub: String
        /// The connection name echoed into generated links when a request names none.
        public var connectionName: String
        /// The key every request must present (`x-functions-key` header, else `code` query
        /// parameter), and the `code` written into generated links. `nil`: no key is checked.
        public var systemKey: String?
        /// The largest request body accepted, in bytes; larger bodies get `413`. Default 1 MiB.
        public var maxBodySize: Int
        /// The registered orchestrator names; a start naming another gets `400` `unknown_function`.
        /// `nil` accepts any name.
        public var orchestratorNames: Set<String>?
        /// The registered entity names (lowercased); a signal naming another gets `400`
        /// `unknown_function`. `nil` accepts any name.
        public var entityNames: Set<String>?
        /// The address ``ManagementAPI/makeApplication(host:port:onServerRunning:)`` binds to by default. Default `127.0.0.1`.
        public var host: String
        /// The port ``ManagementAPI/makeApplication(host:port:onServerRunning:)`` binds to by default; `0` picks a free one. Default 7071.
        public var port: Int
        /// How long a connection may sit idle (no request being read or answered) before the
        /// server closes it; `nil` keeps idle connections open for as long as the client likes.
        /// A request that is being answered (a long poll, for one) is never cut. Default 75 s:
        /// longer than the 60 s after which common clients and load balancers drop an idle
        /// connection themselves, so it is normally the client that closes first.
        public var idleTimeout: Duration?
        /// The most connections the server holds open at once; each one beyond it is answered
        /// `503 too_many_connections` (with `Retry-After`) and closed. `nil`: no limit. Default 1024.
        public var maxConnections: Int?
        /// What `GET /metrics` serves (under the same key rule as the API); `nil`: no such route.
        public var metrics: MetricsEndpoint?
        /// Whether `GET /dashboard` serves the built-in web dashboard (its files, without the key;
        /// the page reads everything through the API and `/metrics`, under the key rule). Default `true`.
        public var dashboard: Bool

        /// The default ``idleTimeout``: 75 s.
        public static let defaultIdleTimeout: Duration = .seconds(75)
        /// The default ``maxConnections``: 1024.
        public static let defaultMaxConnections = 1024

        /// Creates a configuration.
        public init(
            basePath: String = "/runtime/webhooks/durabletask", taskHub: String = "default",
            connectionName: String = "Storage", systemKey: String? = nil, maxBodySize: Int = 1 << 20,
            orchestratorNames: Set<String>? = nil, entityNames: Set<String>? = nil, host: String = "127.0.0.1",
            port: Int = 7071, idleTimeout: Duration? = defaultIdleTimeout, maxConnections: Int? = defaultMaxConnections,
            metrics: MetricsEndpoint? = nil, dashboard: Bool = true
        ) {
            self.metrics = metrics
            self.dashboard = dashboard
            self.basePath = basePath
            self.taskHub = taskHub
            self.connectionName = connectionName
            self.systemKey = systemKey
            self.maxBodySize = maxBodySize
            self.orchestratorNames = orchestratorNames
            self.entityNames = entityNames.map { Set($0.map { $0.lowercased() }) }
            self.host = host
            self.port = port
            self.idleTimeout = idleTimeout
            self.maxConnections = maxConnections
        }

        /// Whether ``host`` is a loopback address (`localhost`, `127.0.0.0/8`, `::1`).
        package var bindsToLoopback: Bool { Self.isLoopback(host) }

        /// Checks the configuration.
        ///
        /// - Throws: ``ManagementAPIConfigurationError`` with code `keyRequired` when ``host`` is not
        ///   a loopback address and no ``systemKey`` is set (§8.3), or `invalidValue` for an empty
        ///   key, a base path that does not start with `/`, a non-positive body limit, a port
        ///   outside 0...65535, an idle timeout under 1 ms or a connection limit under 1.
        public func validate() throws {
            if let systemKey, systemKey.isEmpty {
                throw ManagementAPIConfigurationError(.invalidValue, "the system key must not be empty")
            }
            if !bindsToLoopback && systemKey == nil {
                throw ManagementAPIConfigurationError(
                    .keyRequired,
                    "the management API binds to '\(host)', which is not a loopback address, so a system key is required")
            }
            guard basePath.hasPrefix("/"), !basePathSegments.isEmpty else {
                throw ManagementAPIConfigurationError(.invalidValue, "the base path '\(basePath)' must start with '/' and name at least one segment")
            }
            guard maxBodySize > 0 else {
                throw ManagementAPIConfigurationError(.invalidValue, "the body size limit must be positive, not \(maxBodySize)")
            }
            guard (0...65_535).contains(port) else {
                throw ManagementAPIConfigurationError(.invalidValue, "the port must be in 0...65535, not \(port)")
            }
            if let idleTimeout, idleTimeout < .milliseconds(1) {
                throw ManagementAPIConfigurationError(.invalidValue, "the idle timeout must be at least 1 ms, not \(idleTimeout)")
            }
            if let maxConnections, maxConnections < 1 {
                throw ManagementAPIConfigurationError(.invalidValue, "the connection limit must be at least 1, not \(maxConnections)")
            }
        }

        /// The base path's segments, lowercased.
        var basePathSegments: [String] {
            basePath.split(separator: "/").map { $0.lowercased() }
        }

        static func isLoopback(_ host: String) -> Bool {
            var h = host.lowercased()
            if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
            if h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
            if h.hasPrefix("::ffff:") { h = String(h.dropFirst(7)) }
            let octets = h.split(separator: ".", omittingEmptySubsequences: false)
            guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
            return octets[0] == "127"
        }
    }
}

/// A management API configuration that cannot be used.
public struct ManagementAPIConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The error category.
    public typealias Code = ErrorCode<ManagementAPIConfigurationError>

    /// The category.
    public var code: Code
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}

extension ErrorCode where Domain == ManagementAPIConfigurationError {
    /// A non-loopback bind without a system key.
    public static var keyRequired: Self { Self("keyRequired") }
    /// A value out of range.
    public static var invalidValue: Self { Self("invalidValue") }
}
