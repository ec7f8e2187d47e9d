import ArgumentParser
import DurableExamples
import DurableTask
import DurableTaskHTTP
import DurableTaskHost
import Foundation
import Logging

/// `durable serve`: runs the worker with the example orchestrations and the management HTTP API.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the worker and the Durable Functions management HTTP API.",
        discussion: """
            Without --redis the host starts its own redis-server (data in --data-dir, AOF on, unix socket).
            Every option can also be set by the environment variable named in its help; a flag wins.
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

    func run() async throws {
        do {
            let host = try makeHost()
            try await host.run()
        } catch let error as HostError {
            FileHandle.standardError.write(Data("durable: error: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }

    func makeHost() throws -> DurableHost {
        let env = ProcessInfo.processInfo.environment
        func value(_ flag: String?, _ name: String) -> String? {
            if let flag { return flag }
            guard let text = env[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func number<T: LosslessStringConvertible>(_ flag: T?, _ name: String, _ option: String) throws -> T? {
            if let flag { return flag }
            guard let text = value(nil, name) else { return nil }
            guard let parsed = T(text) else {
                throw HostError(.invalidConfiguration, "\(name)='\(text)' is not a valid value for --\(option)")
            }
            return parsed
        }
        var configuration = HostConfiguration()
        configuration.redisURL = value(redis, "DURABLE_REDIS_URL")
        configuration.redisPassword = try redisPassword(file: value(redisPasswordFile, "DURABLE_REDIS_PASSWORD_FILE"), env: env)
        configuration.dataDirectory = value(dataDir, "DURABLE_DATA_DIR") ?? configuration.dataDirectory
        configuration.taskHub = value(taskHub, "DURABLE_TASK_HUB") ?? configuration.taskHub
        configuration.partitions = try number(partitions, "DURABLE_PARTITIONS", "partitions") ?? configuration.partitions
        configuration.orchestrationConcurrency =
            try number(orchestrationConcurrency, "DURABLE_ORCHESTRATION_CONCURRENCY", "orchestration-concurrency")
            ?? configuration.orchestrationConcurrency
        configuration.activityConcurrency =
            try number(activityConcurrency, "DURABLE_ACTIVITY_CONCURRENCY", "activity-concurrency") ?? configuration.activityConcurrency
        configuration.httpHost = value(host, "DURABLE_HOST") ?? configuration.httpHost
        configuration.httpPort = try number(port, "DURABLE_PORT", "port") ?? configuration.httpPort
        configuration.systemKey = value(systemKey, "DURABLE_SYSTEM_KEY")
        configuration.maxBodySize = try number(maxBodySize, "DURABLE_MAX_BODY_SIZE", "max-body-size") ?? configuration.maxBodySize
        configuration.grpcPort = try number(grpcPort, "DURABLE_GRPC_PORT", "grpc-port") ?? configuration.grpcPort
        configuration.grpcHost = value(grpcHost, "DURABLE_GRPC_HOST") ?? configuration.grpcHost
        if let seconds = try number(leaseTimeout, "DURABLE_LEASE_TIMEOUT", "lease-timeout") {
            configuration.leaseTimeout = try duration(seconds, "lease-timeout")
        }
        if let seconds = try number(idleTimeout, "DURABLE_IDLE_TIMEOUT", "idle-timeout") {
            configuration.httpIdleTimeout = seconds == 0 ? nil : try duration(seconds, "idle-timeout")
        }
        if let limit = try number(maxDeliveryCount, "DURABLE_MAX_DELIVERY_COUNT", "max-delivery-count") {
            guard limit >= 0 else {
                throw HostError(.invalidConfiguration, "--max-delivery-count must be 0 (no limit) or more, not \(limit)")
            }
            configuration.maxDeliveryCount = limit
        }
        if let limit = try number(maxConnections, "DURABLE_MAX_CONNECTIONS", "max-connections") {
            configuration.httpMaxConnections = limit == 0 ? nil : limit
        }
        if let allow = value(httpAllow, "DURABLE_HTTP_ALLOW") {
            do {
                configuration.http.destinations = try DurableHTTPDestinations(parsing: allow.split(separator: ",").map(String.init))
            } catch let error as DurableHTTPError {
                throw HostError(.invalidConfiguration, error.message + " (--http-allow)")
            }
        }
        let levelText = value(logLevel, "DURABLE_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw HostError(.invalidConfiguration, "unknown log level '\(levelText)' (--log-level): use trace, debug, info, notice, warning, error or critical")
        }
        var logger = Logger(label: "durable")
        logger.logLevel = level

        var registry = TaskRegistry()
        ExampleCatalog.register(into: &registry)
        return DurableHost(configuration: configuration, registry: registry, logger: logger)
    }

    /// The Redis password: from the file, else from `DURABLE_REDIS_PASSWORD` (taken as it is; an
    /// empty value is unset). Both at once is refused, so it is never unclear which one is used.
    private func redisPassword(file: String?, env: [String: String]) throws -> String? {
        let fromEnv = env["DURABLE_REDIS_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        guard let file else { return fromEnv }
        if fromEnv != nil {
            throw HostError(.invalidConfiguration, "give the Redis password once: --redis-password-file (or DURABLE_REDIS_PASSWORD_FILE) or DURABLE_REDIS_PASSWORD, not both")
        }
        return try SecretFile.read(file, option: "--redis-password-file")
    }

    /// Seconds as a duration, refusing what is not a finite, non-negative number of at most a year
    /// (`Int64(seconds * 1000)` would trap on infinity or NaN).
    private func duration(_ seconds: Double, _ option: String) throws -> Duration {
        guard seconds.isFinite, (0...31_536_000).contains(seconds) else {
            throw HostError(.invalidConfiguration, "--\(option) must be a number of seconds between 0 and 31536000, not \(seconds)")
        }
        return .milliseconds(Int64(seconds * 1000))
    }
}
