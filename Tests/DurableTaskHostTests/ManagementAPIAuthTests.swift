@testable import DurableTaskHost
import DurableTask
import Testing

/// §8.3 and row 1 of the checklist: the system key.
@Suite(.timeLimit(.minutes(2)))
struct ManagementAPIAuthTests {
    static let key = "s3cr3t-key+/="

    /// Row 1: with a key configured, a missing or wrong key is 401 (JSON body), on every route,
    /// known or not; the right key works in the header or in `code`, and links carry it.
    @Test func keyIsRequiredWhenConfigured() async throws {
        try await withAPIServer(configuration: .init(systemKey: Self.key)) { server in
            try await server.schedule("APIGreet", id: "k1", input: "x")
            _ = try await server.waitDone("k1")
            for r in [
                try await server.get("/instances/k1"),
                try await server.get("/instances/k1?code=wrong"),
                try await server.get("/instances/k1", headers: [("x-functions-key", "wrong")]),
                try await server.get("/instances/k1", headers: [("x-functions-key", Self.key + "x")]),
                try await server.get("/instances/k1", headers: [("x-functions-key", "")]),
                // The header wins over a correct code.
                try await server.get("/instances/k1?code=\(CheckStatusLinks.formEncode(Self.key))", headers: [("x-functions-key", "wrong")]),
                try await server.post("/orchestrators/APIGreet/k2", body: #""x""#),
                try await server.get("/no/such/route"),
                try await server.delete("/instances/k1"),
            ] {
                try expectError(r, 401, "unauthorized")
            }
            #expect(try await server.client.getInstance("k2") == nil)
            #expect(try await server.client.getInstance("k1") != nil)

            let viaHeader = try await server.get("/instances/k1", headers: [("X-Functions-Key", Self.key)])
            #expect(viaHeader.status == 200)
            let viaCode = try await server.get("/instances/k1?code=\(CheckStatusLinks.formEncode(Self.key))")
            #expect(viaCode.status == 200)

            let started = try await server.post("/orchestrators/APIGreet/k3", body: #""y""#, headers: [("x-functions-key", Self.key)])
            #expect(started.status == 202)
            let link = try #require(try started.object()["statusQueryGetUri"] as? String)
            #expect(link.hasSuffix("&code=s3cr3t-key%2B%2F%3D"))
            // The generated link works on its own.
            _ = try await server.waitDone("k3")
            #expect(try await server.get(link).status == 200)
        }
    }

    /// Row 1: validate() refuses a non-loopback bind without a key, and makeApplication calls it.
    @Test(arguments: ["0.0.0.0", "192.168.1.10", "::", "example.com", ""])
    func nonLoopbackWithoutKeyIsRejected(_ host: String) throws {
        let config = ManagementAPI.Configuration(host: host)
        #expect(!config.bindsToLoopback)
        let error = try #require(throws: ManagementAPIConfigurationError.self) { try config.validate() }
        #expect(error.code == .keyRequired)
        let api = ManagementAPI(client: DurableTaskClient(store: InMemoryOrchestrationStore()), configuration: config, logger: apiQuietLogger)
        #expect(throws: ManagementAPIConfigurationError.self) { _ = try api.makeApplication() }
        // The host given to makeApplication is checked the same way.
        let loopback = ManagementAPI(client: DurableTaskClient(store: InMemoryOrchestrationStore()), logger: apiQuietLogger)
        #expect(throws: ManagementAPIConfigurationError.self) { _ = try loopback.makeApplication(host: host, port: 0) }
        // With a key it is fine.
        try ManagementAPI.Configuration(systemKey: "k", host: host).validate()
    }

    @Test(arguments: ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]", "::ffff:127.0.0.1"])
    func loopbackWithoutKeyIsAccepted(_ host: String) throws {
        let config = ManagementAPI.Configuration(host: host)
        #expect(config.bindsToLoopback)
        try config.validate()
    }

    @Test func otherInvalidConfigurations() throws {
        for config in [
            ManagementAPI.Configuration(systemKey: ""),
            ManagementAPI.Configuration(maxBodySize: 0),
            ManagementAPI.Configuration(port: 70_000),
            ManagementAPI.Configuration(basePath: "runtime"),
            ManagementAPI.Configuration(basePath: "/"),
        ] {
            let error = try #require(throws: ManagementAPIConfigurationError.self) { try config.validate() }
            #expect(error.code == .invalidValue)
        }
    }

    @Test func keyComparison() {
        #expect(KeyComparison.equal("abc", "abc"))
        #expect(!KeyComparison.equal("abc", "abd"))
        #expect(!KeyComparison.equal("ab", "abc"))
        #expect(!KeyComparison.equal("abcd", "abc"))
        #expect(!KeyComparison.equal("", "abc"))
        #expect(KeyComparison.equal("", ""))
    }
}
