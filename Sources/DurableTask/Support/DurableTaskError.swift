/// An infrastructure or API-usage error: a struct with a code, a message and an optional underlying error.
///
/// Durable failures of orchestrations and activities are not this type; they are recorded as
/// ``FailureDetails`` and surface as ``TaskFailedError``.
public struct DurableTaskError: Error, Sendable, CustomStringConvertible {
    /// The error category. Compare against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        init(_ raw: String) { self.raw = raw }
        /// The code's name, e.g. `instanceNotFound`.
        public var description: String { raw }

        /// A live instance already has the requested ID and the reuse policy says fail.
        public static let instanceAlreadyExists = Code("instanceAlreadyExists")
        /// No instance has the requested ID.
        public static let instanceNotFound = Code("instanceNotFound")
        /// The instance has already finished, so it cannot take this request.
        public static let instanceCompleted = Code("instanceCompleted")
        /// The work item's lease expired or was taken by another worker; the result was not committed.
        public static let leaseLost = Code("leaseLost")
        /// A wait timed out.
        public static let timeout = Code("timeout")
        /// A name is not registered.
        public static let notRegistered = Code("notRegistered")
        /// An argument was invalid.
        public static let invalidArgument = Code("invalidArgument")
        /// A payload could not be encoded or decoded.
        public static let serialization = Code("serialization")
        /// The store failed (connection lost, script error, ...).
        public static let storeFailure = Code("storeFailure")
        /// The instance is in a state that does not allow the request (e.g. rewinding one that has not failed).
        public static let invalidState = Code("invalidState")
        /// The task hub does not exist or was deleted.
        public static let taskHubNotFound = Code("taskHubNotFound")
    }

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
