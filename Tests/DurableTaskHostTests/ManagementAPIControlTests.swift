import DurableTask
import Foundation
import Testing

/// §4.7, §4.8 with the §9 decisions, and rows 23–29 of the checklist.
@Suite(.timeLimit(.minutes(2)))
struct ManagementAPIControlTests {
    /// Row 23: terminate a live (also Suspended) instance: 202, and the reason becomes the output;
    /// unknown 404; finished 410.
    @Test func terminate() async throws {
        try await withAPIServer { server in
            try await server.schedule("APIWaitEvent", id: "t1")
            _ = try await server.waitFor("t1", .running)
            let r = try await server.post("/instances/t1/terminate?reason=changed%20my+mind")
            #expect(r.status == 202)
            #expect(r.body.isEmpty)
            let done = try await server.waitFor("t1", .terminated)
            #expect(done.output == #""changed my mind""#)
            try expectError(try await server.post("/instances/t1/terminate"), 410, "gone")
            try expectError(try await server.post("/instances/nobody/terminate"), 404, "not_found")

            try await server.schedule("APIWaitEvent", id: "t2")
            _ = try await server.waitFor("t2", .running)
            try await server.client.suspend("t2")
            _ = try await server.waitFor("t2", .suspended)
            #expect(try await server.post("/instances/t2/Terminate").status == 202)
            _ = try await server.waitFor("t2", .terminated)
        }
    }

    /// Rows 24 and 25: suspend (Running → 202, already Suspended → 409 invalid_state) and resume
    /// (Suspended → 202, not Suspended → 409 invalid_state); unknown 404; finished 410.
    @Test func suspendAndResume() async throws {
        try await withAPIServer { server in
            try await server.schedule("APIWaitEvent", id: "s1")
            _ = try await server.waitFor("s1", .running)
            try expectError(try await server.post("/instances/s1/resume"), 409, "invalid_state")
            let s = try await server.post("/instances/s1/suspend?reason=maintenance")
            #expect(s.status == 202)
            #expect(s.body.isEmpty)
            _ = try await server.waitFor("s1", .suspended)
            try expectError(try await server.post("/instances/s1/suspend"), 409, "invalid_state")
            let history = try await server.client.getHistory("s1")
            #expect(history.contains { if case .executionSuspended(let reason) = $0.kind { reason == "maintenance" } else { false } })
            let r = try await server.post("/instances/s1/resume?reason=back")
            #expect(r.status == 202)
            _ = try await server.waitFor("s1", .running)

            try expectError(try await server.post("/instances/nobody/suspend"), 404, "not_found")
            try expectError(try await server.post("/instances/nobody/resume"), 404, "not_found")
            try await server.schedule("APIGreet", id: "s2", input: "x")
            _ = try await server.waitDone("s2")
            try expectError(try await server.post("/instances/s2/suspend"), 410, "gone")
            try expectError(try await server.post("/instances/s2/resume"), 410, "gone")
        }
    }

    /// Row 26: rewind: Failed → 202 and the failed task runs again; unknown 404;
    /// Completed or Terminated 410; live 409 invalid_state.
    @Test func rewind() async throws {
        try await withAPIServer { server in
            try await server.schedule("FlakyChain", id: "w1")
            _ = try await server.waitFor("w1", .failed)
            let rewound = try await server.post("/instances/w1/rewind?reason=retry")
            #expect(rewound.status == 202)
            #expect(rewound.body.isEmpty)
            let done = try await server.waitDone("w1")
            #expect(done.runtimeStatus == .completed)
            #expect(try done.output(as: [String].self) == ["first", "succeeded on attempt 1 after 2 runs"])
            let history = try await server.get("/instances/w1?showHistory=true")
            let events = try #require(try history.object()["historyEvents"] as? [[String: Any]])
            let rewind = try #require(events.first { $0["EventType"] as? String == "ExecutionRewound" })
            #expect(rewind["Reason"] as? String == "retry")
            try await server.schedule("APIFail", id: "w4")
            _ = try await server.waitFor("w4", .failed)
            #expect(try await server.post("/instances/w4/rewind").status == 202, "its own code fails again, but the rewind is accepted")
            try expectError(try await server.post("/instances/nobody/rewind"), 404, "not_found")
            try await server.schedule("APIGreet", id: "w2", input: "x")
            _ = try await server.waitDone("w2")
            try expectError(try await server.post("/instances/w2/rewind"), 410, "gone")
            try await server.schedule("APIWaitEvent", id: "w3")
            _ = try await server.waitFor("w3", .running)
            try expectError(try await server.post("/instances/w3/rewind"), 409, "invalid_state")
            try await server.client.terminate("w3")
            _ = try await server.waitFor("w3", .terminated)
            try expectError(try await server.post("/instances/w3/rewind"), 410, "gone")
        }
    }

    /// Row 27: restart gives a new id by default (check-status payload), with the original input;
    /// `restartWithNewInstanceId=false` on a finished instance keeps the id.
    @Test func restart() async throws {
        try await withAPIServer { server in
            try await server.schedule("APIGreet", id: "r1", input: "Paris")
            let first = try await server.waitDone("r1")
            let r = try await server.post("/instances/r1/restart")
            #expect(r.status == 202)
            #expect(r.header("Retry-After") == "10")
            let newId = try #require(try r.object()["id"] as? String)
            #expect(isHex32(newId))
            #expect(r.header("Location") == (try r.object()["statusQueryGetUri"] as? String))
            let restarted = try await server.waitDone(newId)
            #expect(restarted.name == "APIGreet")
            #expect(restarted.input == #""Paris""#)
            #expect(restarted.output == #""Hello Paris!""#)

            let same = try await server.post("/instances/r1/restart?restartWithNewInstanceId=false")
            #expect(same.status == 202)
            #expect(try same.object()["id"] as? String == "r1")
            let again = try await server.waitDone("r1")
            #expect(again.executionId != first.executionId)
            #expect(again.output == #""Hello Paris!""#)

            // Wait mode works as for a start.
            let waited = try await server.post("/instances/r1/restart?restartWithNewInstanceId=false&timeout=10&pollingInterval=1")
            #expect(waited.status == 200)
            #expect(waited.text == #""Hello Paris!""#)
        }
    }

    /// Rows 28 and 29: restart of an unknown id is 404; in place on a live instance is 409, and the
    /// live instance is untouched; with a new id a live instance can be restarted.
    @Test func restartUnknownOrLive() async throws {
        try await withAPIServer { server in
            try expectError(try await server.post("/instances/nobody/restart"), 404, "not_found")
            try await server.schedule("APIWaitEvent", id: "r2")
            let live = try await server.waitFor("r2", .running)
            try expectError(try await server.post("/instances/r2/restart?restartWithNewInstanceId=false"), 409, "conflict")
            #expect(try await server.client.getInstance("r2")?.executionId == live.executionId)
            let fresh = try await server.post("/instances/r2/restart")
            #expect(fresh.status == 202)
            #expect(try fresh.object()["id"] as? String != "r2")
        }
    }
}
