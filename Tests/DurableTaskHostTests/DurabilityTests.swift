import DurableTaskRedisClient
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `--durability`: the embedded redis-server is started to match, and a Redis given by URL must
/// persist as promised.
@Suite("durable serve: durability modes", .timeLimit(.minutes(2)))
struct DurabilityTests {
    private func appendSettings(_ url: String) async throws -> [String: String] {
        let connection = try await RedisConnection.connect(configuration: RedisConfiguration(url: url), logger: Logger(label: "test"))
        let reply = try await connection.send(["CONFIG", "GET", "append*"]).array ?? []
        await connection.close()
        var settings: [String: String] = [:]
        for pair in stride(from: 0, to: reply.count - 1, by: 2) {
            if let key = reply[pair].string, let value = reply[pair + 1].string { settings[key] = value }
        }
        return settings
    }

    @Test(arguments: [("always", "always"), ("everysec", "everysec")])
    func theEmbeddedServerFsyncsAsTheModeSays(mode: String, fsync: String) async throws {
        let directory = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = try await HostProcess.start(["serve", "--port", "0", "--durability", mode], in: directory)
        defer { host.kill9() }
        _ = try await host.waitForPort()
        let settings = try await appendSettings("unix://" + directory + "/.durable/redis.sock")
        #expect(settings["appendonly"] == "yes")
        #expect(settings["appendfsync"] == fsync)
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
    }

    @Test func alwaysRefusesARedisThatDoesNotFsyncEveryWrite() async throws {
        let directory = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withRedisServer(.init(unixSocket: false)) { server in
            let host = try await HostProcess.start(["serve", "--redis", server.url, "--port", "0", "--durability", "always"], in: directory)
            defer { host.kill9() }
            #expect(try await host.waitForExit(timeout: .seconds(20)) == 1)
            #expect(host.printed.trimmingCharacters(in: .whitespacesAndNewlines) == """
                durable: error: --durability always needs the Redis at \(server.url) to run with appendonly yes and appendfsync always \
                (it has appendonly no, appendfsync everysec); set them in its configuration, or use --durability everysec
                """)
        }
        try await withRedisServer(.init(unixSocket: false, appendOnly: true, fsyncAlways: true)) { server in
            let host = try await HostProcess.start(["serve", "--redis", server.url, "--port", "0", "--durability", "always"], in: directory)
            defer { host.kill9() }
            _ = try await host.waitForPort()
            host.signal(SIGTERM)
            #expect(try await host.waitForExit() == 0)
        }
    }

    @Test func everysecWarnsWhenRedisKeepsNoAppendOnlyFile() async throws {
        let directory = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withRedisServer(.init(unixSocket: false)) { server in
            let host = try await HostProcess.start(["serve", "--redis", server.url, "--port", "0"], in: directory)
            defer { host.kill9() }
            _ = try await host.waitForPort()
            #expect(host.printed.contains("Redis keeps no append-only file"))
            host.signal(SIGTERM)
            #expect(try await host.waitForExit() == 0)
        }
    }
}
