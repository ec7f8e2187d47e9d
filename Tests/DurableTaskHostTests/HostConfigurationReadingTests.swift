import Configuration
import DurableTask
import DurableTaskHost
import Foundation
import Logging
import SystemPackage
import Testing

/// `HostConfiguration(config:)` over swift-configuration's providers, in `durable serve`'s order:
/// flags, then environment variables, then a JSON file.
@Suite("Host configuration from a ConfigReader")
struct HostConfigurationReadingTests {
    private func reader(flags: [String: ConfigContent] = [:], environment: [String: String] = [:], file: String? = nil) async throws -> ConfigReader {
        var providers: [any ConfigProvider] = [
            InMemoryProvider(values: Dictionary(uniqueKeysWithValues: flags.map { (AbsoluteConfigKey([$0.key]), ConfigValue($0.value, isSecret: false)) })),
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "durable"),
        ]
        if let file {
            let path = "/tmp/dtconfig-" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + ".json"
            try Data(file.utf8).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(path)))
        }
        return ConfigReader(providers: providers)
    }

    @Test func nothingSetKeepsEveryDefault() async throws {
        let read = try HostConfiguration(config: try await reader())
        let defaults = HostConfiguration()
        #expect(read.taskHub == defaults.taskHub && read.httpPort == defaults.httpPort && read.partitions == defaults.partitions)
        #expect(read.leaseTimeout == defaults.leaseTimeout && read.httpIdleTimeout == defaults.httpIdleTimeout)
        #expect(read.redisURL == nil && read.systemKey == nil && read.logLevel == .info)
        #expect(read.durability == .everysec)
    }

    @Test func flagsWinOverTheEnvironmentWhichWinsOverTheFile() async throws {
        let config = try HostConfiguration(config: try await reader(
            flags: ["taskHub": .string("flag")],
            environment: ["DURABLE_TASK_HUB": "env", "DURABLE_PARTITIONS": "7", "DURABLE_LEASE_TIMEOUT": "2.5", "DURABLE_DURABILITY": "Always"],
            file: #"{"taskHub": "file", "partitions": 3, "port": 9000, "idleTimeout": 0, "logLevel": "debug", "maxConnections": 0}"#))
        #expect(config.taskHub == "flag")
        #expect(config.partitions == 7)
        #expect(config.leaseTimeout == .milliseconds(2500))
        #expect(config.httpPort == 9000)
        #expect(config.httpIdleTimeout == nil, "0 turns the idle timeout off")
        #expect(config.httpMaxConnections == nil, "0 turns the connection limit off")
        #expect(config.logLevel == .debug)
        #expect(config.durability == .always)
    }

    @Test func theEnvironmentNamesFollowTheKeys() {
        #expect(HostConfiguration.Key.redisUrl.environmentVariable == "DURABLE_REDIS_URL")
        #expect(HostConfiguration.Key.orchestrationConcurrency.environmentVariable == "DURABLE_ORCHESTRATION_CONCURRENCY")
        #expect(HostConfiguration.Key.maxDeliveryCount.flag == "--max-delivery-count")
        #expect(HostConfiguration.Key.redisUrl.flag == "--redis")
    }

    @Test func blankEnvironmentValuesAreUnset() async throws {
        let config = try HostConfiguration(config: try await reader(environment: ["DURABLE_SYSTEM_KEY": "  ", "DURABLE_TASK_HUB": ""]))
        #expect(config.systemKey == nil)
        #expect(config.taskHub == "default")
    }

    @Test(arguments: [
        (["DURABLE_PORT": "abc"], "'abc' is not a valid value for --port: expected an integer"),
        (["DURABLE_LEASE_TIMEOUT": "soon"], "'soon' is not a valid value for --lease-timeout: expected a number of seconds"),
        (["DURABLE_LEASE_TIMEOUT": "-1"], "--lease-timeout must be a number of seconds between 0 and 31536000"),
        (["DURABLE_LOG_LEVEL": "loud"], "unknown log level 'loud'"),
        (["DURABLE_DURABILITY": "sometimes"], "unknown durability 'sometimes' (--durability)"),
        (["DURABLE_MAX_DELIVERY_COUNT": "-2"], "--max-delivery-count must be 0 (no limit) or more"),
        (["DURABLE_HTTP_ALLOW": "ftp://x"], "(--http-allow)"),
        (["DURABLE_REDIS_PASSWORD": "p", "DURABLE_REDIS_PASSWORD_FILE": "/nonexistent"], "give the Redis password once"),
    ])
    func aBadValueIsAnErrorNamingTheSetting(environment: [String: String], message: String) async throws {
        let error = try #require(throws: HostError.self) { try HostConfiguration(config: try awaitReader(environment)) }
        #expect(error.code == .invalidConfiguration)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func aWronglyTypedFileValueIsAnError() async throws {
        let config = try await reader(file: #"{"port": "eighty"}"#)
        let error = try #require(throws: HostError.self) { try HostConfiguration(config: config) }
        #expect(error.message.contains("'eighty' is not a valid value for --port"))
    }

    /// Test arguments cannot await; the environment provider needs no file, so no await is needed.
    private func awaitReader(_ environment: [String: String]) throws -> ConfigReader {
        ConfigReader(providers: [EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "durable")])
    }

    /// `--schedule` specs from flags, the environment (specs joined by `;`) and the file (an array).
    @Test func schedulesFromFlagsEnvironmentAndFile() async throws {
        let fromFlags = try HostConfiguration(config: try await reader(flags: [
            "schedule": .stringArray(["id=a,cron=0 0 1,15 * *,orchestration=Hello", #"id=b,every=2s,orchestration=Hello,input={"x":1,"y":[2,3]}"#])
        ]))
        #expect(fromFlags.schedules.map(\.id) == ["a", "b"])
        #expect(fromFlags.schedules.first?.trigger == .cron(try CronExpression("0 0 1,15 * *")))
        #expect(fromFlags.schedules.last?.input == #"{"x":1,"y":[2,3]}"#)
        #expect(fromFlags.schedules.last?.trigger == .interval(.seconds(2)))

        let fromEnvironment = try HostConfiguration(config: try await reader(environment: [
            "DURABLE_SCHEDULE": "id=a,every=1s,orchestration=Hello,overlap=bufferOne;id=b,every=1m,orchestration=Hello,catchUp=all,catchUpWindow=1h"
        ]))
        #expect(fromEnvironment.schedules.map(\.id) == ["a", "b"])
        #expect(fromEnvironment.schedules.first?.overlap == .bufferOne)
        #expect(fromEnvironment.schedules.last?.catchUp == .all(window: .seconds(3600)))

        let fromFile = try HostConfiguration(config: try await reader(
            file: #"{"schedule": ["id=nightly,cron=30 2 * * *,timeZone=America/New_York,orchestration=Hello,instanceId=nightly-job"]}"#))
        #expect(fromFile.schedules.first?.instanceIds == .fixed("nightly-job"))

        let duplicate = try await reader(flags: ["schedule": .stringArray(["id=a,every=1s,orchestration=X", "id=a,every=2s,orchestration=X"])])
        #expect(throws: HostError.self) { try HostConfiguration(config: duplicate) }
    }
}
