import DurableTaskRedisTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Test redis-server process", .timeLimit(.minutes(2)))
struct RedisServerProcessTests {
    @Test func startsAPrivateServerAndStopsItByPID() async throws {
        let server = try await RedisServerProcess.start()
        let pid = try #require(server.pid)
        #expect(kill(pid, 0) == 0, "the server process is alive")
        #expect(server.url == "redis://127.0.0.1:\(server.port)")
        #expect(FileManager.default.fileExists(atPath: try #require(server.unixSocketPath)))

        server.stop()
        #expect(server.pid == nil)
        #expect(kill(pid, 0) != 0, "the server process is gone")
        #expect(!FileManager.default.fileExists(atPath: server.directory))
        server.stop()  // idempotent
    }

    @Test func kill9AndRestartKeepThePort() async throws {
        try await withRedisServer(.init(unixSocket: false, appendOnly: true)) { server in
            let pid = try #require(server.pid)
            server.kill9()
            #expect(server.pid == nil)
            #expect(kill(pid, 0) != 0)
            let port = server.port
            try await server.restart()
            #expect(server.port == port)
            #expect(server.pid != nil && server.pid != pid)
            #expect(FileManager.default.fileExists(atPath: server.directory + "/appendonlydir"))
        }
    }
}
