import DurableTask
import DurableTaskHTTP
import DurableTaskTesting
import Foundation
import HTTPTypes
import Hummingbird
import Testing

/// One request, one response: status, headers and body travel both ways.
@Suite("Durable HTTP: plain requests", .timeLimit(.minutes(2)))
struct PlainRequestTests {
    @Test func getReturnsStatusHeadersAndBody() async throws {
        try await withDurableHTTP(routes: { router in
            router.get("hello") { request, _ in
                reply(200, headers: ["X-Reply": "yes"], body: "hello \(request.headers[HTTPField.Name("X-Test")!] ?? "?")")
            }
        }) { server, host in
            let done = try await host.callHttp(DurableHTTPRequest(url: server.url("/hello"), headers: ["X-Test": "abc"]))
            #expect(done.runtimeStatus == .completed)
            let response = try done.output(as: DurableHTTPResponse.self)
            #expect(response.statusCode == 200)
            #expect(response.body == "hello abc")
            #expect(response.header("x-reply") == "yes", "header lookup is case-insensitive")
            #expect(response.header("X-REPLY") == "yes")
            let received = server.log.requests("/hello")
            #expect(received.count == 1)
            #expect(received.first?.method == "GET")
            #expect(received.first?.headers["x-test"] == "abc")
            let summary = try await host.summary(done.instanceId)
            #expect(summary.httpActivities.count == 1)
            #expect(summary.timersCreated.isEmpty)
        }
    }

    @Test func postSendsTheBodyAndReturnsTheAnswer() async throws {
        try await withDurableHTTP(routes: { router in
            router.post("items") { request, _ in
                var request = request
                let text = String(buffer: try await request.collectBody(upTo: 1 << 16))
                return reply(201, headers: ["Content-Type": "application/json"], body: #"{"received":\#(text)}"#)
            }
        }) { server, host in
            let payload = #"{"name":"widget","count":3}"#
            let done = try await host.callHttp(DurableHTTPRequest(
                method: "post", url: server.url("/items"), headers: ["Content-Type": "application/json"], body: payload))
            let response = try done.output(as: DurableHTTPResponse.self)
            #expect(response.statusCode == 201)
            #expect(response.body == #"{"received":\#(payload)}"#)
            #expect(response.header("content-type") == "application/json")
            let received = server.log.requests("/items")
            #expect(received.map(\.method) == ["POST"], "the method is sent upper-cased, once")
            #expect(received.first?.body == payload)
        }
    }

    @Test func anErrorStatusIsAResponseNotAFailure() async throws {
        try await withDurableHTTP(routes: { router in
            router.get("missing") { _, _ in reply(404, body: "no such thing") }
            router.get("empty") { _, _ in reply(204) }
        }) { server, host in
            let missing = try await host.callHttp(DurableHTTPRequest(url: server.url("/missing")))
            #expect(missing.runtimeStatus == .completed)
            let notFound = try missing.output(as: DurableHTTPResponse.self)
            #expect(notFound.statusCode == 404)
            #expect(notFound.body == "no such thing")
            let empty = try await host.callHttp(DurableHTTPRequest(url: server.url("/empty")))
            let response = try empty.output(as: DurableHTTPResponse.self)
            #expect(response.statusCode == 204)
            #expect(response.body == nil, "an empty body is nil")
        }
    }

    @Test func aRedirectIsReturnedNotFollowed() async throws {
        try await withDurableHTTP(routes: { router in
            router.get("old") { _, _ in reply(302, headers: ["Location": "/new"]) }
            router.get("new") { _, _ in reply(200, body: "new") }
        }) { server, host in
            let done = try await host.callHttp(DurableHTTPRequest(url: server.url("/old")))
            let response = try done.output(as: DurableHTTPResponse.self)
            #expect(response.statusCode == 302)
            #expect(response.header("location") == "/new")
            #expect(server.log.count("/new") == 0, "the recommended client configuration does not follow redirects")
        }
    }

    @Test func anOversizedBodyFailsNonRetriably() async throws {
        try await withDurableHTTP(routes: { router in
            router.get("big") { _, _ in reply(200, body: String(repeating: "x", count: 4096)) }
            router.get("small") { _, _ in reply(200, body: String(repeating: "y", count: 1024)) }
        }, maxResponseBodySize: 1024) { server, host in
            let small = try await host.callHttpCatching(DurableHTTPRequest(url: server.url("/small")))
            #expect(small.response?.body?.count == 1024, "a body of exactly the limit is accepted")
            let retry = DurableHTTPRetryOptions(maxAttempts: 3, firstRetryInterval: .milliseconds(10))
            let big = try await host.callHttpCatching(DurableHTTPRequest(url: server.url("/big"), options: .init(retry: retry)))
            #expect(big.errorType == "DurableHTTPError")
            #expect(big.code == "responseTooLarge")
            #expect(big.isNonRetriable == true)
            #expect(big.message?.contains("1024 bytes") == true)
            #expect(server.log.count("/big") == 1, "a non-retriable failure is not retried")
        }
    }

    @Test func theActivityIsRegisteredUnderItsBuiltInName() async throws {
        try await withHTTPClient { client in
            var registry = TaskRegistry()
            registry.addDurableHTTP(client: client)
            #expect(registry.activityNames == ["BuiltIn::HttpActivity"])
            #expect(DurableHTTPActivity.name == "BuiltIn::HttpActivity")
        }
    }
}
