import AsyncHTTPClient
import DurableTask
import DurableTaskHost
import DurableTaskTesting
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import Testing

/// §2 and §9 path handling, rows 2 and 35, task hubs, entities, body limits, internal errors.
@Suite(.timeLimit(.minutes(2)))
struct ManagementAPIRoutingTests {
    /// Row 2: unknown paths and wrong methods for a matched template are 404 not_found (JSON).
    @Test func unknownRoutesAndWrongMethodsAre404() async throws {
        try await withAPIServer { server in
            try await server.schedule("APIGreet", id: "x1", input: "a")
            _ = try await server.waitDone("x1")
            let cases: [(HTTPMethod, String)] = [
                (.GET, "/"), (.GET, ""), (.GET, "/nothing"), (.GET, "/orchestrators/APIGreet"), (.DELETE, "/orchestrators/APIGreet/x9"),
                (.POST, "/orchestrators"), (.POST, "/orchestrators/APIGreet/x9/extra"), (.POST, "/instances"),
                (.PUT, "/instances"), (.PATCH, "/instances/x1"), (.POST, "/instances/x1"), (.GET, "/instances/x1/terminate"),
                (.DELETE, "/instances/x1/terminate"), (.POST, "/instances/x1/explode"), (.GET, "/instances/x1/raiseEvent/go"),
                (.POST, "/instances/x1/raiseEvent"), (.POST, "/instances/x1/raiseEvent/go/more"), (.POST, "/instances/x1//terminate"),
                (.PUT, "/entities/counter/k"), (.GET, "/entities/a/b/c"), (.GET, "/makeprimary"), (.HEAD, "/instances"),
                (.GET, "\(server.origin)/api/orchestrators"), (.GET, "\(server.origin)/runtime/webhooks/other/instances"),
            ]
            for (method, path) in cases {
                let r = try await server.send(method, path)
                #expect(r.status == 404, "\(method) \(path): \(r.status)")
                if method != .HEAD { try expectError(r, 404, "not_found") }
            }
            // The instance was not touched.
            #expect(try await server.client.getInstance("x1")?.runtimeStatus == .completed)
            #expect(try await server.client.getInstance("x9") == nil)
        }
    }

