import DurableTask
import DurableTaskHTTP
import Foundation
import Testing

/// The value types' JSON forms and the recorded form of the errors.
@Suite("Durable HTTP: coding", .timeLimit(.minutes(3)))
struct CodingTests {
    @Test func requestRoundTripsWithDurationsAsSeconds() throws {
        let request = DurableHTTPRequest(
            method: "POST", url: "https://api.example.com/jobs", headers: ["A": "1"], body: "{}",
            options: DurableHTTPOptions(
                asynchronousPatternEnabled: false, timeout: .seconds(90), pollingInterval: .milliseconds(250),
                retry: DurableHTTPRetryOptions(maxAttempts: 3, firstRetryInterval: .seconds(2), backoffCoefficient: 1.5, maxRetryInterval: .seconds(30))))
        let json = try #require(try PayloadCoding.encode(request))
        #expect(try PayloadCoding.decode(DurableHTTPRequest.self, from: json) == request)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let options = try #require(object["options"] as? [String: Any])
        #expect(options["timeout"] as? Double == 90)
        #expect(options["pollingInterval"] as? Double == 0.25)
        #expect((options["retry"] as? [String: Any])?["statusCodes"] as? [Int] == [408, 429, 500, 502, 503, 504])
    }

    @Test func aMinimalRequestTakesTheDefaults() throws {
        let request = try PayloadCoding.decode(DurableHTTPRequest.self, from: #"{"url":"https://x.example/"}"#)
        #expect(request == DurableHTTPRequest(url: "https://x.example/"))
        #expect(request.method == "GET")
        #expect(request.options.asynchronousPatternEnabled)
        #expect(request.options.pollingInterval == .seconds(5))
        #expect(request.options.timeout == nil && request.options.retry == nil)
    }

    @Test func errorsRoundTripThroughFailureDetails() throws {
        let response = DurableHTTPResponse(statusCode: 503, headers: ["Retry-After": "1"], body: "busy")
        let error = DurableHTTPError(.retriableStatus, "answered 503", response: response)
        let details = error.failureDetails
        #expect(details.errorType == "DurableHTTPError.retriableStatus")
        #expect(!details.isNonRetriable)
        // Through JSON, as a store keeps it.
        let stored = try PayloadCoding.decode(FailureDetails.self, from: try PayloadCoding.encode(details))
        #expect(DurableHTTPError(failureDetails: stored) == error)

        let refused = DurableHTTPError(.destinationNotAllowed, "host 'evil.example' is not allowed")
        #expect(refused.failureDetails.isNonRetriable)
        #expect(DurableHTTPError(failureDetails: refused.failureDetails) == refused)
        #expect(DurableHTTPError(failureDetails: FailureDetails(errorType: "Other", errorMessage: "x")) == nil)

        let timeout = DurableHTTPTimeoutError(url: "https://x.example/", timeout: .seconds(5), polls: 2)
        #expect(timeout.failureDetails.errorType == "DurableHTTPTimeoutError")
        #expect(timeout.failureDetails.errorMessage.contains("2 polls"))
    }

    @Test func headerLookupIgnoresCase() {
        let response = DurableHTTPResponse(statusCode: 200, headers: ["Content-Type": "text/plain", "x-id": "7"])
        #expect(response.header("content-type") == "text/plain")
        #expect(response.header("X-ID") == "7")
        #expect(response.header("missing") == nil)
    }

    @Test func retryOptionsMapOntoTheCorePolicy() {
        let options = DurableHTTPRetryOptions(
            maxAttempts: 5, firstRetryInterval: .seconds(1), backoffCoefficient: 2, maxRetryInterval: .seconds(3))
        let policy = options.retryPolicy(retryTimeout: .seconds(60))
        #expect(policy.maxAttempts == 5)
        #expect(policy.delay(afterAttempt: 1) == .seconds(1))
        #expect(policy.delay(afterAttempt: 2) == .seconds(2))
        #expect(policy.delay(afterAttempt: 3) == .seconds(3), "capped by maxRetryInterval")
        #expect(policy.retryTimeout == .seconds(60))
        let transient = TaskFailedError(taskName: "BuiltIn::HttpActivity", taskId: 0, cause: DurableHTTPError(.transport, "reset").failureDetails)
        let other = TaskFailedError(taskName: "BuiltIn::HttpActivity", taskId: 0, cause: FailureDetails(errorType: "SomethingElse", errorMessage: "x"))
        #expect(policy.shouldRetry?(transient) == true)
        #expect(policy.shouldRetry?(other) == false, "only the HTTP module's retriable failures are retried")
    }
}
