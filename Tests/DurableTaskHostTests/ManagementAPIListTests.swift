import DurableTask
import Foundation
import Testing

/// §4.3–§4.5 and rows 16–19 of the checklist.
@Suite(.timeLimit(.minutes(2)))
struct ManagementAPIListTests {
    static func iso(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    static func ids(_ r: APIResponse) throws -> Set<String> {
        Set(try r.array().compactMap { $0["instanceId"] as? String })
    }

    /// Row 16: the array, each filter, and `top` with the continuation-header loop.
    @Test func listWithFilters() async throws {
        try await withAPIServer { server in
            for i in 0..<3 { try await server.schedule("APIGreet", id: "done-\(i)", input: "n\(i)") }
            for i in 0..<3 { _ = try await server.waitDone("done-\(i)") }
            try await Task.sleep(for: .milliseconds(20))
            let middle = Date()
            try await Task.sleep(for: .milliseconds(20))
            for i in 0..<2 { try await server.schedule("APIWaitEvent", id: "live-\(i)") }
            for i in 0..<2 { _ = try await server.waitFor("live-\(i)", .running) }

            let all = try await server.get("/instances")
            #expect(all.status == 200)
            #expect(all.header("Content-Type") == "application/json; charset=utf-8")
            #expect(try Self.ids(all) == ["done-0", "done-1", "done-2", "live-0", "live-1"])
            #expect(all.header("x-ms-continuation-token") == nil)
            let first = try #require(try all.array().first { $0["instanceId"] as? String == "done-0" })
            #expect(first["input"] as? String == "n0")
            #expect(first["output"] as? String == "Hello n0!")
            #expect(first["historyEvents"] == nil)

            #expect(try Self.ids(await server.get("/instances?runtimeStatus=Running")) == ["live-0", "live-1"])
            #expect(try Self.ids(await server.get("/instances?runtimeStatus=Completed,Failed")) == ["done-0", "done-1", "done-2"])
            #expect(try Self.ids(await server.get("/instances?runtimeStatus=Failed&runtimeStatus=Running")) == ["live-0", "live-1"])
            // Numeric values are accepted; unknown names are dropped; none valid means no filter.
            #expect(try Self.ids(await server.get("/instances?runtimeStatus=1")) == ["done-0", "done-1", "done-2"])
            #expect(try Self.ids(await server.get("/instances?runtimeStatus=running,Bogus")) == ["done-0", "done-1", "done-2", "live-0", "live-1"])
            #expect(try Self.ids(await server.get("/instances?runtimeStatus=Bogus,Running")) == ["live-0", "live-1"])
            #expect(try Self.ids(await server.get("/instances?instanceIdPrefix=done-")) == ["done-0", "done-1", "done-2"])
            #expect(try Self.ids(await server.get("/instances?instanceIdPrefix=nomatch")).isEmpty)
            let m = Self.iso(middle).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try Self.ids(await server.get("/instances?createdTimeFrom=\(m)")) == ["live-0", "live-1"])
            #expect(try Self.ids(await server.get("/instances?createdTimeTo=\(m)")) == ["done-0", "done-1", "done-2"])
            #expect(try Self.ids(await server.get("/instances?createdTimeFrom=2000-01-01&createdTimeTo=2000-01-02")).isEmpty)
            let noInput = try await server.get("/instances?showInput=false&instanceIdPrefix=done-0")
            #expect(try noInput.array().first?["input"] is NSNull)
            #expect(try noInput.array().first?["output"] as? String == "Hello n0!")
            try expectError(try await server.get("/instances?createdTimeFrom=yesterday"), 400, "bad_request")

            // Paging: top=2, follow the header until it is gone.
            var seen: [String] = []
            var token: String?
            var pages = 0
            repeat {
                let page = try await server.get("/instances?top=2", headers: token.map { [("x-ms-continuation-token", $0)] } ?? [])
                #expect(page.status == 200)
                let items = try page.array().compactMap { $0["instanceId"] as? String }
                #expect(items.count <= 2)
                seen += items
                token = page.header("x-ms-continuation-token")
                pages += 1
            } while token != nil && pages < 10
            #expect(pages == 3)
            #expect(seen.count == 5)
            #expect(Set(seen).count == 5)
        }
    }

    /// Row 16 / §9: `top` ≤ 0 or not a number is 400; an empty store gives `[]`.
    @Test func badTopAndEmptyList() async throws {
        try await withAPIServer { server in
            let empty = try await server.get("/instances")
            #expect(empty.status == 200)
            #expect(empty.text == "[]")
            try expectError(try await server.get("/instances?top=0"), 400, "bad_request")
            try expectError(try await server.get("/instances?top=-3"), 400, "bad_request")
            try expectError(try await server.get("/instances?top=ten"), 400, "bad_request")
        }
    }

    /// Row 17: purge one: 200 `{"instancesDeleted":1}` and gone from the store; unknown 404;
    /// a live instance is refused by the store: 409 invalid_state.
    @Test func purgeOne() async throws {
        try await withAPIServer { server in
            try await server.schedule("APIGreet", id: "p1", input: "x")
            _ = try await server.waitDone("p1")
            let r = try await server.delete("/instances/p1")
            #expect(r.status == 200)
            #expect(r.header("Content-Type") == "application/json; charset=utf-8")
            #expect(r.text == #"{"instancesDeleted":1}"#)
            #expect(try await server.client.getInstance("p1") == nil)
            try expectError(try await server.delete("/instances/p1"), 404, "not_found")

            try await server.schedule("APIWaitEvent", id: "p2")
            _ = try await server.waitFor("p2", .running)
            try expectError(try await server.delete("/instances/p2"), 409, "invalid_state")
            #expect(try await server.client.getInstance("p2")?.runtimeStatus == .running)
        }
    }

    /// Rows 18 and 19: purge many deletes finished instances in the window (live ones stay);
    /// none matched is 404; createdTimeFrom missing or unparsable is 400.
    @Test func purgeMany() async throws {
        try await withAPIServer { server in
            try await server.schedule("APIGreet", id: "old-1", input: "a")
            try await server.schedule("APIFail", id: "old-2")
            try await server.schedule("APIWaitEvent", id: "old-live")
            _ = try await server.waitDone("old-1")
            _ = try await server.waitDone("old-2")
            _ = try await server.waitFor("old-live", .running)

            try expectError(try await server.delete("/instances"), 400, "bad_request")
            try expectError(try await server.delete("/instances?createdTimeFrom=not-a-date"), 400, "bad_request")
            try expectError(try await server.delete("/instances?createdTimeFrom=2000-01-01&createdTimeTo=2000-02-01"), 404, "not_found")
            try expectError(try await server.delete("/instances?createdTimeFrom=2000-01-01&runtimeStatus=Running"), 404, "not_found")

            let failedOnly = try await server.delete("/instances?createdTimeFrom=2000-01-01T00:00:00Z&runtimeStatus=Failed")
            #expect(failedOnly.status == 200)
            #expect(failedOnly.text == #"{"instancesDeleted":1}"#)
            #expect(try await server.client.getInstance("old-2") == nil)

            let r = try await server.delete("/instances?createdTimeFrom=2000-01-01")
            #expect(r.status == 200)
            #expect(try r.object()["instancesDeleted"] as? Int == 1)
            #expect(try await server.client.getInstance("old-1") == nil)
            #expect(try await server.client.getInstance("old-live")?.runtimeStatus == .running)
            try expectError(try await server.delete("/instances?createdTimeFrom=2000-01-01"), 404, "not_found")
        }
    }
}
