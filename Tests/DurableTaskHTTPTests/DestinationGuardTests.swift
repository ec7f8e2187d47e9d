import DurableTask
import DurableTaskHTTP
import DurableTaskTesting
import Foundation
import Hummingbird
import Testing

/// The host's allow-list: refusals are non-retriable, name the host, and nothing is sent.
@Suite("Durable HTTP: destination allow-list", .timeLimit(.minutes(2)))
struct DestinationGuardTests {
    static let retry = DurableHTTPRetryOptions(maxAttempts: 3, firstRetryInterval: .milliseconds(10))

    @Test func aDestinationOutsideTheListFailsNonRetriablyAndIsNotContacted() async throws {
        try await withDurableHTTP(
            routes: { router in router.get("secret") { _, _ in reply(200, body: "internal") } },
            destinations: { server in .only([.http("localhost", port: .exactly(server.port)), .https("*.example.com")]) }
        ) { server, host in
            let done = try await host.callHttp(DurableHTTPRequest(url: server.url("/secret"), options: .init(retry: Self.retry)))
            #expect(done.runtimeStatus == .failed)
            let failure = try #require(done.failureDetails)
            #expect(failure.errorType == "DurableHTTPError.destinationNotAllowed")
            #expect(failure.isNonRetriable)
            #expect(failure.errorMessage.contains("'127.0.0.1'"), "the failure names the host: \(failure.errorMessage)")
            #expect(server.log.all.isEmpty, "nothing reached the server")
            let summary = try await host.summary(done.instanceId)
            #expect(summary.httpActivities.count == 1, "a non-retriable failure is not retried despite the retry options")
            #expect(summary.taskFailures == ["DurableHTTPError.destinationNotAllowed"])

            let caught = try await host.callHttpCatching(DurableHTTPRequest(url: server.url("/secret")))
            #expect(caught.errorType == "DurableHTTPError")
            #expect(caught.code == "destinationNotAllowed")
            #expect(caught.isNonRetriable == true)
        }
    }

    @Test func theDefaultConfigurationDeniesEverything() async throws {
        #expect(DurableHTTPConfiguration().destinations == .denyAll)
        try await withDurableHTTP(
            routes: { router in router.get("x") { _, _ in reply(200) } },
            destinations: { _ in DurableHTTPConfiguration().destinations }
        ) { server, host in
            let caught = try await host.callHttpCatching(DurableHTTPRequest(url: server.url("/x")))
            #expect(caught.code == "destinationNotAllowed")
            #expect(caught.message?.contains("127.0.0.1") == true)
            #expect(server.log.all.isEmpty)
        }
    }

    @Test func aLocationPointingToADisallowedHostStopsThePolling() async throws {
        try await withDurableHTTP(routes: { router in
            router.post("jobs") { request, _ in
                // Same server and port, but under a host name the list does not admit.
                let port = (request.head.authority ?? "").split(separator: ":").last.map(String.init) ?? "0"
                return reply(202, headers: ["Location": "http://localhost:\(port)/jobs/status"])
            }
            router.get("jobs/status") { _, _ in reply(200, body: "should not be read") }
        }) { server, host in
            let done = try await host.callHttp(DurableHTTPRequest(
                method: "POST", url: server.url("/jobs"), options: .init(pollingInterval: .milliseconds(20), retry: Self.retry)))
            #expect(done.runtimeStatus == .failed)
            let failure = try #require(done.failureDetails)
            #expect(failure.errorType == "DurableHTTPError.destinationNotAllowed")
            #expect(failure.isNonRetriable)
            #expect(failure.errorMessage.contains("'localhost'"), "the failure names the host: \(failure.errorMessage)")
            #expect(server.log.count("/jobs") == 1)
            #expect(server.log.count("/jobs/status") == 0, "the poll was refused before it was sent")
            let summary = try await host.summary(done.instanceId)
            #expect(summary.httpActivities.map(\.input.url) == [server.url("/jobs"), "http://localhost:\(server.port)/jobs/status"])
        }
    }

    @Test func rulesMatchSchemeHostAndPort() throws {
        let rules = DurableHTTPDestinations.only([
            .https("api.example.com"),
            .https("*.svc.example.com", port: .any),
            .http("127.0.0.1", port: .exactly(8080)),
            .http("::1", port: .exactly(9000)),
        ])
        for allowed in [
            "https://api.example.com/v1", "https://API.Example.com./v1", "https://api.example.com:443/",
            "https://a.svc.example.com:8443/x", "https://a.b.svc.example.com/", "http://127.0.0.1:8080/x", "http://[::1]:9000/",
        ] {
            #expect(throws: Never.self, "\(allowed)") { try rules.check(allowed) }
        }
        for denied in [
            "http://api.example.com/v1",  // scheme
            "https://api.example.com:8443/",  // port other than the scheme's default
            "https://svc.example.com/",  // a wildcard matches subdomains only
            "https://evilsvc.example.com/",  // not a subdomain of svc.example.com
            "http://127.0.0.1:8081/", "http://127.0.0.2:8080/", "https://api.example.com.evil.net/",
            "https://api.example.com@evil.net/",  // userinfo, the host is evil.net
        ] {
            let error = try #require(throws: DurableHTTPError.self, "\(denied)") { try rules.check(denied) }
            #expect(error.code == .destinationNotAllowed)
        }
        #expect(throws: Never.self) { try DurableHTTPDestinations.allowAll.check("http://anything.internal:1234/") }
        for invalid in ["ftp://api.example.com/", "http+unix://%2Ftmp%2Fs/x", "/relative/path", "not a url"] {
            let error = try #require(throws: DurableHTTPError.self, "\(invalid)") { try DurableHTTPDestinations.allowAll.check(invalid) }
            #expect(error.code == .invalidRequest, "\(invalid): only absolute http(s) URLs, even with allowAll")
            #expect(error.isNonRetriable)
        }
    }
}
