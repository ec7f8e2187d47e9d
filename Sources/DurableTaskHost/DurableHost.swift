public import DurableTask
import AsyncHTTPClient
import DurableTaskGRPC
import DurableTaskHTTP
import DurableTaskRedis
import DurableTaskRedisClient
import DurableTaskRedisServer
import Foundation
import Hummingbird
public import Logging
import ServiceLifecycle
import UnixSignals
public import Prometheus

/// A complete durable host: the Redis store (its own redis-server when no URL is given), the
/// worker with your orchestrations and activities, and the management HTTP API, in one
/// ServiceGroup that shuts down gracefully on SIGINT/SIGTERM.
///
/// ```swift
/// var registry = TaskRegistry()
/// registry.addOrchestrator(MyOrchestrator())
/// registry.addActivity(MyActivity())
/// try await DurableHost(registry: registry, logger: Logger(label: "my-host")).run()
/// ```
public struct DurableHost: Sendable {
    /// The host's settings.
    public var configuration: HostConfiguration
    /// The orchestrators, activities and entities the worker runs. The host adds the durable
    /// HTTP activity (`BuiltIn::HttpActivity`), configured by ``HostConfiguration/http``.
    public var registry: TaskRegistry
    /// Where the host logs.
    public var logger: Logger
    /// Called once the API listens, with its port (useful with port 0).
    public var onReady: @Sendable (_ port: Int) async -> Void
    /// The Prometheus registry `GET /metrics` serves; `nil`: no such route. Bootstrap the
    /// process's `MetricsSystem` with ``MetricsEndpoint/factory(registry:)`` on it so the worker,
    /// the store and the API report there (`durable serve` does).
    public var metrics: PrometheusCollectorRegistry?

    /// Creates a host.
    public init(
        configuration: HostConfiguration = HostConfiguration(), registry: TaskRegistry,
        logger: Logger, metrics: PrometheusCollectorRegistry? = nil, onReady: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) {
        self.metrics = metrics
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        self.onReady = onReady
    }

