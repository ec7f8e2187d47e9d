public import Configuration
import DurableTaskHTTP
import Foundation
import Logging

extension HostConfiguration {
    /// The name of every setting: its key in a `ConfigReader` (and in a JSON config file), its
    /// `durable serve` flag and its environment variable (`DURABLE_` and the key in upper snake
    /// case, as swift-configuration's environment provider spells it under the `durable` prefix).
    public enum Key: String, CaseIterable, Sendable {
        case redisUrl, redisPasswordFile, redisPassword, dataDir, taskHub, partitions, leaseTimeout
        case orchestrationConcurrency, activityConcurrency, maxDeliveryCount, host, port, systemKey
        case maxBodySize, idleTimeout, maxConnections, httpAllow, grpcPort, grpcHost, logLevel, durability, schedule

        /// The config key.
        public var configKey: ConfigKey { ConfigKey([rawValue]) }

        /// The command-line flag, e.g. `--task-hub`.
        public var flag: String {
            switch self {
            case .redisUrl: "--redis"
            case .redisPassword: "DURABLE_REDIS_PASSWORD"
            default: "--" + rawValue.reduce(into: "") { $0 += $1.isUppercase ? "-" + $1.lowercased() : String($1) }
            }
        }

        /// The environment variable, e.g. `DURABLE_TASK_HUB`.
        public var environmentVariable: String {
            "DURABLE_" + rawValue.reduce(into: "") { $0 += $1.isUppercase ? "_" + String($1) : $1.uppercased() }
        }

        /// How a message names the setting: the flag, the variable and the file key.
        var names: String {
            self == .redisPassword
                ? "\(environmentVariable) or \"\(rawValue)\" in the config file"
                : "\(flag), \(environmentVariable) or \"\(rawValue)\" in the config file"
        }
    }

    /// Reads every setting from `config`; what it does not set keeps its default. `durable serve`
    /// passes a reader over its flags, then the `DURABLE_*` environment variables, then the
    /// optional JSON config file (`--config`), in that order of precedence.
    ///
    /// Durations are seconds; 0 turns the idle timeout and the connection limit off. The Redis
    /// password comes from the file `redisPasswordFile` names or from `redisPassword`, not both.
    /// - Throws: ``HostError`` with `invalidConfiguration` and a message naming the setting.
    public init(config: ConfigReader) throws {
        self.init()
        let read = SettingReader(config: config)
        redisURL = read.string(.redisUrl)
        redisPassword = try read.redisPassword()
        dataDirectory = read.string(.dataDir) ?? dataDirectory
        taskHub = read.string(.taskHub) ?? taskHub
        partitions = try read.int(.partitions) ?? partitions
        orchestrationConcurrency = try read.int(.orchestrationConcurrency) ?? orchestrationConcurrency
        activityConcurrency = try read.int(.activityConcurrency) ?? activityConcurrency
        httpHost = read.string(.host) ?? httpHost
        httpPort = try read.int(.port) ?? httpPort
        systemKey = read.string(.systemKey, isSecret: true)
        maxBodySize = try read.int(.maxBodySize) ?? maxBodySize
        grpcPort = try read.int(.grpcPort) ?? grpcPort
        grpcHost = read.string(.grpcHost) ?? grpcHost
        leaseTimeout = try read.duration(.leaseTimeout) ?? leaseTimeout
        if let idle = try read.duration(.idleTimeout) { httpIdleTimeout = idle == .zero ? nil : idle }
        if let limit = try read.int(.maxDeliveryCount) {
            guard limit >= 0 else { throw HostError(.invalidConfiguration, "--max-delivery-count must be 0 (no limit) or more, not \(limit)") }
            maxDeliveryCount = limit
        }
        if let limit = try read.int(.maxConnections) { httpMaxConnections = limit == 0 ? nil : limit }
        if let allow = read.string(.httpAllow) {
            do {
                http.destinations = try DurableHTTPDestinations(parsing: allow.split(separator: ",").map(String.init))
            } catch let error as DurableHTTPError {
                throw HostError(.invalidConfiguration, error.message + " (--http-allow)")
            }
        }
        if let mode = read.string(.durability) {
            guard let parsed = Durability(rawValue: mode.lowercased()) else {
                throw HostError(.invalidConfiguration, "unknown durability '\(mode)' (--durability): use everysec or always")
            }
            durability = parsed
        }
        // Schedules: each element one or more `--schedule` specs; an environment variable's
        // value comes split at its commas, which the spec parser joins back.
        let specs = config.stringArray(forKey: Key.schedule.configKey) ?? read.string(.schedule).map { [$0] } ?? []
        if !specs.isEmpty { schedules = try ScheduleSpec.parse(specs.joined(separator: ",")) }
        if Set(schedules.map(\.id)).count != schedules.count {
            throw HostError(.invalidConfiguration, "--schedule: two schedules have the same id")
        }
        if let level = read.string(.logLevel) {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw HostError(.invalidConfiguration, "unknown log level '\(level)' (--log-level): use trace, debug, info, notice, warning, error or critical")
            }
            logLevel = parsed
        }
    }
}

/// Typed reads with clear errors: swift-configuration's non-throwing reads return `nil` both
/// for "not set" and for "set to something of another type"; a value that is set but unusable
/// must be an error, not a silent default.
private struct SettingReader {
    let config: ConfigReader

    /// A string setting; blank is unset.
    func string(_ key: HostConfiguration.Key, isSecret: Bool = false) -> String? {
        guard let text = config.string(forKey: key.configKey, isSecret: isSecret)?.trimmingCharacters(in: .whitespaces),
            !text.isEmpty
        else { return nil }
        return text
    }

    func int(_ key: HostConfiguration.Key) throws -> Int? {
        if let value = config.int(forKey: key.configKey) { return value }
        if let text = string(key) {
            guard let value = Int(text) else { throw invalid(key, text, "an integer") }
            return value
        }
        return nil
    }

    /// Seconds, as a duration: finite, not negative, at most a year.
    func duration(_ key: HostConfiguration.Key) throws -> Duration? {
        let seconds: Double
        if let value = config.double(forKey: key.configKey) {
            seconds = value
        } else if let value = config.int(forKey: key.configKey) {
            seconds = Double(value)
        } else if let text = string(key) {
            guard let value = Double(text) else { throw invalid(key, text, "a number of seconds") }
            seconds = value
        } else {
            return nil
        }
        guard seconds.isFinite, (0...31_536_000).contains(seconds) else {
            throw HostError(.invalidConfiguration, "\(key.flag) must be a number of seconds between 0 and 31536000, not \(seconds)")
        }
        return .milliseconds(Int64(seconds * 1000))
    }

    /// The password from `redisPasswordFile`, else `redisPassword` taken as it is (empty is unset).
    func redisPassword() throws -> String? {
        let given = config.string(forKey: HostConfiguration.Key.redisPassword.configKey, isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        guard let file = string(.redisPasswordFile) else { return given }
        if given != nil {
            throw HostError(.invalidConfiguration, "give the Redis password once: --redis-password-file (or DURABLE_REDIS_PASSWORD_FILE) or DURABLE_REDIS_PASSWORD, not both")
        }
        return try SecretFile.read(file, option: "--redis-password-file")
    }

    private func invalid(_ key: HostConfiguration.Key, _ text: String, _ expected: String) -> HostError {
        HostError(.invalidConfiguration, "'\(text)' is not a valid value for \(key.flag): expected \(expected) (set by \(key.names))")
    }
}
