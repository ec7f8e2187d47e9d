import DurableTask
import Foundation
import Testing

/// §4.2, §3.1, §3.4 and rows 10–15 of the checklist.
@Suite(.timeLimit(.minutes(2)))
struct ManagementAPIStatusTests {
    static var secondsFormat: Regex<Substring> { #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/# }
    static var preciseFormat: Regex<(Substring, Substring?)> { #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$/# }

    /// Row 10: Completed, Failed and Terminated give 200 and the status object, members in order.
    @Test func finishedInstancesAre200() async throws {
        try await withAPIServer { server in
            try await server.schedule("APIGreet", id: "c1", input: "Tokyo")
            let done = try await server.waitDone("c1")
            let r = try await server.get("/instances/c1")
            #expect(r.status == 200)
            #expect(r.header("Content-Type") == "application/json; charset=utf-8")
            #expect(r.header("Location") == nil)
            let o = try r.object()
            #expect(o["name"] as? String == "APIGreet")
            #expect(o["instanceId"] as? String == "c1")
            #expect(o["runtimeStatus"] as? String == "Completed")
            #expect(o["input"] as? String == "Tokyo")
            #expect((o["customStatus"] as? [String: Any])?["stage"] as? String == "greeting")
            #expect(o["output"] as? String == "Hello Tokyo!")
            let created = try #require(o["createdTime"] as? String)
            #expect(created.wholeMatch(of: Self.secondsFormat) != nil)
            #expect((o["lastUpdatedTime"] as? String)?.wholeMatch(of: Self.secondsFormat) != nil)
            #expect(created == ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: done.createdAt.timeIntervalSince1970.rounded(.down))))
            #expect(o.keys.contains("historyEvents") == false)
            #expect(r.text.hasPrefix(#"{"name":"APIGreet","instanceId":"c1","runtimeStatus":"Completed","input":"Tokyo","customStatus":{"stage":"greeting"},"output":"Hello Tokyo!","createdTime":""#))

            try await server.schedule("APIFail", id: "f1")
            _ = try await server.waitFor("f1", .failed)
            let f = try await server.get("/instances/f1")
            #expect(f.status == 200)
            #expect(try f.object()["runtimeStatus"] as? String == "Failed")
            #expect(try f.object()["output"] as? String == "BoomError: boom")
            // Null members are written out.
            #expect(f.text.contains(#""input":null,"customStatus":null"#))

            try await server.schedule("APIWaitEvent", id: "t1")
            _ = try await server.waitFor("t1", .running)
            try await server.client.terminate("t1", reason: "no longer needed")
            _ = try await server.waitFor("t1", .terminated)
            let t = try await server.get("/instances/t1")
            #expect(t.status == 200)
            #expect(try t.object()["runtimeStatus"] as? String == "Terminated")
            #expect(try t.object()["output"] as? String == "no longer needed")
        }
    }

    /// Row 11: Pending, Running and Suspended give 202, Location = the request URL, Retry-After 5.
    @Test func liveInstancesAre202() async throws {
        try await withAPIServer { server in
            try await server.client.scheduleNewOrchestration(
                named: "APIGreet", input: "later", options: .init(instanceId: "p1", startAt: Date().addingTimeInterval(600)))
            let path = "/instances/p1?showHistory=true&showInput=true"
            let p = try await server.get(path)
            #expect(p.status == 202)
            #expect(p.header("Location") == server.base + path)
            #expect(p.header("Retry-After") == "5")
            #expect(try p.object()["runtimeStatus"] as? String == "Pending")
            #expect(try p.object()["output"] is NSNull)
            // No history for a Pending instance: the member is left out.
            #expect(try p.object().keys.contains("historyEvents") == false)

            try await server.schedule("APIWaitEvent", id: "r1")
            _ = try await server.waitFor("r1", .running)
            let r = try await server.get("/Instances/r1")
            #expect(r.status == 202)
            #expect(r.header("Location") == server.base + "/Instances/r1")
            #expect(r.header("Retry-After") == "5")
            #expect(try r.object()["runtimeStatus"] as? String == "Running")

            try await server.client.suspend("r1", reason: "pause")
            _ = try await server.waitFor("r1", .suspended)
            let s = try await server.get("/instances/r1")
            #expect(s.status == 202)
            #expect(try s.object()["runtimeStatus"] as? String == "Suspended")
        }
    }

    /// Row 12: returnInternalServerErrorOnFailure=true answers a Failed instance with 500 and the
    /// status object (the one error answer without `{"error","message"}`); others are unaffected.
    @Test func failedWithServerErrorFlagIs500() async throws {
        try await withAPIServer { server in
            try await server.schedule("APIFail", id: "f1")
            _ = try await server.waitFor("f1", .failed)
            let r = try await server.get("/instances/f1?returnInternalServerErrorOnFailure=TRUE")
            #expect(r.status == 500)
            #expect(r.header("Content-Type") == "application/json; charset=utf-8")
            let o = try r.object()
            #expect(o["runtimeStatus"] as? String == "Failed")
            #expect(o["instanceId"] as? String == "f1")
            #expect(o["error"] == nil)
            try await server.schedule("APIGreet", id: "c1", input: "x")
            _ = try await server.waitDone("c1")
            #expect(try await server.get("/instances/c1?returnInternalServerErrorOnFailure=true").status == 200)
            // An unparsable boolean is ignored (default false).
            #expect(try await server.get("/instances/f1?returnInternalServerErrorOnFailure=yes").status == 200)
        }
    }

    /// Row 13: an unknown instance is 404 with the JSON error.
    @Test func unknownInstanceIs404() async throws {
        try await withAPIServer { server in
            try expectError(try await server.get("/instances/nobody"), 404, "not_found")
        }
    }

    /// Row 14: historyEvents with showHistory=true; TaskScheduled merged into TaskCompleted, turn
    /// markers dropped, `Input` as raw JSON text, `Result` only with showHistoryOutput=true.
    @Test func historyEvents() async throws {
        try await withAPIServer { server in
            try await server.schedule("APIGreet", id: "h1", input: "Tokyo")
            _ = try await server.waitDone("h1")
            let r = try await server.get("/instances/h1?showHistory=true")
            #expect(r.status == 200)
            let events = try #require(try r.object()["historyEvents"] as? [[String: Any]])
            let types = events.compactMap { $0["EventType"] as? String }
            #expect(types == ["ExecutionStarted", "TaskCompleted", "ExecutionCompleted"])
            for event in events {
                #expect((event["Timestamp"] as? String)?.wholeMatch(of: Self.preciseFormat) != nil)
                #expect(event["EventId"] == nil && event["IsPlayed"] == nil)
                #expect(event["Result"] == nil)
            }
            #expect(events[0]["FunctionName"] as? String == "APIGreet")
            #expect(events[0]["Input"] as? String == #""Tokyo""#)
            #expect(events[1]["FunctionName"] as? String == "APIEcho")
            #expect(events[1]["Input"] as? String == #""Hello Tokyo!""#)
            #expect((events[1]["ScheduledTime"] as? String)?.wholeMatch(of: Self.preciseFormat) != nil)
            #expect(events[2]["OrchestrationStatus"] as? String == "Completed")
            #expect(events[2]["FailureDetails"] is NSNull)

            let withOutput = try await server.get("/instances/h1?showHistory=true&showHistoryOutput=true")
            let events2 = try #require(try withOutput.object()["historyEvents"] as? [[String: Any]])
            #expect(events2[1]["Result"] as? String == "Hello Tokyo!")
            #expect(events2[2]["Result"] as? String == "Hello Tokyo!")

            // showInput=false removes the Input members.
            let noInput = try await server.get("/instances/h1?showHistory=true&showInput=false")
            let events3 = try #require(try noInput.object()["historyEvents"] as? [[String: Any]])
            #expect(events3.allSatisfy { $0["Input"] == nil })

            // Failures, timers and events.
            try await server.schedule("APIFail", id: "h2")
            _ = try await server.waitFor("h2", .failed)
            let failed = try #require(try await server.get("/instances/h2?showHistory=true").object()["historyEvents"] as? [[String: Any]])
            let completed = try #require(failed.last)
            #expect(completed["EventType"] as? String == "ExecutionCompleted")
            #expect(completed["OrchestrationStatus"] as? String == "Failed")
            let details = try #require(completed["FailureDetails"] as? [String: Any])
            #expect(details["ErrorType"] as? String == "BoomError")
            #expect(details["ErrorMessage"] as? String == "boom")
            #expect(details["IsNonRetriable"] as? Bool == false)

            try await server.schedule("APISleep", id: "h3", input: 50)
            _ = try await server.waitDone("h3")
            let timer = try #require(try await server.get("/instances/h3?showHistory=true").object()["historyEvents"] as? [[String: Any]])
            #expect(timer.compactMap { $0["EventType"] as? String } == ["ExecutionStarted", "TimerCreated", "TimerFired", "ExecutionCompleted"])
            #expect(timer[1]["FireAt"] as? String == timer[2]["FireAt"] as? String)
            #expect((timer[1]["FireAt"] as? String)?.wholeMatch(of: Self.preciseFormat) != nil)

            try await server.schedule("APIWaitEvent", id: "h4")
            _ = try await server.waitFor("h4", .running)
            try await server.client.raiseEvent("h4", name: "go", payload: APIEventData(n: 7, tag: "z"))
            _ = try await server.waitDone("h4")
            let raised = try #require(try await server.get("/instances/h4?showHistory=true").object()["historyEvents"] as? [[String: Any]])
            let event = try #require(raised.first { $0["EventType"] as? String == "EventRaised" })
            #expect(event["Name"] as? String == "go")
            let input = try #require(event["Input"] as? String)
            #expect(try JSONDecoder().decode(APIEventData.self, from: Data(input.utf8)) == APIEventData(n: 7, tag: "z"))
        }
    }

    /// Row 14: a pending activity stays a TaskScheduled with Name and Input; suspension has a Reason.
    @Test func pendingTaskScheduledIsKept() async throws {
        try await withAPIServer { server in
            try await server.schedule("APICallHang", id: "h5", input: "slow")
            _ = try await server.waitFor("h5", .running)
            try await server.client.suspend("h5", reason: "hold")
            _ = try await server.waitFor("h5", .suspended)
            let r = try await server.get("/instances/h5?showHistory=true")
            #expect(r.status == 202)
            let events = try #require(try r.object()["historyEvents"] as? [[String: Any]])
            #expect(events.compactMap { $0["EventType"] as? String } == ["ExecutionStarted", "TaskScheduled", "ExecutionSuspended"])
            #expect(events[1]["Name"] as? String == "APIHang")
            #expect(events[1]["Input"] as? String == #""slow""#)
            #expect(events[2]["Reason"] as? String == "hold")
        }
    }

    /// Row 15: showInput=false gives `input: null` on 200 and 202 answers.
    @Test func showInputFalseNullsInput() async throws {
        try await withAPIServer { server in
            try await server.schedule("APIGreet", id: "c1", input: "Tokyo")
            _ = try await server.waitDone("c1")
            let done = try await server.get("/instances/c1?showInput=false")
            #expect(done.status == 200)
            #expect(try done.object()["input"] is NSNull)
            #expect(try done.object()["output"] as? String == "Hello Tokyo!")
            #expect(try await server.get("/instances/c1?showInput=true").object()["input"] as? String == "Tokyo")

            try await server.schedule("APIWaitEvent", id: "r1", input: 1)
            _ = try await server.waitFor("r1", .running)
            let live = try await server.get("/instances/r1?SHOWINPUT=False")
            #expect(live.status == 202)
            #expect(try live.object()["input"] is NSNull)
            #expect(try await server.get("/instances/r1").object()["input"] as? Int == 1)
        }
    }
}
