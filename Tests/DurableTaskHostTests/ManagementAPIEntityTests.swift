import DurableTask
import DurableTaskHost
import DurableTaskTesting
import Foundation
import NIOHTTP1
import Testing

/// §4.9–§4.11, rows 30–35: entity routes through the real server.
@Suite("Management API: entities", .timeLimit(.minutes(3)))
struct ManagementAPIEntityTests {
    /// Waits (bounded) until the entity's state satisfies `condition`.
    func waitForState(_ server: APIServer, _ id: EntityID, _ condition: (TestCounter.State?) -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let state = try await server.client.getEntity(id).map { try $0.state(as: TestCounter.State.self) }
            if condition(state) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("entity \(id) did not reach the expected state")
    }

    /// Rows 30, 31, 33: signal with and without a body, DELETE signals `delete`, GET reads the state itself.
    @Test func signalReadAndDelete() async throws {
        try await withAPIServer { server in
            let id = TestCounter.id("cats")
            let first = try await server.post("/entities/TestCounter/cats?op=add", body: "5", contentType: "application/json")
            #expect(first.status == 202)
            #expect(first.body.isEmpty)
            try await waitForState(server, id) { $0?.value == 5 }
            // Without a content type the body is sent as a JSON string.
            #expect(try await server.post("/entities/testcounter/cats?op=append", body: "plain text").status == 202)
            try await waitForState(server, id) { $0?.log == ["plain text"] }
            // No body at all: no input.
            #expect(try await server.post("/entities/testcounter/cats?op=get").status == 202)

            let read = try await server.get("/entities/testcounter/cats")
            #expect(read.status == 200)
            let state = try read.object()
            #expect(state["value"] as? Int == 5)
            #expect(state["log"] as? [String] == ["plain text"])

            let deleted = try await server.delete("/entities/testcounter/cats")
            #expect(deleted.status == 202)
            try await waitForState(server, id) { $0 == nil }
            try expectError(try await server.get("/entities/testcounter/cats"), 404, "not_found")
            try expectError(try await server.get("/entities/testcounter/never"), 404, "not_found")
        }
    }

    /// Our addition: an operator breaks a stuck lock over HTTP; the entity records who held it and why.
    @Test func breakLock() async throws {
        try await withAPIServer { server in
            let id = TestCounter.id("stuck")
            #expect(try await server.post("/entities/testcounter/stuck?op=add", body: "1", contentType: "application/json").status == 202)
            try await waitForState(server, id) { $0?.value == 1 }
            let holder = try await server.client.scheduleNewOrchestration(named: "WaitEvent", input: 1)
            _ = try await server.client.waitForInstanceStart(holder, timeout: .seconds(10))
            try await ConformanceSuite.forgeLock(on: id, from: holder, server.store)
            #expect(try await server.post("/entities/testcounter/stuck?op=add", body: "2", contentType: "application/json").status == 202)
            let broken = try await server.post("/entities/testcounter/stuck/breakLock?reason=ticket%2042")
            #expect(broken.status == 202)
            try await waitForState(server, id) { $0?.value == 3 }
            let entity = try #require(try await server.client.getEntity(id))
            #expect(entity.lockBreaks.map(\.holder) == [holder])
            #expect(entity.lockBreaks.map(\.reason) == ["ticket 42"])
            try expectError(try await server.post("/entities/testcounter/a%23b/breakLock"), 400, "bad_request")
        }
    }

    /// Row 33: the key `$` is the empty key.
    @Test func dollarIsTheEmptyKey() async throws {
        try await withAPIServer { server in
            #expect(try await server.post("/entities/testcounter?op=add", body: "2", contentType: "application/json").status == 202)
            try await waitForState(server, TestCounter.id("")) { $0?.value == 2 }
            let read = try await server.get("/entities/testcounter/$")
            #expect(read.status == 200)
            #expect(try read.object()["value"] as? Int == 2)
        }
    }

    /// Row 32: name missing, bad key, invalid JSON, unknown entity type; nothing is stored.
    @Test func badSignals() async throws {
        try await withAPIServer { server in
            try expectError(try await server.post("/entities?op=add", body: "1", contentType: "application/json"), 400, "bad_request")
            try expectError(try await server.post("/entities/testcounter/a%23b?op=add", body: "1", contentType: "application/json"), 400, "bad_request")
            try expectError(try await server.post("/entities/testcounter/a%01b?op=add"), 400, "bad_request")
            // A key that would make the entity's instance ID longer than any instance ID may be.
            try expectError(
                try await server.post("/entities/testcounter/\(String(repeating: "k", count: 300))?op=add"), 400, "bad_request")
            try expectError(try await server.post("/entities/testcounter/k?op=add", body: "{nope", contentType: "application/json"), 400, "invalid_json")
            try expectError(try await server.post("/entities/nosuchentity/k?op=add"), 400, "unknown_function")
            let page = try await server.client.queryInstances(InstanceQuery(instanceIdPrefix: "@"))
            #expect(page.instances.isEmpty, "refused signals create nothing")
            try expectError(try await server.send(.PUT, "/entities/testcounter/k"), 404, "not_found")
        }
    }

    /// Row 34: list with and without a name, fetchState, top with the continuation header loop, time filter.
    @Test func listEntitiesWithPaging() async throws {
        try await withAPIServer { server in
            for i in 0..<5 {
                _ = try await server.post("/entities/testcounter/k\(i)?op=add", body: "\(i + 1)", contentType: "application/json")
            }
            _ = try await server.post("/entities/testaccount/a?op=deposit", body: "9", contentType: "application/json")
            for i in 0..<5 { try await waitForState(server, TestCounter.id("k\(i)")) { $0?.value == i + 1 } }
            let deadline = ContinuousClock.now + .seconds(10)
            while try await server.client.getEntity(TestAccount.id("a")) == nil && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }

            let all = try await server.get("/entities")
            #expect(all.status == 200)
            #expect(try all.array().count == 6)

            var seen: [[String: Any]] = []
            var token: String?
            repeat {
                let page = try await server.get("/entities/TestCounter?top=2&fetchState=true",
                                                headers: token.map { [("x-ms-continuation-token", $0)] } ?? [])
                #expect(page.status == 200)
                let items = try page.array()
                #expect(items.count <= 2)
                seen += items
                token = page.header("x-ms-continuation-token").flatMap { $0.isEmpty ? nil : $0 }
            } while token != nil
            #expect(seen.count == 5)
            let ids = seen.compactMap { $0["entityId"] as? [String: String] }
            #expect(Set(ids.compactMap { $0["key"] }) == Set((0..<5).map { "k\($0)" }))
            #expect(ids.allSatisfy { $0["name"] == "testcounter" })
            let values = seen.compactMap { ($0["state"] as? [String: Any])?["value"] as? Int }.sorted()
            #expect(values == [1, 2, 3, 4, 5])
            #expect(seen.allSatisfy { ($0["lastOperationTime"] as? String)?.hasSuffix("Z") == true })

            let bare = try await server.get("/entities/testaccount")
            let items = try bare.array()
            #expect(items.count == 1)
            #expect(items.first?["state"] is NSNull, "state is null without fetchState")

            let future = try await server.get("/entities?lastOperationTimeFrom=2999-01-01T00:00:00Z")
            #expect(try future.array().isEmpty)
            try expectError(try await server.get("/entities?top=0"), 400, "bad_request")
        }
    }
}
