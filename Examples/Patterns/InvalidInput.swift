public import DurableTask

/// What an example throws for an input it cannot run with: a number out of its range, or
/// arithmetic on the input that would overflow.
///
/// The instance (or entity operation) fails with FailureDetails `InvalidInput: <message>`,
/// which no retry can change, so it is non-retriable. The examples check their arithmetic
/// with it instead of trapping, which would crash the host that runs them.
public struct InvalidInput: FailureDetailsConvertible, Sendable, Hashable, CustomStringConvertible {
    /// The recorded error type.
    public static let errorType = "InvalidInput"

    /// What is wrong, naming the field and the value.
    public var message: String

    /// Creates the error.
    public init(_ message: String) { self.message = message }

    /// `InvalidInput: message`.
    public var description: String { "\(Self.errorType): \(message)" }

    /// The recorded form: type ``errorType``, non-retriable.
    public var failureDetails: FailureDetails {
        FailureDetails(errorType: Self.errorType, errorMessage: message, isNonRetriable: true)
    }
}
