/// A stable error code: a short name, typed by the error that uses it, so that the codes of two
/// error types cannot be mixed up. Each error type names its codes as static members of
/// `ErrorCode<ThatError>` (its `Code`); compare against them (`error.code == .timeout`).
public struct ErrorCode<Domain>: Hashable, Sendable, CustomStringConvertible {
    /// The code's name, e.g. `instanceNotFound`.
    public let rawValue: String

    /// Creates a code; the error types of this package define theirs.
    package init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// The code's name.
    public var description: String { rawValue }
}
