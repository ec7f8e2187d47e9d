import DurableTask
import DurableTaskHost
import DurableTaskTesting
import Foundation
import NIOHTTP1
import Testing

/// The schedule routes (our addition) through the real server.
@Suite("Management API: schedules", .timeLimit(.minutes(3)))
struct ManagementAPIScheduleTests {
    /// Create, read, list, update, pause, resume and delete over HTTP; the ticks start instances.
    @Test func lifecycle() async throws {
        try await withAPIServer { server in
            let body = #"{"id":"web-job","interval":"150ms","orchestration":"Hello","input":"from http","overlap":"allowAll"}"#
            let created = try await server.post("/schedules", body: body, contentType: "application/json")
            #expect(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
            let schedule = try created.object()
            #expect(schedule["id"] as? String == "web-job")
            #expect(schedule["status"] as? String == "Active")
            let definition = try #require(schedule["definition"] as? [String: Any])
            #expect(definition["input"] as? String == "from http")
            #expect(definition["interval"] as? String == "150ms")
            #expect(schedule["nextDue"] is String)

            try expectError(try await server.post("/schedules", body: body, contentType: "application/json"), 409, "conflict")

            // Ticks start instances named <id>:<tick time>.
            let deadline = ContinuousClock.now + .seconds(10)
            var started = 0
            while started < 2, ContinuousClock.now < deadline {
                started = try await server.get("/schedules/web-job").object()["startedCount"] as? Int ?? 0
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(started >= 2)
            let instances = try await server.client.queryInstances(InstanceQuery(instanceIdPrefix: "web-job:"))
            let first = try #require(instances.instances.first)
            #expect(try await server.waitDone(first.instanceId).output == #""Hello from http!""#)

            let listed = try await server.get("/schedules").array()
            #expect(listed.map { $0["id"] as? String } == ["web-job"])

            let update = #"{"interval":"1h","orchestration":"Hello","input":"later"}"#
            let updated = try await server.send(.PUT, "/schedules/web-job", body: update, contentType: "application/json")
            #expect(updated.status == 200)
            #expect((try updated.object()["definition"] as? [String: Any])?["interval"] as? String == "1h")

            let paused = try await server.post("/schedules/web-job/pause?reason=deploy")
            #expect(paused.status == 200)
            #expect(try paused.object()["status"] as? String == "Paused")
            #expect(try paused.object()["pauseReason"] as? String == "deploy")
            let resumed = try await server.post("/schedules/web-job/resume")
            #expect(try resumed.object()["status"] as? String == "Active")

            let deleted = try await server.delete("/schedules/web-job")
            #expect(deleted.status == 204)
            try expectError(try await server.get("/schedules/web-job"), 404, "not_found")
            try expectError(try await server.delete("/schedules/web-job"), 404, "not_found")
            try expectError(try await server.post("/schedules/web-job/pause"), 404, "not_found")
            try expectError(
                try await server.send(.PUT, "/schedules/web-job", body: update, contentType: "application/json"), 404, "not_found")
        }
    }

    /// Bad definitions are `400`s with a message naming the problem, and create nothing.
    @Test(arguments: [
        (#"{"id":"x","orchestration":"Hello"}"#, "cron"),
        (#"{"id":"x","cron":"* * *","orchestration":"Hello"}"#, "field"),
        (#"{"id":"x","cron":"* * * * *","timeZone":"Mars/Olympus","orchestration":"Hello"}"#, "Mars/Olympus"),
        (#"{"id":"x","interval":"10ms","orchestration":"Hello"}"#, "100ms"),
        (#"{"id":"x","interval":"soon","orchestration":"Hello"}"#, "soon"),
        (#"{"id":"x","interval":"1s"}"#, "orchestration"),
        (#"{"id":"x","interval":"1s","orchestration":"Hello","overlap":"sometimes"}"#, "overlap"),
        (#"{"id":"x","interval":"1s","orchestration":"Hello","catchUp":"never"}"#, "catchUp"),
        (#"{"id":"@x","interval":"1s","orchestration":"Hello"}"#, "@"),
        (#"{"id":"x","interval":"1s","orchestration":"Hello","startAt":"yesterday"}"#, "yesterday"),
        (#"[1,2]"#, "object"),
        (#"{"id":7,"interval":"1s","orchestration":"Hello"}"#, "id"),
    ])
    func badDefinitions(_ body: String, _ mentions: String) async throws {
        try await withAPIServer { server in
            let response = try await server.post("/schedules", body: body, contentType: "application/json")
            try expectError(response, 400, "bad_request")
            let message = try response.object()["message"] as? String ?? ""
            #expect(message.contains(mentions), "\(message)")
            #expect(try await server.client.listSchedules().schedules.isEmpty)
        }
    }
}
