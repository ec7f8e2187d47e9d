public import DurableTask

/// The error ``DurableTask/OrchestrationContext/callHttp(_:)`` throws when the request's total
/// ``DurableHTTPOptions/timeout`` elapses before a final answer (including polls and retries).
///
/// Uncaught, it fails the orchestration with `errorType` `"DurableHTTPTimeoutError"`. Requests
/// still in flight when it is thrown finish in the background; their results are ignored.
public struct DurableHTTPTimeoutError: FailureDetailsConvertible, Sendable, Hashable, CustomStringConvertible {
    /// The recorded `errorType`: `"DurableHTTPTimeoutError"`.
    public static let failureType = "DurableHTTPTimeoutError"

    /// The URL of the original request.
    public var url: String
    /// The total timeout that elapsed.
    public var timeout: Duration
    /// How many polls of a 202 `Location` had completed.
    public var polls: Int
    /// The last response seen (usually a 202), if any.
    public var lastResponse: DurableHTTPResponse?

    /// Creates the error.
    public init(url: String, timeout: Duration, polls: Int, lastResponse: DurableHTTPResponse? = nil) {
        self.url = url
        self.timeout = timeout
        self.polls = polls
        self.lastResponse = lastResponse
    }

    /// A sentence naming the URL, the timeout, the polls and the last status.
    public var description: String {
        var text = "Durable HTTP call to '\(url)' timed out after \(timeout) (\(polls) poll\(polls == 1 ? "" : "s"))"
        if let lastResponse { text += "; last status \(lastResponse.statusCode)" }
        return text
    }

    /// The recorded form, typed ``failureType``.
    public var failureDetails: FailureDetails {
        FailureDetails(errorType: Self.failureType, errorMessage: description)
    }
}
