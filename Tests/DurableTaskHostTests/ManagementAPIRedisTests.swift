import DurableTask
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Logging
import Testing

/// The management API on the Redis task hub (a private redis-server): row 7's start race, and
/// status, list and purge rows.
@Suite(.timeLimit(.minutes(3)))
struct ManagementAPIRedisTests {
    /// Runs `body` with a server on a fresh Redis task hub.
    func withRedisAPI(_ body: (APIServer) async throws -> Void) async throws {
        let server = try await RedisServer.start(.init(unixSocket: false))
        defer { server.stopNow() }
        let store = try await RedisOrchestrationStore.connect(
            url: server.url,
            configuration: .init(taskHub: "api-" + RandomIdentifier.uuidString().prefix(8), partitions: 2, maxBlockingWait: .milliseconds(200)),
            poolSize: 4, logger: apiQuietLogger)
        do {
            try await store.createTaskHub()
            try await withAPIServer(store: store, body)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    /// With Redis down, requests answer 503 with `Retry-After` and a JSON error that says a write
    /// may or may not have taken effect, never 500.
    @Test func redisOutageIs503WithRetryAfter() async throws {
        let server = try await RedisServer.start(.init(unixSocket: false))
        defer { server.stopNow() }
        let store = try await RedisOrchestrationStore.connect(
            url: server.url,
            configuration: .init(taskHub: "outage-" + RandomIdentifier.uuidString().prefix(8), partitions: 2, maxBlockingWait: .milliseconds(200)),
            poolSize: 2, logger: apiQuietLogger)
        defer { Task { await store.close() } }
        try await store.createTaskHub()
        try await withAPIServer(store: store) { api in
            #expect(try await api.post("/orchestrators/APIGreet/up1", body: #""x""#, contentType: "application/json").status == 202)
            await server.kill9()
            let read = try await api.get("/instances/up1")
            #expect(read.status == 503)
            #expect(read.header("Retry-After") == "5")
            let error = try read.object()
            #expect(error["error"] as? String == "store_unavailable")
            let start = try await api.post("/orchestrators/APIGreet/up2", body: #""x""#, contentType: "application/json")
            #expect(start.status == 503)
            #expect(start.header("Retry-After") == "5")
            #expect((try start.object()["message"] as? String)?.contains("may or may not have taken effect") == true)
        }
    }

    /// Row 7: of 10 concurrent starts of one id, exactly one gets 202 and the rest 409 conflict;
    /// the store holds the one instance. A finished one is then replaced (row 4).
    @Test func concurrentStartsOfOneIdRace() async throws {
        try await withRedisAPI { server in
            let statuses = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for i in 0..<10 {
                    group.addTask {
                        let r = try await server.post("/orchestrators/APIWaitEvent/race-1", body: String(i + 1))
                        return (r.status, r.status == 409 ? try r.object()["error"] as? String ?? "" : "")
                    }
                }
                var all: [(Int, String)] = []
                for try await s in group { all.append(s) }
                return all
            }
            #expect(statuses.filter { $0.0 == 202 }.count == 1)
            #expect(statuses.filter { $0.0 == 409 && $0.1 == "conflict" }.count == 9)
            let live = try await server.waitFor("race-1", .running)
            let page = try await server.client.queryInstances(.init())
            #expect(page.instances.map(\.instanceId) == ["race-1"])
            try expectError(try await server.post("/orchestrators/APIWaitEvent/race-1"), 409, "conflict")

            let raised = try await server.post("/instances/race-1/raiseEvent/go", body: #"{"n":1,"tag":"r"}"#, contentType: "application/json")
            #expect(raised.status == 202)
            let count = try #require(live.input.flatMap { Int($0) })
            let done: OrchestrationMetadata
            if count == 1 {
                done = try await server.waitDone("race-1")
            } else {
                for _ in 1..<count {
                    _ = try await server.post("/instances/race-1/raiseEvent/go", body: #"{"n":1,"tag":"r"}"#, contentType: "application/json")
                }
                done = try await server.waitDone("race-1")
            }
            #expect(done.runtimeStatus == .completed)
            let again = try await server.post("/orchestrators/APIGreet/race-1", body: #""again""#)
            #expect(again.status == 202)
            #expect(try await server.waitDone("race-1").output == #""Hello again!""#)
        }
    }

    /// Rows 10, 11, 13, 14, 16 and 17 on Redis.
    @Test func statusListAndPurge() async throws {
        try await withRedisAPI { server in
            for i in 0..<3 {
                #expect(try await server.post("/orchestrators/APIGreet/g-\(i)", body: jsonQuote("c\(i)")).status == 202)
            }
            #expect(try await server.post("/orchestrators/APIWaitEvent/w-0").status == 202)
            for i in 0..<3 { _ = try await server.waitDone("g-\(i)") }
            _ = try await server.waitFor("w-0", .running)

            let done = try await server.get("/instances/g-0?showHistory=true&showHistoryOutput=true")
            #expect(done.status == 200)
            let o = try done.object()
            #expect(o["output"] as? String == "Hello c0!")
            #expect(o["input"] as? String == "c0")
            let events = try #require(o["historyEvents"] as? [[String: Any]])
            #expect(events.compactMap { $0["EventType"] as? String } == ["ExecutionStarted", "TaskCompleted", "ExecutionCompleted"])
            #expect(events[1]["Result"] as? String == "Hello c0!")

            let live = try await server.get("/instances/w-0")
            #expect(live.status == 202)
            #expect(live.header("Retry-After") == "5")
            try expectError(try await server.get("/instances/none"), 404, "not_found")

            #expect(try Set(await server.get("/instances?runtimeStatus=Completed").array().compactMap { $0["instanceId"] as? String })
                == ["g-0", "g-1", "g-2"])
            var seen: [String] = []
            var token: String?
            var pages = 0
            repeat {
                let page = try await server.get("/instances?top=1", headers: token.map { [("x-ms-continuation-token", $0)] } ?? [])
                #expect(page.status == 200)
                seen += try page.array().compactMap { $0["instanceId"] as? String }
                token = page.header("x-ms-continuation-token")
                pages += 1
            } while token != nil && pages < 10
            #expect(Set(seen) == ["g-0", "g-1", "g-2", "w-0"])
            #expect(seen.count == 4)

            #expect(try await server.delete("/instances/g-0").text == #"{"instancesDeleted":1}"#)
            #expect(try await server.client.getInstance("g-0") == nil)
            try expectError(try await server.delete("/instances/w-0"), 409, "invalid_state")
            let many = try await server.delete("/instances?createdTimeFrom=2000-01-01")
            #expect(try many.object()["instancesDeleted"] as? Int == 2)
            #expect(try await server.client.getInstance("w-0")?.runtimeStatus == .running)
        }
    }
}
