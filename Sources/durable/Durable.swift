import ArgumentParser

/// The `durable` command: a durable orchestration host on Redis.
@main
struct Durable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "durable",
        abstract: "A durable orchestration engine whose task hub lives in Redis.",
        subcommands: [Serve.self, UpgradeFunctions.self])
}
