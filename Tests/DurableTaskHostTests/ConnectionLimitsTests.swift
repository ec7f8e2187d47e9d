import DurableTaskHost
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Testing

/// The management API's server closes idle connections and holds at most its limit of them.
@Suite("HTTP connections: idle timeout and limit", .timeLimit(.minutes(2)))
struct ConnectionLimitsTests {
    static let listRequest = "GET /runtime/webhooks/durabletask/instances HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    /// A connection that never sends anything, and one left idle after a request, are both
    /// closed by the server once the idle timeout has passed; a long poll that outlasts the
    /// timeout is answered, not cut.
    @Test func idleConnectionsAreClosed() async throws {
        try await withAPIServer(configuration: .init(idleTimeout: .milliseconds(500))) { server in
            let silent = try await RawHTTPConnection.connect(port: server.port)
            let used = try await RawHTTPConnection.connect(port: server.port)
            let answer = try #require(try await used.exchange(Self.listRequest))
            #expect(answer.status == 200)
            let polling = try await RawHTTPConnection.connect(port: server.port)
            try await polling.send(
                "POST /runtime/webhooks/durabletask/orchestrators/APISleep?timeout=10 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 4\r\n\r\n1500")

            #expect(try await silent.waitForClose(timeout: .seconds(5)), "a connection that never sent a byte stays open")
            #expect(try await used.waitForClose(timeout: .seconds(5)), "an idle keep-alive connection stays open")
            let polled = try #require(try await polling.response(timeout: .seconds(10)), "the long poll was cut")
            #expect(polled.status == 200, "\(polled.status) \(polled.text)")
            #expect(polled.text == #""slept""#)
            #expect(try await polling.waitForClose(timeout: .seconds(5)))
        }
    }

    /// With a limit of 2, a third connection is answered 503 `too_many_connections` and closed,
    /// the two admitted ones keep working, and once one of them closes a new one is served.
    @Test func connectionsBeyondTheLimitAreRefused() async throws {
        try await withAPIServer(configuration: .init(maxConnections: 2)) { server in
            let first = try await RawHTTPConnection.connect(port: server.port)
            let second = try await RawHTTPConnection.connect(port: server.port)
            #expect(try await first.exchange(Self.listRequest)?.status == 200)
            #expect(try await second.exchange(Self.listRequest)?.status == 200)

            // One that waits for the server to speak, and one that sends its request first.
            for sendsFirst in [false, true] {
                let extra = try await RawHTTPConnection.connect(port: server.port)
                // The server may have answered and closed before the request is written: that send fails.
                if sendsFirst { try? await extra.send(Self.listRequest) }
                let refused = try #require(try await extra.response(), "the connection over the limit got no answer")
                try expectError(refused, 503, "too_many_connections")
                #expect(refused.header("Retry-After") == "1")
                #expect(try await extra.waitForClose(timeout: .seconds(5)), "the connection over the limit stays open")
            }

            #expect(try await first.exchange(Self.listRequest)?.status == 200)
            #expect(try await second.exchange(Self.listRequest)?.status == 200)

            await first.close()
            let deadline = ContinuousClock.now + .seconds(5)
            var served = false
            while !served && ContinuousClock.now < deadline {
                let next = try await RawHTTPConnection.connect(port: server.port)
                served = (try? await next.exchange(Self.listRequest))??.status == 200
                await next.close()
                if !served { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(served, "no connection was served after one of the two closed")
        }
    }

    /// The defaults: idle connections close after 75 s, at most 1024 are held.
    @Test func defaults() {
        let api = ManagementAPI.Configuration()
        #expect(api.idleTimeout == .seconds(75))
        #expect(api.maxConnections == 1024)
        let host = HostConfiguration()
        #expect(host.httpIdleTimeout == .seconds(75))
        #expect(host.httpMaxConnections == 1024)
    }

    /// `durable serve --idle-timeout 1 --max-connections 2` applies both to its API.
    @Test func serveFlagsSetBoth() async throws {
        try await withRedisServer { redis in
            let directory = try makeTempDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let host = try await HostProcess.start(
                ["serve", "--redis", redis.url, "--port", "0", "--idle-timeout", "1", "--max-connections", "2"], in: directory)
            defer { host.kill9() }
            let port = try await host.waitForPort()
            let first = try await RawHTTPConnection.connect(port: port)
            let second = try await RawHTTPConnection.connect(port: port)
            #expect(try await first.exchange(Self.listRequest)?.status == 200)
            let third = try await RawHTTPConnection.connect(port: port)
            #expect(try await third.response()?.status == 503)
            #expect(try await first.waitForClose(timeout: .seconds(5)), "the idle connection was not closed after 1 s")
            #expect(try await second.waitForClose(timeout: .seconds(5)), "the idle connection was not closed after 1 s")
            host.signal(SIGTERM)
            #expect(try await host.waitForExit() == 0)
        }
    }

    /// Bad values of the flags end `durable serve` with one line that names them.
    @Test(arguments: [
        (["--idle-timeout=-1"], "--idle-timeout must be a number of seconds"),
        (["--idle-timeout", "inf"], "--idle-timeout must be a number of seconds"),
        (["--max-connections=-3"], "the connection limit must be at least 1"),
    ])
    func badFlagsExitWithOneLine(flags: [String], expected: String) async throws {
        let directory = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = try await HostProcess.start(["serve", "--port", "0"] + flags, in: directory)
        defer { host.kill9() }
        #expect(try await host.waitForExit(timeout: .seconds(20)) == 1)
        let output = host.printed.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(output.hasPrefix("durable: error: ") && output.contains(expected), "got: \(output)")
    }
}