    /// §2 / §9: literal segments, the base path and operation names are case-insensitive; a
    /// trailing slash is trimmed; segments are percent-decoded one by one and `+` stays `+`.
    @Test func pathHandling() async throws {
        try await withAPIServer { server in
            let r = try await server.post("\(server.origin)/RUNTIME/WebHooks/durableTask/ORCHESTRATORS/APIGreet/a+b%20c/", body: #""x""#)
            #expect(r.status == 202)
            #expect(try r.object()["id"] as? String == "a+b c")
            _ = try await server.waitDone("a+b c")
            #expect(try await server.get("/instances/a+b%20c").status == 200)
            #expect(try await server.get("/%69nstances/a%2Bb%20c/").status == 200)
            try expectError(try await server.get("/instances/a%20b%20c"), 404, "not_found")
            #expect(try await server.get("/instances/").status == 200)
            #expect(try await server.get("/Instances").status == 200)
            // Malformed escapes are refused with 400 (ManagementAPIRouteTests); AsyncHTTPClient cannot send them.
        }
    }

    /// §9: a taskHub naming another hub is 404 unknown_task_hub; ours (any case) is served.
    @Test func unknownTaskHub() async throws {
        try await withAPIServer(configuration: .init(taskHub: "Orders")) { server in
            try expectError(try await server.get("/instances?taskHub=billing"), 404, "unknown_task_hub")
            try expectError(try await server.post("/orchestrators/APIGreet/h1?taskHub=billing", body: #""x""#), 404, "unknown_task_hub")
            #expect(try await server.client.getInstance("h1") == nil)
            #expect(try await server.get("/instances?taskHub=orders").status == 200)
            #expect(try await server.get("/instances?taskHub=%20").status == 200)
            #expect(try await server.post("/orchestrators/APIGreet/h2?taskHub=Orders&connection=whatever", body: #""x""#).status == 202)
        }
    }

    /// A body over the limit is 413 payload_too_large, with or without Content-Length; at the
    /// limit it is accepted. The server keeps serving afterwards.
    @Test func bodyTooLarge() async throws {
        try await withAPIServer(configuration: .init(maxBodySize: 64)) { server in
            let big = jsonQuote(String(repeating: "x", count: 100))
            try expectError(try await server.post("/orchestrators/APIGreet/b1", body: big), 413, "payload_too_large")
            try expectError(
                try await server.send(.POST, "/orchestrators/APIGreet/b1", body: big, chunked: true), 413, "payload_too_large")
            try expectError(
                try await server.send(.POST, "/instances/none/raiseEvent/go", body: big, contentType: "application/json"), 404, "not_found")
            #expect(try await server.client.getInstance("b1") == nil)
            let fits = jsonQuote(String(repeating: "x", count: 62))
            #expect(fits.utf8.count == 64)
            #expect(try await server.post("/orchestrators/APIGreet/b2", body: fits).status == 202)
        }
        // The default limit is 1 MiB.
        try await withAPIServer { server in
            let big = jsonQuote(String(repeating: "y", count: 1 << 20))
            try expectError(try await server.post("/orchestrators/APIGreet/b3", body: big), 413, "payload_too_large")
            #expect(try await server.get("/instances").status == 200)
        }
    }

    /// Mounted on a host's own router, the API takes the requests under its base path (routes
    /// and errors alike) and leaves the others to the router.
    @Test func middlewareOnAHostRouter() async throws {
        try await TestHost.run(store: InMemoryOrchestrationStore(), register: APITestOrchestrations.register) { host in
            let api = ManagementAPI(client: host.client, logger: apiQuietLogger)
            let router = Router()
            api.addRoutes(to: router)
            router.get("/health") { _, _ in "ok" }
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: apiQuietLogger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { continuation.finish() }
                    try await app.run()
                }
                defer { group.cancelAll() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                let server = APIServer(client: host.client, port: port, configuration: api.configuration)
                let health = try await server.get("\(server.origin)/health")
                #expect(health.status == 200)
                #expect(health.text == "ok")
                let started = try await server.post("/orchestrators/APIGreet/m1", body: #""Nice""#)
                #expect(started.status == 202)
                #expect(try await server.waitDone("m1").output == #""Hello Nice!""#)
                try expectError(try await server.get("/instances/none"), 404, "not_found")
                try expectError(try await server.get("/whatever"), 404, "not_found")
                #expect(try await server.get("\(server.origin)/elsewhere").status == 404)
            }
        }
    }

    /// Row 35 for 500: an unexpected store error is 500 internal with no details; it is logged,
    /// and the server keeps serving.
    @Test func unexpectedErrorsAre500() async throws {
        let store = FaultyStore(failing: "explode")
        try await withAPIServer(store: store) { server in
            let r = try await server.get("/instances/explode")
            try expectError(r, 500, "internal")
            #expect(!r.text.contains("disk on fire"))
            try expectError(try await server.post("/instances/explode/terminate"), 500, "internal")
            let ok = try await server.post("/orchestrators/APIGreet/fine", body: #""x""#)
            #expect(ok.status == 202)
            #expect(try await server.waitDone("fine").runtimeStatus == .completed)
        }
    }
}

/// The in-memory store, except that reading one instance fails with an unexpected error.
final class FaultyStore: OrchestrationStore {
    let inner = InMemoryOrchestrationStore()
    let failing: String
    init(failing: String) { self.failing = failing }

    struct Fault: Error, CustomStringConvertible { var description: String { "disk on fire" } }

    func getInstance(_ instanceId: String) async throws -> OrchestrationMetadata? {
        if instanceId == failing { throw Fault() }
        return try await inner.getInstance(instanceId)
    }

    func createTaskHub() async throws { try await inner.createTaskHub() }
    func deleteTaskHub() async throws { try await inner.deleteTaskHub() }
    func createInstance(_ request: CreateInstanceRequest) async throws -> CreateInstanceResult { try await inner.createInstance(request) }
    func sendMessage(_ message: OrchestrationMessage) async throws { try await inner.sendMessage(message) }
    func lockNextOrchestrationWorkItem(timeout: Duration) async throws -> OrchestrationWorkItem? {
        try await inner.lockNextOrchestrationWorkItem(timeout: timeout)
    }
    func readHistory(instanceId: String) async throws -> [HistoryEvent] { try await inner.readHistory(instanceId: instanceId) }
    func completeOrchestrationWorkItem(_ item: OrchestrationWorkItem, result: OrchestrationTurnResult) async throws {
        try await inner.completeOrchestrationWorkItem(item, result: result)
    }
    func abandonOrchestrationWorkItem(_ item: OrchestrationWorkItem, reason: AbandonReason) async throws {
        try await inner.abandonOrchestrationWorkItem(item, reason: reason)
    }
    func lockNextActivityWorkItem(timeout: Duration) async throws -> ActivityWorkItem? { try await inner.lockNextActivityWorkItem(timeout: timeout) }
    func completeActivityWorkItem(_ item: ActivityWorkItem, result: HistoryEvent) async throws {
        try await inner.completeActivityWorkItem(item, result: result)
    }
    func abandonActivityWorkItem(_ item: ActivityWorkItem, reason: AbandonReason) async throws {
        try await inner.abandonActivityWorkItem(item, reason: reason)
    }
    func renewActivityWorkItemLease(_ item: ActivityWorkItem) async throws { try await inner.renewActivityWorkItemLease(item) }
    func waitForInstance(_ instanceId: String, condition: InstanceWaitCondition, timeout: Duration) async throws -> OrchestrationMetadata? {
        try await inner.waitForInstance(instanceId, condition: condition, timeout: timeout)
    }
    func queryInstances(_ query: InstanceQuery) async throws -> InstanceQueryResult { try await inner.queryInstances(query) }
    func purgeInstance(_ instanceId: String) async throws -> Bool { try await inner.purgeInstance(instanceId) }
    func purgeInstances(_ filter: PurgeInstancesFilter) async throws -> Int { try await inner.purgeInstances(filter) }
    func rewindInstance(_ message: OrchestrationMessage) async throws { try await inner.rewindInstance(message) }
    func runMaintenance() async throws { try await inner.runMaintenance() }
}
