import DurableTask
import DurableTaskHTTP
import DurableTaskTesting
import Foundation
import Hummingbird
import Synchronization
import Testing

/// The asynchronous 202 pattern: polling `Location` on durable timers.
@Suite("Durable HTTP: 202 polling", .timeLimit(.minutes(2)))
struct AsyncPatternTests {
    @Test func pollsWithRetryAfterSeconds() async throws {
        let polls = Atomic<Int>(0)
        try await withDurableHTTP(routes: { router in
            router.post("jobs") { request, _ in
                // An absolute Location, built from the Host the client sent.
                reply(202, headers: ["Location": "http://\(request.head.authority ?? "?")/jobs/1/status", "Retry-After": "1"])
            }
            router.get("jobs/1/status") { _, _ in
                let n = polls.add(1, ordering: .relaxed).newValue
                return n < 2 ? reply(202, headers: ["Retry-After": "1"]) : reply(200, body: "done")
            }
        }) { server, host in
            let started = ContinuousClock.now
            let done = try await host.callHttp(DurableHTTPRequest(method: "POST", url: server.url("/jobs"), body: "go"))
            let response = try done.output(as: DurableHTTPResponse.self)
            #expect(response.statusCode == 200)
            #expect(response.body == "done")
            #expect(server.log.count("/jobs") == 1)
            #expect(server.log.count("/jobs/1/status") == 2)
            #expect(ContinuousClock.now - started >= .seconds(2), "two Retry-After: 1 waits")
            let summary = try await host.summary(done.instanceId)
            #expect(summary.httpActivities.count == 3)
            #expect(summary.timersCreated.count == 2)
            #expect(summary.timersFired == 2)
            for delay in summary.timerDelays { #expect(abs(delay - 1) < 0.001, "each timer fires 1 s after its turn") }
            #expect(summary.httpActivities.dropFirst().allSatisfy { $0.input.method == "GET" && $0.input.body == nil })
        }
    }

    @Test func pollsAtAnHTTPDateAndAtOnceForOneInThePast() async throws {
        let sentDate = Mutex<String?>(nil)
        let polls = Atomic<Int>(0)
        try await withDurableHTTP(routes: { router in
            router.get("report") { _, _ in
                // At least one whole second ahead, whatever the sub-second part of now.
                let date = imfFixdate(Date().addingTimeInterval(2))
                sentDate.withLock { $0 = date }
                return reply(202, headers: ["Location": "/report/status", "Retry-After": date])
            }
            router.get("report/status") { _, _ in
                let n = polls.add(1, ordering: .relaxed).newValue
                // The first poll answers with a date long past: poll again at once.
                return n == 1 ? reply(202, headers: ["Retry-After": "Sun, 06 Nov 1994 08:49:37 GMT"]) : reply(200, body: "ready")
            }
        }) { server, host in
            let done = try await host.callHttp(DurableHTTPRequest(url: server.url("/report")))
            let response = try done.output(as: DurableHTTPResponse.self)
            #expect(response.body == "ready")
            #expect(server.log.count("/report/status") == 2)
            let summary = try await host.summary(done.instanceId)
            #expect(summary.timersCreated.count == 1, "a past HTTP-date polls without a timer")
            #expect(summary.timersFired == 1)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let sent = try #require(sentDate.withLock { $0 })
            let expected = try #require(formatter.date(from: sent))
            let fireAt = try #require(summary.timersCreated.first?.fireAt)
            #expect(abs(fireAt.timeIntervalSince(expected)) < 0.001, "the timer fires at the absolute HTTP-date")
        }
    }

    @Test func resolvesRelativeLocationsAndFollowsAMovedLocation() async throws {
        try await withDurableHTTP(routes: { router in
            router.post("api/jobs") { _, _ in reply(202, headers: ["Location": "../queue/7?x=1"]) }
            router.get("queue/7") { _, _ in reply(202, headers: ["Location": "/final/7"]) }
            router.get("final/7") { _, _ in reply(200, body: "seven") }
        }) { server, host in
            let done = try await host.callHttp(DurableHTTPRequest(
                method: "POST", url: server.url("/api/jobs"), options: .init(pollingInterval: .milliseconds(30))))
            #expect(try done.output(as: DurableHTTPResponse.self).body == "seven")
            #expect(server.log.all.map(\.path) == ["/api/jobs", "/queue/7?x=1", "/final/7"])
            let summary = try await host.summary(done.instanceId)
            #expect(summary.httpActivities.map(\.input.url) == [
                server.url("/api/jobs"), server.url("/queue/7?x=1"), server.url("/final/7"),
            ])
        }
    }

    @Test func pollsAtThePollingIntervalWithTheSameHeadersAndNoBody() async throws {
        let polls = Atomic<Int>(0)
        try await withDurableHTTP(routes: { router in
            router.put("work") { _, _ in reply(202, headers: ["Location": "/work/status"]) }
            router.get("work/status") { _, _ in
                polls.add(1, ordering: .relaxed).newValue < 3 ? reply(202) : reply(200, body: "finished")
            }
        }) { server, host in
            let done = try await host.callHttp(DurableHTTPRequest(
                method: "PUT", url: server.url("/work"), headers: ["X-Auth": "token-1"], body: "payload",
                options: .init(pollingInterval: .milliseconds(40))))
            #expect(try done.output(as: DurableHTTPResponse.self).body == "finished")
            let statusPolls = server.log.requests("/work/status")
            #expect(statusPolls.count == 3, "a later 202 without Location keeps polling the same URL")
            #expect(statusPolls.allSatisfy { $0.method == "GET" && $0.headers["x-auth"] == "token-1" && $0.body.isEmpty })
            let summary = try await host.summary(done.instanceId)
            #expect(summary.timersCreated.count == 3)
            #expect(summary.timersFired == 3)
            for delay in summary.timerDelays { #expect(abs(delay - 0.04) < 0.001, "no Retry-After: the polling interval") }
        }
    }

    @Test func disabledPatternReturnsThe202() async throws {
        try await withDurableHTTP(routes: { router in
            router.post("jobs") { _, _ in reply(202, headers: ["Location": "/jobs/status"], body: "accepted") }
            router.get("jobs/status") { _, _ in reply(200) }
        }) { server, host in
            let done = try await host.callHttp(DurableHTTPRequest(
                method: "POST", url: server.url("/jobs"), options: .init(asynchronousPatternEnabled: false)))
            let response = try done.output(as: DurableHTTPResponse.self)
            #expect(response.statusCode == 202)
            #expect(response.body == "accepted")
            #expect(response.header("location") == "/jobs/status")
            #expect(server.log.count("/jobs/status") == 0)
            #expect(try await host.summary(done.instanceId).timersCreated.isEmpty)
        }
    }

    @Test func a202WithoutLocationIsReturned() async throws {
        try await withDurableHTTP(routes: { router in
            router.post("fire") { _, _ in reply(202, body: "queued") }
        }) { server, host in
            let done = try await host.callHttp(DurableHTTPRequest(method: "POST", url: server.url("/fire")))
            let response = try done.output(as: DurableHTTPResponse.self)
            #expect(response.statusCode == 202)
            #expect(response.body == "queued")
            #expect(server.log.all.count == 1)
            let summary = try await host.summary(done.instanceId)
            #expect(summary.httpActivities.count == 1)
            #expect(summary.timersCreated.isEmpty)
        }
    }
}
