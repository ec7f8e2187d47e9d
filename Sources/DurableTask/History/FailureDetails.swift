/// A durable description of a failure, recorded in history and surfaced to callers.
///
/// This is the Durable Task `FailureDetails` shape: an error type name, a message,
/// an optional stack trace, an optional inner failure and a non-retriable flag.
public struct FailureDetails: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The error's type name, such as `"NonDeterministicOrchestration"` or a Swift type name.
    public var errorType: String
    /// A human-readable message.
    public var errorMessage: String
    /// A stack trace or call-site description, when one is available.
    public var stackTrace: String?
    /// Whether retry policies must not retry this failure.
    public var isNonRetriable: Bool
    // Stored as an array so the struct can be recursive.
    private var inner: [FailureDetails]

    /// The failure that caused this one, if any.
    public var innerFailure: FailureDetails? {
        get { inner.first }
        set { inner = newValue.map { [$0] } ?? [] }
    }

    /// Creates failure details.
    public init(
        errorType: String,
        errorMessage: String,
        stackTrace: String? = nil,
        innerFailure: FailureDetails? = nil,
        isNonRetriable: Bool = false
    ) {
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.stackTrace = stackTrace
        self.isNonRetriable = isNonRetriable
        self.inner = innerFailure.map { [$0] } ?? []
    }

    /// Describes any Swift error as failure details.
    ///
    /// Errors conforming to ``FailureDetailsConvertible`` describe themselves; other errors
    /// use their dynamic type name and `String(describing:)`.
    public init(error: any Error) {
        if let convertible = error as? any FailureDetailsConvertible {
            self = convertible.failureDetails
        } else {
            self.init(errorType: String(reflecting: type(of: error)), errorMessage: String(describing: error))
        }
    }

    /// `type: message`.
    public var description: String { "\(errorType): \(errorMessage)" }

    private enum CodingKeys: String, CodingKey {
        case errorType, errorMessage, stackTrace, isNonRetriable, innerFailure
    }

    /// Decodes the JSON form stores keep (a missing `isNonRetriable` is `false`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        errorType = try c.decode(String.self, forKey: .errorType)
        errorMessage = try c.decode(String.self, forKey: .errorMessage)
        stackTrace = try c.decodeIfPresent(String.self, forKey: .stackTrace)
        isNonRetriable = try c.decodeIfPresent(Bool.self, forKey: .isNonRetriable) ?? false
        inner = try c.decodeIfPresent(FailureDetails.self, forKey: .innerFailure).map { [$0] } ?? []
    }

    /// Encodes as JSON; `isNonRetriable` is written only when it is `true`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(errorType, forKey: .errorType)
        try c.encode(errorMessage, forKey: .errorMessage)
        try c.encodeIfPresent(stackTrace, forKey: .stackTrace)
        if isNonRetriable { try c.encode(true, forKey: .isNonRetriable) }
        try c.encodeIfPresent(innerFailure, forKey: .innerFailure)
    }
}

/// An error that knows how to describe itself as ``FailureDetails``.
///
/// Activities throw such errors to control the recorded type name, or to mark a failure non-retriable.
public protocol FailureDetailsConvertible: Error {
    /// The durable description of this error.
    var failureDetails: FailureDetails { get }
}

/// An error an activity or orchestrator can throw to fail with an explicit type and message.
public struct ApplicationError: FailureDetailsConvertible, Sendable, Hashable {
    /// The recorded error type name.
    public var type: String
    /// The recorded message.
    public var message: String
    /// Whether retry policies must not retry this failure.
    public var isNonRetriable: Bool

    /// Creates an application error.
    public init(type: String = "ApplicationError", message: String, isNonRetriable: Bool = false) {
        self.type = type
        self.message = message
        self.isNonRetriable = isNonRetriable
    }

    /// The failure as recorded: this error's type, message and retriability.
    public var failureDetails: FailureDetails {
        FailureDetails(errorType: type, errorMessage: message, isNonRetriable: isNonRetriable)
    }
}
