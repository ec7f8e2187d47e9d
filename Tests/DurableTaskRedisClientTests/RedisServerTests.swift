import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("redis-server launcher", .timeLimit(.minutes(2)))
struct RedisServerTests {
    @Test func startsAPrivateServerAndStopsItByPID() async throws {
        let server = try await RedisServer.start()
        let pid = try #require(server.pid)
        #expect(kill(pid, 0) == 0, "the server process is alive")
        #expect(server.url == "redis://127.0.0.1:\(server.port)")
        #expect(FileManager.default.fileExists(atPath: try #require(server.unixSocketPath)))

        await server.shutDown()
        #expect(server.pid == nil)
        #expect(kill(pid, 0) != 0, "the server process is gone")
        #expect(!FileManager.default.fileExists(atPath: server.directory))
        await server.shutDown()  // idempotent
    }

    @Test func kill9AndRestartKeepThePort() async throws {
        try await withRedisServer(.init(unixSocket: false, appendOnly: true)) { server in
            let pid = try #require(server.pid)
            await server.kill9()
            #expect(server.pid == nil)
            #expect(kill(pid, 0) != 0)
            let port = server.port
            try await server.restart()
            #expect(server.port == port)
            #expect(server.pid != nil && server.pid != pid)
            #expect(FileManager.default.fileExists(atPath: server.directory + "/appendonlydir"))
        }
    }

    /// The host's mode: a given directory, unix socket only, AOF on. Data written before a
    /// graceful stop is there after the next start; a second owner of the directory is refused.
    @Test func embeddedModeKeepsDataAndLocksTheDirectory() async throws {
        let directory = "/tmp/dtembed-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Logger(label: "test")
        let first = try await RedisServer.start(.embedded(directory: directory), logger: logger)
        #expect(first.tcpPort == nil)
        #expect(first.url == "unix://\(directory)/redis.sock")
        let client = try await RedisConnection.connect(configuration: RedisConfiguration(url: first.url), logger: logger)
        _ = try await client.send(["SET", "kept", "yes"])
        await client.close()

        await #expect(throws: RedisServerError.self) {
            _ = try await RedisServer.start(.embedded(directory: directory), logger: logger)
        }
        await first.shutDown()
        #expect(FileManager.default.fileExists(atPath: directory), "a given directory is kept")

        let second = try await RedisServer.start(.embedded(directory: directory), logger: logger)
        let again = try await RedisConnection.connect(configuration: RedisConfiguration(url: second.url), logger: logger)
        #expect(try await again.send(["GET", "kept"]).string == "yes")
        await again.close()
        await second.shutDown()
    }

    /// A server left running in a directory by an owner that died (SIGKILL leaves no chance to
    /// stop it) is stopped before a new one starts there, so two never share the data.
    @Test func aLeftoverServerIsStoppedFirst() async throws {
        let directory = "/tmp/dtembed-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The orphan: a redis-server started as the launcher starts one, then forgotten.
        let orphan = try await ChildProcess.start(
            "/usr/bin/redis-server",
            arguments: ["--port", "0", "--dir", directory, "--unixsocket", directory + "/redis.sock",
                        "--pidfile", directory + "/redis.pid", "--save", "", "--daemonize", "no"],
            directory: directory)
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: directory + "/redis.pid") && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let server = try await RedisServer.start(.embedded(directory: directory), logger: Logger(label: "test"))
        #expect(await orphan.wait(for: .seconds(10)) != nil, "the leftover server was stopped")
        #expect(server.pid != orphan.pid)
        await server.shutDown()
    }
}
