import DurableTask
import Foundation
import Testing

/// §4.6 and rows 20–22 of the checklist.
@Suite(.timeLimit(.minutes(2)))
struct ManagementAPIEventTests {
    /// Row 20: a live instance takes the event (202, no body) and receives the parsed JSON value;
    /// a Suspended one buffers it until resumed.
    @Test func raiseEventToLiveAndSuspended() async throws {
        try await withAPIServer { server in
            try await server.schedule("APIWaitEvent", id: "e1", input: 2)
            _ = try await server.waitFor("e1", .running)
            let r = try await server.post("/instances/e1/raiseEvent/go", body: #"{"n": 1, "tag": "first"}"#, contentType: "application/json")
            #expect(r.status == 202)
            #expect(r.body.isEmpty)

            try await server.client.suspend("e1")
            _ = try await server.waitFor("e1", .suspended)
            let s = try await server.post(
                "/instances/e1/RAISEEVENT/go", body: #"{"tag":"second","n":2}"#, contentType: "Application/JSON; charset=utf-8")
            #expect(s.status == 202)
            #expect(try await server.client.getInstance("e1")?.runtimeStatus == .suspended)
            try await server.client.resume("e1")
            let done = try await server.waitDone("e1")
            #expect(done.runtimeStatus == .completed)
            #expect(try done.output(as: [APIEventData].self) == [APIEventData(n: 1, tag: "first"), APIEventData(n: 2, tag: "second")])
        }
    }

    /// Row 20: a Pending instance accepts events too.
    @Test func raiseEventToPending() async throws {
        try await withAPIServer { server in
            _ = try await server.client.scheduleNewOrchestration(
                named: "APIWaitEvent", rawInput: nil, options: .init(instanceId: "e2", startAt: Date().addingTimeInterval(600)))
            let r = try await server.post("/instances/e2/raiseEvent/go", body: #"{"n":3,"tag":"p"}"#, contentType: "application/json")
            #expect(r.status == 202)
            #expect(try await server.client.getInstance("e2")?.runtimeStatus == .pending)
        }
    }

    /// Row 21: a media type other than application/json, or a body that is empty or not JSON, is 400.
    @Test func raiseEventBadRequests() async throws {
        try await withAPIServer { server in
            try await server.schedule("APIWaitEvent", id: "e3")
            _ = try await server.waitFor("e3", .running)
            try expectError(try await server.post("/instances/e3/raiseEvent/go", body: "{}", contentType: "text/plain"), 400, "unsupported_media_type")
            try expectError(try await server.post("/instances/e3/raiseEvent/go", body: "{}"), 400, "unsupported_media_type")
            try expectError(try await server.post("/instances/e3/raiseEvent/go", body: "", contentType: "application/json"), 400, "invalid_json")
            try expectError(try await server.post("/instances/e3/raiseEvent/go", contentType: "application/json"), 400, "invalid_json")
            try expectError(try await server.post("/instances/e3/raiseEvent/go", body: "{'n':1}", contentType: "application/json"), 400, "invalid_json")
            try expectError(try await server.post("/instances/e3/raiseEvent/go", body: "1 2", contentType: "application/json"), 400, "invalid_json")
            // Nothing was delivered: the instance still waits, and takes a good event.
            #expect(try await server.client.getInstance("e3")?.runtimeStatus == .running)
            #expect(try await server.post("/instances/e3/raiseEvent/go", body: #"{"n":1,"tag":"ok"}"#, contentType: "application/json").status == 202)
            #expect(try await server.waitDone("e3").output(as: [APIEventData].self) == [APIEventData(n: 1, tag: "ok")])
        }
    }

    /// The engine's own messages cannot be forged: an event to an entity (a forged lock request
    /// once wedged an entity for good) or with a reserved `$` name is 400, and nothing is delivered.
    @Test func internalEventsCannotBeRaised() async throws {
        try await withAPIServer { server in
            try expectError(
                try await server.post(
                    "/instances/%40testcounter%40k/raiseEvent/%24entity",
                    body: #"{"kind":"lock","requestId":"forged","parent":"nobody","lockSet":["@testcounter@k"],"position":0}"#,
                    contentType: "application/json"),
                400, "bad_request")
            try expectError(
                try await server.post("/instances/%40testcounter%40k/raiseEvent/go", body: "{}", contentType: "application/json"), 400, "bad_request")
            try await server.schedule("APIWaitEvent", id: "e5")
            _ = try await server.waitFor("e5", .running)
            try expectError(
                try await server.post("/instances/e5/raiseEvent/%24entity", body: "{}", contentType: "application/json"), 400, "bad_request")
            #expect(try await server.client.getInstance("@testcounter@k") == nil)
            #expect(try await server.client.getInstance("e5")?.runtimeStatus == .running)
        }
    }

    /// Row 22: unknown 404; finished 410 (checked before the media type and the body).
    @Test func raiseEventUnknownOrFinished() async throws {
        try await withAPIServer { server in
            try expectError(try await server.post("/instances/nobody/raiseEvent/go", body: "{}", contentType: "application/json"), 404, "not_found")
            try await server.schedule("APIGreet", id: "e4", input: "x")
            _ = try await server.waitDone("e4")
            try expectError(try await server.post("/instances/e4/raiseEvent/go", body: "{}", contentType: "application/json"), 410, "gone")
            try expectError(try await server.post("/instances/e4/raiseEvent/go", body: "nonsense", contentType: "text/plain"), 410, "gone")
        }
    }
}
