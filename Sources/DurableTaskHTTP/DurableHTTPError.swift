public import DurableTask
import Foundation

/// A durable HTTP call failed: the destination is not allowed, the request is invalid, the
/// transport failed, or the response could not be accepted.
///
/// The built-in activity fails with this error, so it is recorded in history as
/// ``DurableTask/FailureDetails`` with `errorType` `"DurableHTTPError.<code>"`, for example
/// `"DurableHTTPError.destinationNotAllowed"`. ``DurableTask/OrchestrationContext/callHttp(_:)``
/// turns such a recorded failure back into this error, so orchestrators can catch it by code.
public struct DurableHTTPError: FailureDetailsConvertible, Sendable, Hashable, CustomStringConvertible {
    /// The failure category. Compare against the static members.
    public typealias Code = ErrorCode<DurableHTTPError>

    /// The `errorType` prefix of recorded failures: `"DurableHTTPError"`.
    public static let failureTypePrefix = "DurableHTTPError"

    /// The category.
    public var code: Code
    /// A human-readable message; for ``Code/destinationNotAllowed`` it names the host.
    public var message: String
    /// The response, for ``Code/retriableStatus``.
    public var response: DurableHTTPResponse?

    /// Creates an error.
    public init(_ code: Code, _ message: String, response: DurableHTTPResponse? = nil) {
        self.code = code
        self.message = message
        self.response = response
    }

    /// Reads the error back from recorded failure details; `nil` if they describe another error.
    public init?(failureDetails details: FailureDetails) {
        let prefix = Self.failureTypePrefix + "."
        guard details.errorType.hasPrefix(prefix) else { return nil }
        code = Code(String(details.errorType.dropFirst(prefix.count)))
        message = details.errorMessage
        response = details.innerFailure.flatMap { inner in
            guard inner.errorType == Self.responseCarrierType else { return nil }
            return try? JSONDecoder().decode(DurableHTTPResponse.self, from: Data(inner.errorMessage.utf8))
        }
    }

    /// Whether retry policies must not retry this failure.
    public var isNonRetriable: Bool { !code.isRetriable }

    /// `DurableHTTPError.code: message`.
    public var description: String { "\(Self.failureTypePrefix).\(code): \(message)" }

    /// The recorded form. A ``response`` travels as the inner failure, typed `"DurableHTTPResponse"`,
    /// whose message is the response as JSON.
    public var failureDetails: FailureDetails {
        let inner = response.flatMap { response -> FailureDetails? in
            guard let data = try? JSONEncoder().encode(response) else { return nil }
            return FailureDetails(errorType: Self.responseCarrierType, errorMessage: String(decoding: data, as: UTF8.self))
        }
        return FailureDetails(
            errorType: "\(Self.failureTypePrefix).\(code)", errorMessage: message, innerFailure: inner,
            isNonRetriable: isNonRetriable)
    }

    static let responseCarrierType = "DurableHTTPResponse"
}

extension ErrorCode where Domain == DurableHTTPError {
    /// The destination (scheme, host, port) is not in the host's allow-list. Never retried.
    public static var destinationNotAllowed: Self { Self("destinationNotAllowed") }
    /// The request is malformed: not an absolute http(s) URL, or rejected by the client. Never retried.
    public static var invalidRequest: Self { Self("invalidRequest") }
    /// The connection failed or broke (refused, reset, TLS, DNS). Retriable.
    public static var transport: Self { Self("transport") }
    /// One request took longer than its per-request timeout. Retriable.
    public static var requestTimeout: Self { Self("requestTimeout") }
    /// The response body exceeded the host's size limit. Never retried.
    public static var responseTooLarge: Self { Self("responseTooLarge") }
    /// The response could not be used (a body that is not UTF-8, a `Location` that is not a URL). Never retried.
    public static var invalidResponse: Self { Self("invalidResponse") }
    /// The response status is one the request's retry options list; ``DurableHTTPError/response`` holds it.
    /// Retriable. ``DurableTask/OrchestrationContext/callHttp(_:)`` returns the response when attempts run out.
    public static var retriableStatus: Self { Self("retriableStatus") }

    /// Whether a retry policy may retry this failure.
    public var isRetriable: Bool {
        self == .transport || self == .requestTimeout || self == .retriableStatus
    }
}
