@testable import DurableTaskHost
import DurableTask
import Foundation
import Testing

/// §4.1 and rows 3–6, 8, 9 of the checklist.
@Suite(.timeLimit(.minutes(2)))
struct ManagementAPIStartTests {
    /// Links use the request's `Host` only when it is a well-formed host and port; anything else
    /// is never echoed, and the configured address stands in.
    @Test(arguments: [
        ("evil.example/phish?x=", false), ("a b", false), ("x<script>", false), ("[::1", false), ("host:99999999", false),
        ("api.example.com:8443", true), ("[::1]:7071", true), ("10.0.0.7", true),
    ])
    func checkStatusLinksUseOnlyAWellFormedHost(host: String, kept: Bool) async throws {
        try await withAPIServer { server in
            let r = try await server.post("/orchestrators/APIGreet", body: #""Tokyo""#, headers: [("Host", host)])
            #expect(r.status == 202)
            let location = try #require(r.header("Location"))
            if kept {
                #expect(location.hasPrefix("http://\(host)/runtime/webhooks/durabletask/instances/"), "got \(location)")
            } else {
                #expect(location.hasPrefix("http://127.0.0.1:\(server.port)/runtime/webhooks/durabletask/instances/"), "got \(location)")
                #expect(!r.text.contains(host))
            }
        }
    }

    /// Row 3: a new 32-hex id, the check-status body in DF's member order and templates,
    /// `Location` = `statusQueryGetUri`, `Retry-After: 10`.
    @Test func startWithoutIdReturnsCheckStatusPayload() async throws {
        try await withAPIServer { server in
            let r = try await server.post("/orchestrators/APIGreet", body: #""Tokyo""#)
            #expect(r.status == 202)
            #expect(r.header("Content-Type") == "application/json; charset=utf-8")
            #expect(r.header("Retry-After") == "10")
            let keys = try #require(try? JSONValue.parse(r.body))
            guard case .object(let members) = keys else { Issue.record("not an object"); return }
            #expect(members.map(\.key) == [
                "id", "statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri",
                "restartPostUri", "suspendPostUri", "resumePostUri",
            ])
            let body = try r.object()
            let id = try #require(body["id"] as? String)
            #expect(isHex32(id))
            let i = "\(server.base)/instances/\(id)"
            let q = "taskHub=default&connection=Storage"
            #expect(body["statusQueryGetUri"] as? String == "\(i)?\(q)")
            #expect(body["sendEventPostUri"] as? String == "\(i)/raiseEvent/{eventName}?\(q)")
            #expect(body["terminatePostUri"] as? String == "\(i)/terminate?reason={text}&\(q)")
            #expect(body["purgeHistoryDeleteUri"] as? String == "\(i)?\(q)")
            #expect(body["restartPostUri"] as? String == "\(i)/restart?\(q)")
            #expect(body["suspendPostUri"] as? String == "\(i)/suspend?reason={text}&\(q)")
            #expect(body["resumePostUri"] as? String == "\(i)/resume?reason={text}&\(q)")
            #expect(r.header("Location") == body["statusQueryGetUri"] as? String)
            // The instance exists with the input, and the status link works.
            let done = try await server.waitDone(id)
            #expect(done.name == "APIGreet")
            #expect(done.input == #""Tokyo""#)
            #expect(done.output == #""Hello Tokyo!""#)
            let status = try await server.get(try #require(r.header("Location")))
            #expect(status.status == 200)
            #expect(try status.object()["output"] as? String == "Hello Tokyo!")
        }
    }

    /// Row 3: the request's taskHub and connection are echoed into the links.
    @Test func linksEchoTaskHubAndConnection() async throws {
        try await withAPIServer(configuration: .init(taskHub: "Orders")) { server in
            let r = try await server.post("/orchestrators/APIGreet?taskHub=orders&connection=My%20Conn", body: #""x""#)
            #expect(r.status == 202)
            let link = try #require(try r.object()["statusQueryGetUri"] as? String)
            #expect(link.hasSuffix("?taskHub=orders&connection=My+Conn"))
            let defaults = try await server.post("/orchestrators/APIGreet", body: #""x""#)
            #expect(try (defaults.object()["statusQueryGetUri"] as? String)?.hasSuffix("?taskHub=Orders&connection=Storage") == true)
        }
    }

    /// Row 4: a new id is used as given; a finished instance with the id is replaced.
    @Test func startWithIdNewOrTerminalIsAccepted() async throws {
        try await withAPIServer { server in
            let r = try await server.post("/orchestrators/APIGreet/order-1", body: #""Oslo""#)
            #expect(r.status == 202)
            #expect(try r.object()["id"] as? String == "order-1")
            let first = try await server.waitDone("order-1")
            #expect(first.runtimeStatus == .completed)

            let again = try await server.post("/orchestrators/APIGreet/order-1", body: #""Rome""#)
            #expect(again.status == 202)
            #expect(try again.object()["id"] as? String == "order-1")
            let second = try await server.waitDone("order-1")
            #expect(second.executionId != first.executionId)
            #expect(second.output == #""Hello Rome!""#)
        }
    }

    /// Row 4: failed and terminated instances are replaced too; an empty body means no input.
    @Test func startReplacesFailedAndTerminated() async throws {
        try await withAPIServer { server in
            try await server.schedule("APIFail", id: "f1")
            _ = try await server.waitFor("f1", .failed)
            let r = try await server.post("/orchestrators/APIWaitEvent/f1")
            #expect(r.status == 202)
            let replaced = try await server.waitFor("f1", .running)
            #expect(replaced.name == "APIWaitEvent")
            #expect(replaced.input == nil)
            try await server.client.terminate("f1", reason: "stop")
            _ = try await server.waitFor("f1", .terminated)
            let r2 = try await server.post("/orchestrators/APIGreet/f1", body: #""Bern""#)
            #expect(r2.status == 202)
            #expect(try await server.waitDone("f1").output == #""Hello Bern!""#)
        }
    }

    /// Row 5: a body that is not JSON, or an unknown orchestrator: 400, and nothing is created.
    @Test func badBodyOrUnknownOrchestratorIs400() async throws {
        try await withAPIServer { server in
            try expectError(try await server.post("/orchestrators/APIGreet/x1", body: "{not json"), 400, "invalid_json")
            try expectError(try await server.post("/orchestrators/APIGreet/x1", body: #""a" "b""#), 400, "invalid_json")
            try expectError(try await server.post("/orchestrators/NoSuchThing/x2", body: "1"), 400, "unknown_function")
            try expectError(try await server.post("/orchestrators/NoSuchThing"), 400, "unknown_function")
            #expect(try await server.client.queryInstances(.init()).instances.isEmpty)
            // Function names match case-insensitively, as in DF.
            let r = try await server.post("/orchestrators/apigreet/x3", body: #""Lima""#)
            #expect(r.status == 202)
            #expect(try await server.waitDone("x3").name == "APIGreet")
        }
    }

    /// Row 6: ids with a leading `@`, `/ \ ? #`, control characters (C0 and C1), `.` and `..`, or more than 256
    /// UTF-16 code units are refused; spaces, `:`, `+`, inner `@` and non-ASCII are fine.
    @Test(arguments: [
        "%40entity", "a%2Fb", "a%5Cb", "a%3Fb", "a%23b", "a%01b", "a%7Fb", "a%C2%85b", "%2E", "%2E%2E",
        String(repeating: "x", count: 257),
        String(repeating: "%F0%9F%98%80", count: 129),  // 129 emoji = 258 UTF-16 units
    ])
    func invalidInstanceIdsAre400(_ encodedId: String) async throws {
        try await withAPIServer { server in
            try expectError(try await server.post("/orchestrators/APIGreet/\(encodedId)", body: #""x""#), 400, "invalid_instance_id")
            #expect(try await server.client.queryInstances(.init()).instances.isEmpty)
        }
    }

    /// Signal-with-start refuses the same IDs, with the same answer, and creates nothing.
    @Test(arguments: [
        "%40entity", "a%2Fb", "a%5Cb", "a%3Fb", "a%23b", "a%01b", "a%7Fb", "a%C2%85b", "%2E", "%2E%2E",
        String(repeating: "x", count: 257),
        String(repeating: "%F0%9F%98%80", count: 129),  // 129 emoji = 258 UTF-16 units
    ])
    func invalidInstanceIdsAre400OnSignalWithStart(_ encodedId: String) async throws {
        try await withAPIServer { server in
            let response = try await server.post(
                "/orchestrators/APIWaitEvent/\(encodedId)/signalWithStart/go", body: #"{"input": 1, "eventData": {"n": 1, "tag": "a"}}"#,
                contentType: "application/json")
            try expectError(response, 400, "invalid_instance_id")
            #expect(try await server.client.queryInstances(.init()).instances.isEmpty)
        }
    }

    /// The event name's rule is raise-event's: a `$` name is refused with `400 bad_request`.
    @Test func reservedEventNamesAre400OnSignalWithStart() async throws {
        try await withAPIServer { server in
            let response = try await server.post(
                "/orchestrators/APIWaitEvent/sws-reserved/signalWithStart/%24go", body: #"{"input": 1}"#,
                contentType: "application/json")
            try expectError(response, 400, "bad_request")
            #expect(response.text.contains("is reserved"), "\(response.text)")
            #expect(try await server.client.getInstance("sws-reserved") == nil)
        }
    }

    @Test func allowedInstanceIdsRoundTrip() async throws {
        let ids = [
            "with space", "a:b", "a+b", "a@b", "grüße-日本", String(repeating: "x", count: 256),
            String(repeating: "😀", count: 128),
        ]
        try await withAPIServer { server in
            for id in ids {
                let path = CheckStatusLinks.percentEncode(id, spaceAsPlus: false).replacingOccurrences(of: "%2B", with: "+")
                let r = try await server.post("/orchestrators/APIGreet/\(path)", body: #""x""#)
                #expect(r.status == 202, "\(id): \(r.text)")
                #expect(try r.object()["id"] as? String == id)
                _ = try await server.waitDone(id)
                // The generated link addresses the same instance.
                let status = try await server.get(try #require(r.header("Location")))
                #expect(status.status == 200)
                #expect(try status.object()["instanceId"] as? String == id)
            }
        }
    }

    /// Row 7 (in memory): a live id is a conflict, and the running instance is untouched.
    @Test func liveIdIsConflict() async throws {
        try await withAPIServer { server in
            #expect(try await server.post("/orchestrators/APIWaitEvent/live-1").status == 202)
            let before = try await server.waitFor("live-1", .running)
            try expectError(try await server.post("/orchestrators/APIWaitEvent/live-1"), 409, "conflict")
            try await server.client.suspend("live-1")
            _ = try await server.waitFor("live-1", .suspended)
            try expectError(try await server.post("/orchestrators/APIGreet/live-1", body: #""x""#), 409, "conflict")
            #expect(try await server.client.getInstance("live-1")?.executionId == before.executionId)
        }
    }

    /// Row 8: wait mode; Completed in time gives 200 with the output alone, no Location.
    @Test func waitModeCompletedReturnsOutput() async throws {
        try await withAPIServer { server in
            let r = try await server.post("/orchestrators/APIGreet/w1?timeout=10&pollingInterval=1", body: #""Kyiv""#)
            #expect(r.status == 200)
            #expect(r.header("Location") == nil)
            #expect(r.header("Content-Type") == "application/json; charset=utf-8")
            #expect(try r.json() as? String == "Hello Kyiv!")
            // DF backends with a poll-free wait need only `timeout`.
            let r2 = try await server.post("/orchestrators/APIGreet/w2?timeout=10", body: #""Riga""#)
            #expect(r2.status == 200)
            #expect(r2.text == #""Hello Riga!""#)
        }
    }

    /// Row 8: Failed and Terminated in time give 200 with the status object (never 500 here).
    @Test func waitModeFailedOrTerminatedReturnsStatus() async throws {
        try await withAPIServer { server in
            let r = try await server.post(
                "/orchestrators/APIFail/w3?timeout=10&pollingInterval=1&returnInternalServerErrorOnFailure=true")
            #expect(r.status == 200)
            let failed = try r.object()
            #expect(failed["runtimeStatus"] as? String == "Failed")
            #expect(failed["instanceId"] as? String == "w3")
            #expect(failed["output"] as? String == "BoomError: boom")
            #expect(failed["historyEvents"] == nil)

            let waiting = Task {
                try await server.post("/orchestrators/APIWaitEvent/w4?timeout=10&pollingInterval=1&showHistory=true")
            }
            _ = try await server.waitFor("w4", .running)
            try await server.client.terminate("w4", reason: "enough")
            let t = try await waiting.value
            #expect(t.status == 200)
            let terminated = try t.object()
            #expect(terminated["runtimeStatus"] as? String == "Terminated")
            #expect(terminated["output"] as? String == "enough")
            #expect((terminated["historyEvents"] as? [Any])?.isEmpty == false)
        }
    }

    /// Row 9: still running at the timeout gives the 202 check-status answer; pollingInterval >
    /// timeout gives 400, after the instance was created.
    @Test func waitModeTimeoutAndBadInterval() async throws {
        try await withAPIServer { server in
            let start = ContinuousClock.now
            let r = try await server.post("/orchestrators/APIWaitEvent/w5?timeout=0.5&pollingInterval=0.1")
            #expect(r.status == 202)
            #expect(ContinuousClock.now - start >= .milliseconds(450))
            #expect(try r.object()["id"] as? String == "w5")
            #expect(r.header("Location") != nil)
            #expect(r.header("Retry-After") == "10")

            try expectError(try await server.post("/orchestrators/APIGreet/w6?timeout=1&pollingInterval=5", body: #""x""#), 400, "bad_request")
            #expect(try await server.waitDone("w6").runtimeStatus == .completed)
        }
    }

    /// Our addition: signal-with-start creates the instance with the event, then on the live
    /// instance only raises the event (`x-durable-created: false`, input ignored).
    @Test func signalWithStart() async throws {
        try await withAPIServer { server in
            let first = try await server.post(
                "/orchestrators/APIWaitEvent/sws-1/signalWithStart/go", body: #"{"input": 2, "eventData": {"n": 1, "tag": "a"}}"#,
                contentType: "application/json")
            #expect(first.status == 202)
            #expect(first.header("x-durable-created") == "true")
            #expect(first.header("Retry-After") == "10")
            #expect(try first.object()["id"] as? String == "sws-1")
            #expect(first.header("Location") == (try first.object()["statusQueryGetUri"] as? String))
            let running = try await server.waitFor("sws-1", .running)
            #expect(running.input == "2")

            let second = try await server.post(
                "/orchestrators/APIWaitEvent/sws-1/SIGNALWITHSTART/go", body: #"{"input": 99, "eventData": {"n": 2, "tag": "b"}}"#)
            #expect(second.status == 202)
            #expect(second.header("x-durable-created") == "false")
            let done = try await server.waitDone("sws-1")
            #expect(done.executionId == running.executionId)
            #expect(done.input == "2")
            #expect(try done.output(as: [APIEventData].self) == [APIEventData(n: 1, tag: "a"), APIEventData(n: 2, tag: "b")])

            // A finished instance is started again.
            let third = try await server.post("/orchestrators/APIWaitEvent/sws-1/signalWithStart/go", body: #"{"eventData": {"n": 3, "tag": "c"}}"#)
            #expect(third.header("x-durable-created") == "true")
            #expect(try await server.waitDone("sws-1").output(as: [APIEventData].self) == [APIEventData(n: 3, tag: "c")])

            try expectError(try await server.post("/orchestrators/APIWaitEvent/sws-2/signalWithStart/go", body: "[1]"), 400, "bad_request")
            try expectError(try await server.post("/orchestrators/APIWaitEvent/sws-2/signalWithStart/go", body: #"{"inptu": 1}"#), 400, "bad_request")
            try expectError(try await server.post("/orchestrators/APIWaitEvent/sws-2/signalWithStart/go", body: "{"), 400, "invalid_json")
            try expectError(try await server.post("/orchestrators/Nope/sws-2/signalWithStart/go"), 400, "unknown_function")
            try expectError(try await server.post("/orchestrators/APIWaitEvent/%40e/signalWithStart/go"), 400, "invalid_instance_id")
            #expect(try await server.client.getInstance("sws-2") == nil)
        }
    }
}
