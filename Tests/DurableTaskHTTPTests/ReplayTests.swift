import DurableTask
import DurableTaskHTTP
import DurableTaskTesting
import Foundation
import Hummingbird
import Synchronization
import Testing

/// With the runner cache off, every turn replays the call from history: the polling loop, the
/// retry timers, the deadline timer and the Retry-After arithmetic must all match the record.
@Suite("Durable HTTP: replay", .timeLimit(.minutes(2)))
struct ReplayTests {
    @Test func aCallWithPollsRetriesAndATimeoutReplaysEveryTurn() async throws {
        let polls = Atomic<Int>(0)
        try await withDurableHTTP(routes: { router in
            router.post("batch") { _, _ in reply(202, headers: ["Location": "status/1", "Retry-After": "0"]) }
            router.get("status/1") { _, _ in
                switch polls.add(1, ordering: .relaxed).newValue {
                case 1: return reply(503)
                default: return reply(202, headers: ["Location": "/batch/2/status"])
                }
            }
            router.get("batch/2/status") { _, _ in reply(200, body: "batch done") }
        }, workerConfiguration: .init(runnerCacheCapacity: 0, lockWaitTimeout: .milliseconds(200))) { server, host in
            let retry = DurableHTTPRetryOptions(maxAttempts: 3, firstRetryInterval: .milliseconds(30))
            let done = try await host.callHttp(DurableHTTPRequest(
                method: "POST", url: server.url("/batch"),
                options: .init(timeout: .seconds(30), pollingInterval: .milliseconds(30), retry: retry)))
            #expect(done.runtimeStatus == .completed, "\(String(describing: done.failureDetails))")
            #expect(try done.output(as: DurableHTTPResponse.self).body == "batch done")
            // /status/1: a 503 (retried after a durable timer), then a 202 that moves the location.
            #expect(server.log.all.map(\.path) == ["/batch", "/status/1", "/status/1", "/batch/2/status"])
            let summary = try await host.summary(done.instanceId)
            #expect(summary.httpActivities.map(\.attempt) == [1, 1, 2, 1])
            // Deadline, retry delay, poll interval after the second 202. Retry-After: 0 polls at once.
            #expect(summary.timersCreated.count == 3)
            #expect(summary.timersFired == 2)
        }
    }
}
