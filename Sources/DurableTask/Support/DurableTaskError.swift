/// An infrastructure or API-usage error: a struct with a code, a message and an optional underlying error.
///
/// Durable failures of orchestrations and activities are not this type; they are recorded as
/// ``FailureDetails`` and surface as ``TaskFailedError``.
public struct DurableTaskError: Error, Sendable, CustomStringConvertible {
    /// The error category. Compare against the static members.
    public typealias Code = ErrorCode<DurableTaskError>

    /// The category.
    public var code: Code
    /// A human-readable message.
    public var message: String
    /// The error that caused this one, if any.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`, followed by the underlying error if there is one.
    public var description: String {
        if let underlying { return "\(code): \(message) (\(underlying))" }
        return "\(code): \(message)"
    }
}

extension ErrorCode where Domain == DurableTaskError {
    /// A live instance already has the requested ID and the reuse policy says fail.
    public static var instanceAlreadyExists: Self { Self("instanceAlreadyExists") }
    /// No instance has the requested ID.
    public static var instanceNotFound: Self { Self("instanceNotFound") }
    /// The instance has already finished, so it cannot take this request.
    public static var instanceCompleted: Self { Self("instanceCompleted") }
    /// The work item's lease expired or was taken by another worker; the result was not committed.
    public static var leaseLost: Self { Self("leaseLost") }
    /// A wait timed out.
    public static var timeout: Self { Self("timeout") }
    /// A name is not registered.
    public static var notRegistered: Self { Self("notRegistered") }
    /// An argument was invalid.
    public static var invalidArgument: Self { Self("invalidArgument") }
    /// A payload could not be encoded or decoded.
    public static var serialization: Self { Self("serialization") }
    /// The store failed (connection lost, script error, ...).
    public static var storeFailure: Self { Self("storeFailure") }
    /// The instance is in a state that does not allow the request (e.g. rewinding one that has not failed).
    public static var invalidState: Self { Self("invalidState") }
    /// The task hub does not exist or was deleted.
    public static var taskHubNotFound: Self { Self("taskHubNotFound") }
}
