import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Testing

@Suite("AUTH, SELECT and unix sockets", .timeLimit(.minutes(2)))
struct AuthAndDatabaseTests {
    @Test func aclUserAndDatabaseSelection() async throws {
        try await withServerAndPool { server, pool in
            #expect(try await pool.send(["ACL", "SETUSER", "alice", "on", ">s3cret", "~*", "&*", "+@all"]) == .status("OK"))

            try await withConnection("redis://alice:s3cret@127.0.0.1:\(server.port)/3") { alice in
                #expect(try await alice.send(["ACL", "WHOAMI"]) == "alice")
                #expect(try await alice.send(["SET", "db-key", "in-three"]) == .status("OK"))
                let info = try await alice.send(["CLIENT", "INFO"]).string ?? ""
                #expect(info.contains(" db=3 "))
                #expect(info.contains(" user=alice "))
            }
            // The key landed in database 3, not in database 0.
            #expect(try await pool.send(["GET", "db-key"]) == .null)
            try await withConnection("redis://127.0.0.1:\(server.port)/3") { (dbThree) async throws in
                #expect(try await dbThree.send(["GET", "db-key"]) == "in-three")
                #expect(try await dbThree.send(["ACL", "WHOAMI"]) == "default")
            }

            let wrong = await expectRedisError {
                try await withConnection("redis://alice:wrong@127.0.0.1:\(server.port)") { _ in }
            }
            #expect(wrong?.code == .authenticationFailed)
            #expect(wrong?.message.contains("WRONGPASS") == true)
        }
    }

    @Test func passwordOnlyAuthentication() async throws {
        try await withRedisServer(.init(unixSocket: false, password: "hunter2")) { server in
            try await withConnection("redis://:hunter2@127.0.0.1:\(server.port)") { (connection) async throws in
                #expect(try await connection.send("PING") == .status("PONG"))
                #expect(try await connection.send(["ACL", "WHOAMI"]) == "default")
            }
            try await withConnection(server.url) { unauthenticated in
                let error = await expectRedisError { _ = try await unauthenticated.send("PING") }
                #expect(error?.serverErrorPrefix == "NOAUTH")
            }
        }
    }

    @Test func unixSocketWithDatabaseAndACLQuery() async throws {
        try await withServerAndPool { server, pool in
            let socketPath = try #require(server.unixSocketPath)
            _ = try await pool.send(["ACL", "SETUSER", "sock", "on", ">pw", "~*", "&*", "+@all"])

            try await withConnection("unix://\(socketPath)?db=2") { connection in
                #expect(try await connection.send("PING") == .status("PONG"))
                let info = try await connection.send(["CLIENT", "INFO"]).string ?? ""
                #expect(info.contains(socketPath))
                #expect(info.contains(" db=2 "))
                _ = try await connection.send(["SET", "via-unix", "yes"])
            }
            try await withConnection("unix://\(socketPath)?user=sock&password=pw&db=2") { (connection) async throws in
                #expect(try await connection.send(["ACL", "WHOAMI"]) == "sock")
                #expect(try await connection.send(["GET", "via-unix"]) == "yes")
            }
            try await withConnection("unix://sock:pw@\(socketPath)") { (connection) async throws in
                #expect(try await connection.send(["ACL", "WHOAMI"]) == "sock")
                #expect(try await connection.send(["GET", "via-unix"]) == .null)
            }
        }
    }

    @Test func hostNamesAndClientNames() async throws {
        try await withServerAndPool { server, _ in
            try await withConnection("redis://localhost:\(server.port)", configure: { $0.clientName = "engine-worker" }) { (connection) async throws in
                #expect(try await connection.send(["CLIENT", "GETNAME"]) == "engine-worker")
            }
        }
    }

    @Test func connectingToAClosedPortFails() async throws {
        let port = try await withRedisServer(.init(unixSocket: false)) { $0.port }
        // The server is stopped now; nothing listens on its port.
        let error = await expectRedisError {
            try await withConnection("redis://127.0.0.1:\(port)") { _ in }
        }
        #expect(error?.code == .connectionFailed)
    }
}
