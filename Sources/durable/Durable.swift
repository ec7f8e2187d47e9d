import ArgumentParser

/// The `durable` command: a durable orchestration host on Redis, and the management CLI that
/// talks to a running host's management HTTP API.
@main
struct Durable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "durable",
        abstract: "A durable orchestration engine whose task hub lives in Redis.",
        discussion: """
            serve runs a host. instances, entities and schedules manage a running host through its management \
            HTTP API (--url, default http://127.0.0.1:7071, env DURABLE_URL; --key, env DURABLE_KEY). \
            \(exitCodeHelp)
            """,
        subcommands: [Serve.self, UpgradeFunctions.self, Instances.self, Entities.self, Schedules.self])
}
