import ArgumentParser
import Configuration
import DurableExamples
import DurableTask
import DurableTaskHTTP
import DurableTaskHost
import Foundation
import Logging
import Metrics
import Prometheus
import SystemPackage

/// `durable serve`: runs the worker with the example orchestrations and the management HTTP API.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the worker and the Durable Functions management HTTP API.",
        discussion: """
            Without --redis the host starts its own redis-server (data in --data-dir, AOF on, unix socket).
            Every option can also be set by the environment variable named in its help, or in a JSON
            file given with --config; a flag wins over the environment, which wins over the file.
            The API is served under /runtime/webhooks/durabletask/ (see the README).
            """)

    @Option(help: "Redis URL: redis://[user:pass@]host:port/db or unix:///path; give the password apart with --redis-password-file. Env DURABLE_REDIS_URL. Default: an embedded redis-server.")
    var redis: String?

    @Option(help: "File holding the Redis password (one line), so it stays off the command line; goes with a --redis URL without a password. Env DURABLE_REDIS_PASSWORD_FILE, or the password itself in DURABLE_REDIS_PASSWORD.")
    var redisPasswordFile: String?

    @Option(help: "Data directory of the embedded redis-server. Env DURABLE_DATA_DIR. Default: .durable")
    var dataDir: String?

    @Option(help: "Task hub name (Redis key prefix). Env DURABLE_TASK_HUB. Default: default")
    var taskHub: String?

    @Option(help: "Task hub partitions. Env DURABLE_PARTITIONS. Default: 4")
    var partitions: Int?

    @Option(help: "Concurrent orchestration turns. Env DURABLE_ORCHESTRATION_CONCURRENCY. Default: 8")
    var orchestrationConcurrency: Int?

    @Option(help: "Concurrent activities. Env DURABLE_ACTIVITY_CONCURRENCY. Default: 32")
    var activityConcurrency: Int?

    @Option(help: "HTTP bind address; a non-loopback address needs --system-key. Env DURABLE_HOST. Default: 127.0.0.1")
    var host: String?

    @Option(help: "HTTP port (0 picks a free one). Env DURABLE_PORT. Default: 7071")
    var port: Int?

    @Option(help: "Key required on every API request (x-functions-key header or code=). Env DURABLE_SYSTEM_KEY.")
    var systemKey: String?

    @Option(help: "Largest accepted request body in bytes. Env DURABLE_MAX_BODY_SIZE. Default: 1048576")
    var maxBodySize: Int?

    @Option(help: "Seconds an idle HTTP connection stays open before the server closes it; 0 never closes one. Env DURABLE_IDLE_TIMEOUT. Default: 75")
    var idleTimeout: Double?

    @Option(help: "Most HTTP connections held at once; one more is answered 503 and closed; 0 means no limit. Env DURABLE_MAX_CONNECTIONS. Default: 1024")
    var maxConnections: Int?

    @Option(help: "Lease timeout in seconds: how soon a dead worker's work moves on. Env DURABLE_LEASE_TIMEOUT. Default: 30")
    var leaseTimeout: Double?

    @Option(help: "Poison limit: deliveries of one turn, entity operation or activity that end without a commit (worker crash, hang, failed commit) before it is failed instead of run again; 0 turns it off. Env DURABLE_MAX_DELIVERY_COUNT. Default: 5")
    var maxDeliveryCount: Int?

    @Option(help: "Where durable HTTP calls may go: comma-separated [http://|https://]host[:port|:*], host may be *.suffix; '*' allows all. Env DURABLE_HTTP_ALLOW. Default: nowhere.")
    var httpAllow: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Env DURABLE_LOG_LEVEL. Default: info")
    var logLevel: String?

    @Option(help: "gRPC port of the Durable Task sidecar that the Durable Task SDKs connect to; 0 turns it off. Env DURABLE_GRPC_PORT. Default: 4001")
    var grpcPort: Int?

    @Option(help: "gRPC bind address; 'localhost' means 127.0.0.1 and ::1, any other address needs --system-key. Env DURABLE_GRPC_HOST. Default: localhost")
    var grpcHost: String?

    @Option(help: "Durability of acknowledged work: everysec (a redis-server crash may lose about the last second) or always (nothing acknowledged is lost; the AOF is fsynced before each answer). The embedded redis-server is started to match; a --redis server must be configured to match (appendonly yes, appendfsync always for 'always') or the host refuses to start. Env DURABLE_DURABILITY. Default: everysec")
    var durability: String?

    @Option(help: "A schedule to create (or update) at startup, repeatable: 'id=cleanup,cron=*/5 * * * * *,orchestration=PeriodicCleanup' or 'id=cleanup,every=500ms,orchestration=PeriodicCleanup,input={\"days\":7}'. Other keys: timeZone, version, instanceId, overlap (skip|bufferOne|terminate|allowAll), catchUp (none|latest|all), catchUpWindow, startAt, endAt, jitter. Env DURABLE_SCHEDULE (specs separated by ';'); config file key \"schedule\" (an array of specs).")
    var schedule: [String] = []

    @Option(help: "JSON config file holding any of the settings above by key (redisUrl, redisPasswordFile, redisPassword, dataDir, taskHub, partitions, leaseTimeout, orchestrationConcurrency, activityConcurrency, maxDeliveryCount, host, port, systemKey, maxBodySize, idleTimeout, maxConnections, httpAllow, grpcPort, grpcHost, logLevel, durability, schedule); flags and DURABLE_* variables win over it. Env DURABLE_CONFIG.")
    var config: String?

    func run() async throws {
        do {
            let host = try await makeHost()
            try await host.run()
        } catch let error as HostError {
            FileHandle.standardError.write(Data("durable: error: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The host, configured from the flags, then the `DURABLE_*` environment variables, then the
    /// config file (swift-configuration's providers, in that order of precedence).
    func makeHost() async throws -> DurableHost {
        let secrets: Set<String> = [HostConfiguration.Key.systemKey, .redisPassword].map(\.environmentVariable).reduce(into: []) { $0.insert($1) }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: flagValues()),
            EnvironmentVariablesProvider(secretsSpecifier: .specific(secrets)).prefixKeys(with: "durable"),
        ]
        let environment = ProcessInfo.processInfo.environment
        if let file = config ?? environment["DURABLE_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(file)))
            } catch {
                throw HostError(.invalidConfiguration, "cannot read the config file \(file) (--config): \(error)")
            }
        }
        let configuration = try HostConfiguration(config: ConfigReader(providers: providers))
        var logger = Logger(label: "durable")
        logger.logLevel = configuration.logLevel

        var registry = TaskRegistry()
        ExampleCatalog.register(into: &registry)
        // Metrics go to one Prometheus registry, served at GET /metrics on the API's port.
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(MetricsEndpoint.factory(registry: metrics))
        return DurableHost(configuration: configuration, registry: registry, logger: logger, metrics: metrics)
    }

    /// The flags given, as config values under ``HostConfiguration/Key``.
    private func flagValues() -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        func set(_ key: HostConfiguration.Key, _ content: ConfigContent?) {
            guard let content else { return }
            values[AbsoluteConfigKey([key.rawValue])] = ConfigValue(content, isSecret: key == .systemKey)
        }
        set(.redisUrl, redis.map { .string($0) })
        set(.redisPasswordFile, redisPasswordFile.map { .string($0) })
        set(.dataDir, dataDir.map { .string($0) })
        set(.taskHub, taskHub.map { .string($0) })
        set(.partitions, partitions.map { .int($0) })
        set(.orchestrationConcurrency, orchestrationConcurrency.map { .int($0) })
        set(.activityConcurrency, activityConcurrency.map { .int($0) })
        set(.host, host.map { .string($0) })
        set(.port, port.map { .int($0) })
        set(.systemKey, systemKey.map { .string($0) })
        set(.maxBodySize, maxBodySize.map { .int($0) })
        set(.idleTimeout, idleTimeout.map { .double($0) })
        set(.maxConnections, maxConnections.map { .int($0) })
        set(.leaseTimeout, leaseTimeout.map { .double($0) })
        set(.maxDeliveryCount, maxDeliveryCount.map { .int($0) })
        set(.httpAllow, httpAllow.map { .string($0) })
        set(.logLevel, logLevel.map { .string($0) })
        set(.grpcPort, grpcPort.map { .int($0) })
        set(.grpcHost, grpcHost.map { .string($0) })
        set(.durability, durability.map { .string($0) })
        set(.schedule, schedule.isEmpty ? nil : .stringArray(schedule))
        return values
    }
}
