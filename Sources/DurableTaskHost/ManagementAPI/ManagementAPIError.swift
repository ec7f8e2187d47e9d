package import DurableTask
package import Hummingbird

/// An error the management API answers with: an HTTP status, a stable machine-readable code and a
/// message for humans. It is sent as `{"error": code, "message": text}` (§8.2 of
/// `docs/MANAGEMENT-API.md`).
package struct ManagementAPIError: Error, Sendable, CustomStringConvertible {
    /// The stable, machine-readable error code sent as `error`.
    package typealias Code = ErrorCode<ManagementAPIError>

    /// The HTTP status.
    package var status: HTTPResponse.Status
    /// The error code.
    package var code: Code
    /// A human-readable message.
    package var message: String

    /// Creates an error.
    package init(_ status: HTTPResponse.Status, _ code: Code, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    package var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON body.
    var body: JSONValue { .object([("error", .string(code.rawValue)), ("message", .string(message))]) }

    /// The response: the status and the JSON body.
    var response: Response { APIResponses.json(body, status: status) }
}

extension ManagementAPIError {
    static func notFound(_ message: String) -> Self { Self(.notFound, .notFound, message) }
    static func badRequest(_ message: String) -> Self { Self(.badRequest, .badRequest, message) }
    static func invalidJSON(_ message: String) -> Self { Self(.badRequest, .invalidJSON, message) }
    static func invalidState(_ message: String) -> Self { Self(.conflict, .invalidState, message) }
    static func gone(_ message: String) -> Self { Self(.gone, .gone, message) }
    static func noInstance(_ id: String) -> Self { notFound("no instance has ID '\(id)'") }
    static let unauthorized = Self(.unauthorized, .unauthorized, "a valid key is required (x-functions-key header or code query parameter)")
    static let noRoute = Self(.notFound, .notFound, "no management API route matches this method and path")
    /// The request body broke HTTP/1.1's framing (`error` says how); the connection is closed after the answer.
    static func malformedBody(_ error: any Error) -> Self {
        Self(.badRequest, .malformedRequest, "the request body is not well-formed HTTP/1.1 (\(error))")
    }
    static let `internal` = Self(.internalServerError, .internal, "the server failed to process the request; see its log")

    /// The store cannot be reached. For a request that writes, says that it may or may not have
    /// taken effect, and how to retry safely.
    static func storeUnavailable(_ method: HTTPRequest.Method) -> Self {
        let effect = method == .get || method == .head
            ? "" : " The request may or may not have taken effect: retry it with the same instance ID (a start of a live ID is refused with 409, so a retry never starts a second instance)."
        return Self(.serviceUnavailable, .storeUnavailable, "the task hub's store is unreachable; retry after a few seconds." + effect)
    }
}

extension ErrorCode where Domain == ManagementAPIError {
    /// No key, or a wrong key (401).
    package static var unauthorized: Self { Self("unauthorized") }
    /// Unknown route, wrong method, unknown instance (404).
    package static var notFound: Self { Self("not_found") }
    /// The instance has finished (410).
    package static var gone: Self { Self("gone") }
    /// An argument is missing or invalid (400).
    package static var badRequest: Self { Self("bad_request") }
    /// The body is not one JSON value (400).
    package static var invalidJSON: Self { Self("invalid_json") }
    /// The body's media type is not `application/json` (400).
    package static var unsupportedMediaType: Self { Self("unsupported_media_type") }
    /// The instance ID breaks the rules of §6.3 (400).
    package static var invalidInstanceID: Self { Self("invalid_instance_id") }
    /// No orchestrator has the name (400).
    package static var unknownFunction: Self { Self("unknown_function") }
    /// The `taskHub` parameter names a hub this host does not serve (404).
    package static var unknownTaskHub: Self { Self("unknown_task_hub") }
    /// A live instance already has the ID (409).
    package static var conflict: Self { Self("conflict") }
    /// The instance is in the wrong state for the operation (409).
    package static var invalidState: Self { Self("invalid_state") }
    /// The body is larger than the configured limit (413).
    package static var payloadTooLarge: Self { Self("payload_too_large") }
    /// The route exists but the engine does not support it yet (501).
    package static var notImplemented: Self { Self("not_implemented") }
    /// The request is not well-formed HTTP/1.1, e.g. a malformed chunked body (400); the
    /// server closes the connection after answering.
    package static var malformedRequest: Self { Self("malformed_request") }
    /// The server already holds its maximum of connections (503, with `Retry-After`); the
    /// connection is closed.
    package static var tooManyConnections: Self { Self("too_many_connections") }
    /// A wait for the engine timed out, e.g. no worker answered a schedule operation (503).
    package static var timeout: Self { Self("timeout") }
    /// The task hub's store cannot be reached (503, with `Retry-After`).
    package static var storeUnavailable: Self { Self("store_unavailable") }
    /// Anything unexpected (500); details go to the log, not to the caller.
    package static var `internal`: Self { Self("internal") }
}
