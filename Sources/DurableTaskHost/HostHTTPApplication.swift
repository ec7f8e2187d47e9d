import DurableTask
import Hummingbird
import Logging

/// The management API as a Hummingbird application (a `Service`) on the configured address.
struct HostHTTPApplication {
    let application: Application<RouterResponder<BasicRequestContext>>

    init(
        configuration: HostConfiguration, client: DurableTaskClient, registry: TaskRegistry, logger: Logger,
        onReady: @escaping @Sendable (Int) async -> Void
    ) {
        let router = Router()
        router.get("/healthz") { _, _ in "ok" }
        application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "durable"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? configuration.httpPort) },
            logger: logger)
    }
}
