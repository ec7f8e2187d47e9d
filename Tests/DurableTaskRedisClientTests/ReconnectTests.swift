import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Testing

@Suite("Reconnect, close and timeouts", .timeLimit(.minutes(2)))
struct ReconnectTests {
    @Test func nextCommandSucceedsAfterClientKill() async throws {
        try await withServerAndPool(poolSize: 1) { server, pool in
            try await withConnection(server.url) { victim in
                let firstID = try #require(try await victim.send(["CLIENT", "ID"]).int)
                // Kill every normal client except the caller (SKIPME defaults to yes).
                let killed = try await pool.send(["CLIENT", "KILL", "TYPE", "normal"])
                #expect((killed.int ?? 0) >= 1)

                let secondID = try #require(try await victim.send(["CLIENT", "ID"]).int)
                #expect(secondID != firstID, "the command must have run on a new connection")
                #expect(try await victim.send(["SET", "after-kill", "ok"]) == .status("OK"))
                #expect(try await pool.send(["GET", "after-kill"]) == "ok")
            }
        }
    }

    @Test func inFlightRequestFailsWhenTheConnectionBreaks() async throws {
        try await withServerAndPool(poolSize: 1) { _, pool in
            let blocking = try await pool.makeDedicatedConnection()
            let pop = Task { try await blocking.send(["BLPOP", "never-filled", "0"]) }
            try await waitUntil("BLPOP is blocked") { try await blockedClients(pool) == 1 }

            _ = try await pool.send(["CLIENT", "KILL", "TYPE", "normal"])
            let error = await expectRedisError { _ = try await pop.value }
            #expect(error?.code == .connectionLost)

            // Not retried: nothing is blocked any more, and the connection recovers.
            #expect(try await blockedClients(pool) == 0)
            #expect(try await blocking.send("PING") == .status("PONG"))
            await blocking.close()
        }
    }

    @Test func reconnectsAfterServerRestartWithAOF() async throws {
        try await withServerAndPool(.init(appendOnly: true), poolSize: 2) { server, pool in
            #expect(try await pool.send(["SET", "durable", "kept"]) == .status("OK"))
            #expect(try await pool.send(["INCR", "durable-counter"]) == .integer(1))
            let oldPID = try #require(server.pid)

            try await server.restart()
            #expect(server.pid != oldPID)

            // Both pooled connections were closed by the restart; each must reconnect.
            for connection in pool.connections {
                #expect(try await connection.send(["GET", "durable"]) == "kept")
            }
            #expect(try await pool.send(["INCR", "durable-counter"]) == .integer(2))
        }
    }

    @Test func requestsFailAfterGiveUpAndRecoverWhenTheServerReturns() async throws {
        try await withRedisServer(.init(unixSocket: false)) { server in
            try await withConnection(server.url, configure: {
                $0.reconnectBackoffMin = .milliseconds(10)
                $0.reconnectBackoffMax = .milliseconds(50)
                $0.reconnectGiveUpAfter = .milliseconds(300)
                $0.connectTimeout = .seconds(1)
            }) { connection in
                #expect(try await connection.send("PING") == .status("PONG"))
                await server.kill9()

                let start = ContinuousClock.now
                let error = await expectRedisError { _ = try await connection.send("PING") }
                let waited = ContinuousClock.now - start
                #expect(error?.code == .connectionFailed)
                #expect(waited >= .milliseconds(200), "requests wait for the reconnect budget")
                #expect(waited < .seconds(5))

                try await server.restart()
                #expect(try await connection.send("PING") == .status("PONG"))
            }
        }
    }

    @Test func closeFailsPendingRequestsAndLaterOnes() async throws {
        try await withServerAndPool(poolSize: 1) { _, pool in
            let blocking = try await pool.makeDedicatedConnection()
            let pop = Task { try await blocking.send(["BLPOP", "never-filled", "0"]) }
            try await waitUntil("BLPOP is blocked") { try await blockedClients(pool) == 1 }

            await blocking.close()
            #expect(blocking.isClosed)
            let inFlight = await expectRedisError { _ = try await pop.value }
            #expect(inFlight?.code == .connectionClosed)
            let later = await expectRedisError { _ = try await blocking.send("PING") }
            #expect(later?.code == .connectionClosed)
            try await waitUntil("the server sees the client gone") { try await blockedClients(pool) == 0 }
            await blocking.close()  // idempotent
        }
    }

    @Test func readTimeoutFailsTheRequestAndTheConnectionRecovers() async throws {
        try await withServerAndPool(poolSize: 1) { _, pool in
            let connection = try await pool.makeDedicatedConnection(readTimeout: .milliseconds(200))
            let start = ContinuousClock.now
            let error = await expectRedisError { _ = try await connection.send(["BLPOP", "never-filled", "3"]) }
            #expect(error?.code == .timeout)
            #expect(ContinuousClock.now - start < .milliseconds(2500))
            #expect(try await connection.send("PING") == .status("PONG"))
            await connection.close()
        }
    }
}

@Suite("Connection drops under load", .timeLimit(.minutes(2)))
struct DropsUnderLoadTests {
    @Test func everyRequestCompletesOrFailsWithATypedError() async throws {
        try await withServerAndPool(poolSize: 1) { server, killer in
            try await withConnection(server.url) { (connection) async throws in
                let outcomes = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                    for _ in 0..<16 {
                        group.addTask {
                            var succeeded = 0
                            var failed = 0
                            for _ in 0..<500 {
                                do {
                                    _ = try await connection.send(["INCR", "under-load"])
                                    succeeded += 1
                                } catch let error as RedisError {
                                    #expect(error.code == .connectionLost || error.code == .connectionFailed, "\(error)")
                                    failed += 1
                                }
                            }
                            return (succeeded, failed)
                        }
                    }
                    group.addTask {
                        for _ in 0..<5 {
                            try await Task.sleep(for: .milliseconds(20))
                            _ = try await killer.send(["CLIENT", "KILL", "TYPE", "normal"])
                        }
                        return (0, 0)
                    }
                    return try await group.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
                }
                #expect(outcomes.0 + outcomes.1 == 16 * 500)
                // A failed INCR may or may not have run; a successful one certainly did.
                let counter = try #require(try await connection.send(["GET", "under-load"]).int)
                #expect(counter >= outcomes.0)
                #expect(counter <= outcomes.0 + outcomes.1)
            }
        }
    }
}
