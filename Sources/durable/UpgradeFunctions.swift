import DurableTaskRedisClient
import ArgumentParser
import DurableTask
import DurableTaskHost
import DurableTaskRedis
import Foundation
import Logging

/// `durable upgrade-functions`: moves a Redis to this build's version of the `durabletask` Redis
/// Functions library (see `lua/README.md`, "The library and its versions").
struct UpgradeFunctions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade-functions",
        abstract: "Load this build's version of the durabletask Redis Functions library into Redis (FUNCTION LOAD REPLACE).",
        discussion: """
            Run it when a store refuses to start because Redis holds another version of the library.
            Stop the workers of the other build first unless lua/README.md says the new version keeps
            every function's contract. Every task hub on that Redis uses the new library afterwards.
            """)

    @Option(help: "Redis URL: redis://[user:pass@]host:port/db or unix:///path.")
    var redis: String

    @Option(help: "File holding the Redis password (one line), so it stays off the command line.")
    var redisPasswordFile: String?

    func run() async throws {
        do {
            var url = try RedisURL(redis)
            if let file = redisPasswordFile {
                // The same rules as `serve`'s password file (one line, a regular file, at most 4 KiB).
                url.password = try SecretFile.read(file, option: "--redis-password-file")
            }
            let logger = Logger(label: "durable", factory: { _ in SwiftLogNoOpLogHandler() })
            let upgrade = try await RedisOrchestrationStore.upgradeFunctionLibrary(url: url, logger: logger)
            let before = upgrade.previousVersion.map { $0 == 0 ? "a version-less library" : "version \($0)" } ?? "no library"
            print("durabletask Redis Functions library at \(url): \(before) -> version \(upgrade.version)")
        } catch let error as HostError {
            FileHandle.standardError.write(Data("durable: error: \(error.message)\n".utf8))
            throw ExitCode(1)
        } catch let error as DurableTaskError {
            FileHandle.standardError.write(Data("durable: error: \(error.message)\n".utf8))
            throw ExitCode(1)
        } catch let error as RedisError {
            FileHandle.standardError.write(Data("durable: error: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
