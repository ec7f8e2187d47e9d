import AsyncHTTPClient
import DurableTask
import DurableTaskHTTP
import DurableTaskTesting
import Foundation
import Hummingbird
import Synchronization
import Testing

/// The total timeout and retries (delays are durable timers).
@Suite("Durable HTTP: timeout and retry", .timeLimit(.minutes(2)))
struct TimeoutAndRetryTests {
    @Test func theTotalTimeoutEndsPollingWithACatchableError() async throws {
        try await withDurableHTTP(routes: { router in
            router.post("slowjob") { _, _ in reply(202, headers: ["Location": "/slowjob/status"]) }
            router.get("slowjob/status") { _, _ in reply(202) }
        }) { server, host in
            let request = DurableHTTPRequest(
                method: "POST", url: server.url("/slowjob"), options: .init(timeout: .seconds(6), pollingInterval: .milliseconds(40)))
            let started = ContinuousClock.now
            let caught = try await host.callHttpCatching(request)
            #expect(ContinuousClock.now - started < .seconds(15))
            #expect(caught.errorType == "DurableHTTPTimeoutError")
            #expect(caught.lastStatus == 202)
            let polls = try #require(caught.polls)
            #expect(polls >= 1)
            #expect(polls <= server.log.count("/slowjob/status"), "every poll the orchestrator counted reached the server")

            let failed = try await host.callHttp(request)
            #expect(failed.runtimeStatus == .failed)
            #expect(failed.failureDetails?.errorType == DurableHTTPTimeoutError.failureType)
            #expect(failed.failureDetails?.errorMessage.contains("timed out after") == true)
            let summary = try await host.summary(failed.instanceId)
            let deadlineTimer = try #require(summary.timersCreated.first)
            #expect(abs(deadlineTimer.fireAt.timeIntervalSince(deadlineTimer.turnStart) - 6) < 0.001, "one durable timer marks the deadline")
        }
    }

    @Test func theTotalTimeoutBoundsARequestThatHangs() async throws {
        try await withDurableHTTP(routes: { router in
            router.get("hang") { _, _ in
                try await Task.sleep(for: .seconds(10))
                return reply(200)
            }
        }) { server, host in
            let started = ContinuousClock.now
            let caught = try await host.callHttpCatching(DurableHTTPRequest(url: server.url("/hang"), options: .init(timeout: .milliseconds(300))))
            #expect(caught.errorType == "DurableHTTPTimeoutError", "\(caught)")
            #expect(caught.polls == 0)
            #expect(ContinuousClock.now - started < .seconds(6), "the call did not wait for the 10-second hang")
        }
    }

    @Test func retriesA503ThenSucceeds() async throws {
        let calls = Atomic<Int>(0)
        try await withDurableHTTP(routes: { router in
            router.get("flaky") { _, _ in
                calls.add(1, ordering: .relaxed).newValue <= 2 ? reply(503, body: "busy") : reply(200, body: "ok")
            }
        }) { server, host in
            let retry = DurableHTTPRetryOptions(maxAttempts: 4, firstRetryInterval: .milliseconds(50), backoffCoefficient: 2)
            let done = try await host.callHttp(DurableHTTPRequest(url: server.url("/flaky"), options: .init(retry: retry)))
            let response = try done.output(as: DurableHTTPResponse.self)
            #expect(response.statusCode == 200)
            #expect(response.body == "ok")
            #expect(server.log.count("/flaky") == 3)
            let summary = try await host.summary(done.instanceId)
            #expect(summary.httpActivities.map(\.attempt) == [1, 2, 3])
            #expect(summary.taskFailures == ["DurableHTTPError.retriableStatus", "DurableHTTPError.retriableStatus"])
            #expect(summary.timersCreated.count == 2, "retry delays are durable timers")
            let delays = summary.timerDelays
            #expect(delays.count == 2 && abs(delays[0] - 0.05) < 0.001 && abs(delays[1] - 0.1) < 0.001, "backoff: \(delays)")
        }
    }

    @Test func exhaustedRetriesReturnTheLastResponse() async throws {
        try await withDurableHTTP(routes: { router in
            router.get("down") { _, _ in reply(503, headers: ["X-Attempt": "last"], body: "still busy") }
        }) { server, host in
            let retry = DurableHTTPRetryOptions(maxAttempts: 2, firstRetryInterval: .milliseconds(20))
            let done = try await host.callHttp(DurableHTTPRequest(url: server.url("/down"), options: .init(retry: retry)))
            #expect(done.runtimeStatus == .completed)
            let response = try done.output(as: DurableHTTPResponse.self)
            #expect(response.statusCode == 503)
            #expect(response.body == "still busy")
            #expect(response.header("x-attempt") == "last")
            #expect(server.log.count("/down") == 2)
        }
    }

    @Test func aStatusNotListedIsNotRetried() async throws {
        try await withDurableHTTP(routes: { router in
            router.get("teapot") { _, _ in reply(418) }
        }) { server, host in
            let retry = DurableHTTPRetryOptions(maxAttempts: 3, firstRetryInterval: .milliseconds(10), statusCodes: [503])
            let done = try await host.callHttp(DurableHTTPRequest(url: server.url("/teapot"), options: .init(retry: retry)))
            #expect(try done.output(as: DurableHTTPResponse.self).statusCode == 418)
            #expect(server.log.count("/teapot") == 1)
        }
    }

    @Test func transportFailuresAreRetriedThenReported() async throws {
        // Port 1 on loopback refuses connections; the list admits any port there. The client
        // fails a refused connection at once instead of retrying it until its connect timeout.
        var clientConfiguration = DurableHTTPConfiguration.recommendedClientConfiguration
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        try await withDurableHTTP(
            routes: { _ in },
            destinations: { _ in .only([.http("127.0.0.1", port: .any)]) },
            clientConfiguration: clientConfiguration
        ) { _, host in
            let retry = DurableHTTPRetryOptions(maxAttempts: 2, firstRetryInterval: .milliseconds(20))
            let request = DurableHTTPRequest(url: "http://127.0.0.1:1/nothing", options: .init(retry: retry))
            let caught = try await host.callHttpCatching(request)
            #expect(caught.errorType == "DurableHTTPError")
            #expect(caught.code == "transport", "\(caught)")
            #expect(caught.isNonRetriable == false)
            let id = try await host.client.scheduleNewOrchestration(CallHttp.self, input: request)
            let failed = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(20))
            #expect(failed.failureDetails?.errorType == "DurableHTTPError.transport")
            let summary = try await host.summary(id)
            #expect(summary.httpActivities.map(\.attempt) == [1, 2])
            #expect(summary.timersCreated.count == 1)
        }
    }
}
