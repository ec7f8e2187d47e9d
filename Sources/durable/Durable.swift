import ArgumentParser
import Foundation

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

    /// Parses and runs the command. A usage error of a management command (instances, entities,
    /// schedules) exits 2, as their help documents, rather than the parser's 64 (EX_USAGE), which
    /// `serve` keeps.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let management = ["instances", "entities", "schedules"].contains(arguments.first ?? "")
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if management, exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(CLIExit.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
