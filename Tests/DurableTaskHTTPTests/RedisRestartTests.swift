import AsyncHTTPClient
import DurableTask
import DurableTaskHTTP
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing

/// A durable HTTP call survives a host restart in the middle of polling, on the Redis task hub.
@Suite("Durable HTTP: restart on Redis", .timeLimit(.minutes(3)))
struct RedisRestartTests {
    static let quiet = Logger(label: "DurableTaskHTTPTests", factory: { _ in SwiftLogNoOpLogHandler() })

    static func connect(_ url: String, hub: String) async throws -> RedisOrchestrationStore {
        try await RedisOrchestrationStore.connect(
            url: url, configuration: .init(taskHub: hub, partitions: 2, leaseTimeout: .seconds(5), maxBlockingWait: .milliseconds(200)),
            poolSize: 2, logger: quiet)
    }

    /// A worker with its own registry: the durable HTTP activity over `client`, and `CallHttp`.
    static func worker(_ store: RedisOrchestrationStore, client: HTTPClient, destinations: DurableHTTPDestinations) -> DurableTaskWorker {
        var registry = TaskRegistry()
        registry.addDurableHTTP(client: client, configuration: DurableHTTPConfiguration(destinations: destinations))
        registry.addOrchestrator(CallHttp())
        return DurableTaskWorker(
            store: store, registry: registry, configuration: .init(lockWaitTimeout: .milliseconds(200)), logger: quiet)
    }

    @Test func aNewWorkerFinishesThePollingAfterTheFirstStopsMidPoll() async throws {
        let redis = try await RedisServer.start()
        defer { redis.stopNow() }
        let hub = "http-restart-" + RandomIdentifier.uuidString().prefix(8).lowercased()
        let jobFinished = Atomic<Bool>(false)
        try await withTestServer({ router in
            router.post("export") { _, _ in reply(202, headers: ["Location": "/export/status"]) }
            router.get("export/status") { _, _ in
                jobFinished.load(ordering: .relaxed) ? reply(200, body: "exported") : reply(202)
            }
        }) { http in
            let request = DurableHTTPRequest(
                method: "POST", url: http.url("/export"), body: "all",
                options: .init(timeout: .seconds(60), pollingInterval: .milliseconds(50)))

            // Host 1: start the call, stop gracefully once the server has seen a poll.
            let store1 = try await Self.connect(redis.url, hub: hub)
            try await store1.createTaskHub()
            let (id, pollsAtStop) = try await withHTTPClient { client in
                let worker1 = Self.worker(store1, client: client, destinations: onlyServer(http))
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await worker1.run() }
                    let id = try await DurableTaskClient(store: store1).scheduleNewOrchestration(CallHttp.self, input: request)
                    try await waitUntil("the first poll") { http.log.count("/export/status") >= 1 }
                    worker1.stop()
                    try await group.waitForAll()
                    return (id, http.log.count("/export/status"))
                }
            }
            #expect(try await DurableTaskClient(store: store1).getInstance(id)?.runtimeStatus == .running)
            await store1.close()
            try await Task.sleep(for: .milliseconds(300))
            #expect(http.log.count("/export/status") == pollsAtStop, "nothing polls while no host runs")

            // Host 2: a new store connection, registry, HTTP client and worker.
            let store2 = try await Self.connect(redis.url, hub: hub)
            defer { Task { await store2.close() } }
            let done = try await withHTTPClient { client in
                let worker2 = Self.worker(store2, client: client, destinations: onlyServer(http))
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await worker2.run() }
                    defer {
                        worker2.stop()
                        group.cancelAll()
                    }
                    try await waitUntil("a poll by the new host") { http.log.count("/export/status") > pollsAtStop }
                    jobFinished.store(true, ordering: .relaxed)
                    return try await DurableTaskClient(store: store2).waitForInstanceCompletion(id, timeout: .seconds(20))
                }
            }

            #expect(done.runtimeStatus == .completed)
            let response = try done.output(as: DurableHTTPResponse.self)
            #expect(response.statusCode == 200)
            #expect(response.body == "exported")
            #expect(http.log.count("/export") == 1, "the original request was sent once: its result was committed before the stop")
            let summary = try HistorySummary(try await DurableTaskClient(store: store2).getHistory(id))
            let polls = http.log.count("/export/status")
            #expect(polls > pollsAtStop && pollsAtStop >= 1)
            #expect(summary.httpActivities.count == 1 + polls, "every poll in history reached the server once: none lost, none repeated")
            #expect(summary.timersCreated.count == 1 + polls, "the deadline timer of the 60 s timeout, then one before each poll")
            #expect(summary.timersFired == polls, "every poll timer fired; the deadline did not")
        }
    }
}

/// Waits until `condition` holds, checking every 20 ms, for at most `timeout`.
func waitUntil(_ what: String, timeout: Duration = .seconds(20), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TestServerError(message: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(20))
    }
}
