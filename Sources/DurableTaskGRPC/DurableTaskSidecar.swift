public import DurableTask
public import Logging
public import ServiceLifecycle
import GRPCCore
import GRPCNIOTransportHTTP2
import Synchronization

/// The Durable Task sidecar: the gRPC service (`TaskHubSidecarService`) that the Durable Task
/// SDKs for Python, JavaScript, Java, .NET and Go talk to, served over HTTP/2 without TLS (h2c)
/// on top of any ``OrchestrationStore``. A ServiceLifecycle `Service`.
///
/// Give ``dispatcher`` to the host's ``DurableTaskWorker``: the worker leases all work, runs
/// what its registry has in process and sends the rest to the SDK workers connected here.
public final class DurableTaskSidecar: Service {
    /// Sidecar settings.
    public struct Configuration: Sendable {
        /// The addresses to listen on. The SDKs dial `localhost`, which may resolve to either loopback.
        public var hosts: [String]
        /// The port (0 picks a free one, the same for every host).
        public var port: Int
        /// How long work that no connected worker accepts waits for one before it is released to
        /// wait in the store.
        public var holdTime: Duration
        /// How long a worker may take to answer a work item before it is released.
        public var answerTimeout: Duration
        /// How often an idle work-item stream gets a health ping.
        public var healthPingInterval: Duration
        /// When set, every call must carry it as `x-functions-key` metadata.
        public var systemKey: String?

        /// Creates a configuration.
        public init(
            hosts: [String] = ["127.0.0.1", "::1"], port: Int = 4001, holdTime: Duration = .seconds(5),
            answerTimeout: Duration = .seconds(300), healthPingInterval: Duration = .seconds(30), systemKey: String? = nil
        ) {
            self.systemKey = systemKey
            self.hosts = hosts
            self.port = port
            self.holdTime = holdTime
            self.answerTimeout = answerTimeout
            self.healthPingInterval = healthPingInterval
        }
    }

    /// The configuration.
    public let configuration: Configuration
    private let hub: RemoteWorkerHub
    private let service: SidecarService
    private let logger: Logger
    private let bound = Mutex<(port: Int?, waiters: [CheckedContinuation<Int?, Never>])>((nil, []))

    /// Creates a sidecar over a store.
    public init(store: any OrchestrationStore, configuration: Configuration = Configuration(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        hub = RemoteWorkerHub(
            store: store,
            configuration: RemoteWorkerHub.Configuration(holdTime: configuration.holdTime, answerTimeout: configuration.answerTimeout),
            logger: logger)
        var service = SidecarService(client: DurableTaskClient(store: store), hub: hub, logger: logger)
        service.healthPingInterval = configuration.healthPingInterval
        self.service = service
    }

    /// Runs the work the host's registry lacks on the connected SDK workers.
    public var dispatcher: any RemoteWorkDispatcher { hub }

    /// The port the sidecar listens on, once it does (`nil` if it failed to bind).
    public func listeningPort() async -> Int? {
        await withCheckedContinuation { c in
            let now: Int?? = bound.withLock { state in
                if let port = state.port { return .some(port) }
                state.waiters.append(c)
                return .none
            }
            if case .some(let port) = now { c.resume(returning: port) }
        }
    }

    private func publish(_ port: Int?) {
        let waiters = bound.withLock { state -> [CheckedContinuation<Int?, Never>] in
            state.port = port ?? -1
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    private var interceptors: [any ServerInterceptor] {
        [RequestMetricsInterceptor()] + (configuration.systemKey.map { [SystemKeyInterceptor(key: $0)] } ?? [])
    }

    /// Serves until graceful shutdown or cancellation.
    public func run() async throws {
        guard let first = configuration.hosts.first else { return }
        let primary = GRPCServer(
            transport: .http2NIOPosix(address: .ipv4Or6(first, configuration.port), transportSecurity: .plaintext),
            services: [service], interceptors: interceptors)
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await primary.serve() }
                let port: Int
                do {
                    guard let p = try await primary.listeningAddress?.port else { throw SidecarError.notBound }
                    port = p
                } catch {
                    publish(nil)
                    throw error
                }
                servers.withLock { $0.append(primary) }
                for host in configuration.hosts.dropFirst() {
                    let server = GRPCServer(
                        transport: .http2NIOPosix(address: .ipv4Or6(host, port), transportSecurity: .plaintext), services: [service],
                        interceptors: interceptors)
                    group.addTask {
                        do { try await server.serve() } catch {
                            self.logger.warning("gRPC sidecar could not listen", metadata: [LogKeys.host: .string(host), LogKeys.error: "\(error)"])
                        }
                    }
                    servers.withLock { $0.append(server) }
                }
                publish(port)
                logger.info("gRPC sidecar listening", metadata: [
                    LogKeys.hosts: .string(configuration.hosts.joined(separator: ",")), LogKeys.port: "\(port)",
                ])
                try await group.next()
                stopServing()
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            self.logger.info("gRPC sidecar stopping")
            self.stopServing()
        }
    }

    private let servers = Mutex<[GRPCServer<HTTP2ServerTransport.Posix>]>([])

    /// Stops accepting calls and ends the work-item streams, so the servers drain.
    private func stopServing() {
        for server in servers.withLock({ $0 }) { server.beginGracefulShutdown() }
        hub.closeAll()
    }
}

/// Sidecar start-up errors.
struct SidecarError: Error, CustomStringConvertible {
    var description: String
    static let notBound = SidecarError(description: "the gRPC sidecar did not bind its port")
}

extension GRPCNIOTransportCore.SocketAddress {
    /// An IPv4 or IPv6 address, by the host's form.
    static func ipv4Or6(_ host: String, _ port: Int) -> Self {
        host.contains(":") ? .ipv6(host: host, port: port) : .ipv4(host: host, port: port)
    }
}

extension GRPCServer where Transport == HTTP2ServerTransport.Posix {
    /// The bound address, once bound.
    var listeningAddress: GRPCNIOTransportCore.SocketAddress? {
        get async throws { try await transport.listeningAddress }
    }
}

extension GRPCNIOTransportCore.SocketAddress {
    /// The port of an IP address.
    var port: Int? {
        if let v4 = ipv4 { return v4.port }
        if let v6 = ipv6 { return v6.port }
        return nil
    }
}