    /// Runs until SIGINT or SIGTERM (or cancellation), then shuts down gracefully: the API stops
    /// first, the worker commits or releases its in-flight work, and the embedded redis-server
    /// (if any) flushes and exits last.
    ///
    /// - Throws: ``HostError`` when the configuration is invalid, Redis cannot be reached, or the
    ///   API cannot listen; its message says what to fix.
    public func run() async throws {
        try configuration.validate()
        try checkPortsAvailable()
        // Each Redis connection holds a descriptor; lift the usual soft limit of 1,024.
        if let limit = OpenFileLimit.raiseToHardLimit() {
            logger.debug("open file limit", metadata: [LogKeys.openFileLimit: "\(limit)"])
        }
        let embedded = try await startEmbeddedRedis()
        let url = configuration.redisURL ?? embedded!.url
        let store: RedisOrchestrationStore
        do {
            store = try await connectStore(url: url)
        } catch {
            await embedded?.shutDown()
            throw error
        }
        do {
            // After the store connected: an unreachable Redis or a wrong password is its error.
            try await checkDurability(store: store, url: url)
        } catch {
            await store.close()
            await embedded?.shutDown()
            throw error
        }
        let httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: DurableHTTPConfiguration.recommendedClientConfiguration)
        var registry = self.registry
        registry.addDurableHTTP(client: httpClient, configuration: configuration.http)
        let sidecar: DurableTaskSidecar? =
            configuration.grpcPort == 0
            ? nil
            : DurableTaskSidecar(
                store: store,
                configuration: .init(hosts: configuration.grpcHosts, port: configuration.grpcPort, systemKey: configuration.systemKey),
                logger: logger)
        let worker = DurableTaskWorker(
            store: store, registry: registry,
            configuration: .init(
                orchestrationConcurrency: configuration.orchestrationConcurrency,
                activityConcurrency: configuration.activityConcurrency, maxDeliveryCount: configuration.maxDeliveryCount),
            logger: logger, remote: sidecar?.dispatcher)
        let api = ManagementAPI(
            client: DurableTaskClient(store: store),
            configuration: .init(
                taskHub: configuration.taskHub, systemKey: configuration.systemKey, maxBodySize: configuration.maxBodySize,
                orchestratorNames: Set(registry.orchestratorNames), entityNames: Set(registry.entityNames),
                host: configuration.httpHost, port: configuration.httpPort, idleTimeout: configuration.httpIdleTimeout,
                maxConnections: configuration.httpMaxConnections,
                metrics: metrics.map { registry in
                    let storeMetrics = StoreMetrics(store: store)
                    return MetricsEndpoint(registry: registry, refresh: { await storeMetrics.refresh() })
                }),
            logger: logger)
        let application = try api.makeApplication { port in
            var metadata: Logger.Metadata = [
                LogKeys.api: "http://\(configuration.httpHost):\(port)/runtime/webhooks/durabletask",
                LogKeys.taskHub: "\(configuration.taskHub)", LogKeys.redis: .string(RedisURL.redacting(url)),
            ]
            if api.configuration.dashboard {
                metadata[LogKeys.dashboard] = "http://\(configuration.httpHost):\(port)/dashboard"
            }
            if let sidecar, let grpcPort = await sidecar.listeningPort() {
                metadata[LogKeys.grpc] = "\(configuration.grpcHost):\(grpcPort)"
            }
            logger.info("durable host ready", metadata: metadata)
            await onReady(port)
        }
        var services: [any Service] = []
        if let embedded { services.append(embedded) }
        if let sidecar { services.append(sidecar) }
        services += [worker, application]
        if !configuration.schedules.isEmpty {
            services.append(ScheduleRegistrar(client: DurableTaskClient(store: store), schedules: configuration.schedules, logger: logger))
        }
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await store.close()
            try? await httpClient.shutdown()
            await embedded?.shutDown()
            throw HostError.describing(error)
        }
        await store.close()
        try await httpClient.shutdown()
        logger.info("durable host stopped")
    }

    /// The one busy-port check: both listeners' addresses are probed before anything starts, so
    /// a taken port is a one-line error rather than a half-started host.
    private func checkPortsAvailable() throws {
        var listeners = [("--port (or DURABLE_PORT)", configuration.httpHost, configuration.httpPort)]
        if configuration.grpcPort != 0 {
            listeners.append(("--grpc-port (or DURABLE_GRPC_PORT)", configuration.grpcHosts[0], configuration.grpcPort))
        }
        for (option, host, port) in listeners {
            do {
                try PortProbe.checkAvailable(host: host, port: port)
            } catch where error.unresolvable {
                throw HostError(.invalidConfiguration, "cannot resolve the bind address '\(host)' (--host)")
            } catch {
                throw HostError(.listenFailed, "cannot listen on \(host):\(port): \(error); pick another \(option) or stop what uses it")
            }
        }
    }

    /// The host's own redis-server when no Redis URL is configured.
    private func startEmbeddedRedis() async throws -> RedisServer? {
        guard configuration.redisURL == nil else { return nil }
        do {
            var options = RedisServer.Options.embedded(directory: configuration.dataDirectory)
            options.fsyncAlways = configuration.durability == .always
            let server = try await RedisServer.start(options, logger: logger)
            logger.info("embedded redis-server started", metadata: [LogKeys.redisPid: "\(server.pid ?? 0)", LogKeys.redisSocket: "\(server.unixSocketPath ?? "")"])
            return server
        } catch {
            let hint = switch error.code {
            case .executableNotFound: ", or pass --redis <url>"
            case .directoryUnusable: "; stop it or pass another --data-dir"
            default: ""
            }
            throw HostError(.embeddedRedisFailed, error.message + hint)
        }
    }

    private func connectStore(url: String) async throws -> RedisOrchestrationStore {
        let store: RedisOrchestrationStore
        do {
            store = try await RedisOrchestrationStore.connect(
                url: try configuration.redisEndpoint(url),
                configuration: .init(
                    taskHub: configuration.taskHub, partitions: configuration.partitions, leaseTimeout: configuration.leaseTimeout),
                logger: logger)
        } catch let error as DurableTaskError where error.code == .functionLibraryMismatch {
            throw HostError(.functionLibraryMismatch, redacted(error.message))
        } catch {
            throw HostError(
                .redisUnreachable,
                "cannot connect to Redis at \(RedisURL.redacting(url)): \(redacted(HostError.reason(error))); check --redis / DURABLE_REDIS_URL\(configuration.redisPassword == nil ? "" : " and the Redis password")")
        }
        do {
            try await store.createTaskHub()
        } catch let error as DurableTaskError where error.code == .functionLibraryMismatch {
            await store.close()
            throw HostError(.functionLibraryMismatch, redacted(error.message))
        } catch {
            await store.close()
            throw HostError(
                .redisUnreachable,
                "cannot create task hub '\(configuration.taskHub)' in Redis at \(RedisURL.redacting(url)): \(redacted(HostError.reason(error)))")
        }
        return store
    }

    /// `text` with any Redis URL's password and the separate Redis password hidden.
    private func redacted(_ text: String) -> String {
        let text = RedisURL.redacting(text)
        guard let password = configuration.redisPassword, !password.isEmpty else { return text }
        return text.replacingOccurrences(of: password, with: "***")
    }
}
