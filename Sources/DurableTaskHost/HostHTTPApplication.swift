import DurableTask
import Hummingbird
import Logging

/// The management API as a Hummingbird application (a `Service`) on the configured address.
struct HostHTTPApplication {
    let application: Application<ManagementAPIResponder>

    init(
        configuration: HostConfiguration, client: DurableTaskClient, registry: TaskRegistry, logger: Logger,
        onReady: @escaping @Sendable (Int) async -> Void
    ) throws {
        let api = ManagementAPI(
            client: client,
            configuration: .init(
                taskHub: configuration.taskHub, systemKey: configuration.systemKey, maxBodySize: configuration.maxBodySize,
                orchestratorNames: Set(registry.orchestratorNames), entityNames: Set(registry.entityNames), host: configuration.httpHost, port: configuration.httpPort),
            logger: logger)
        application = try api.makeApplication(onServerRunning: onReady)
    }
}
