public import DurableTask
/// Why the host could not start or keep running: a code and a one-line message that says what to fix.
public struct HostError: Error, Sendable, CustomStringConvertible {
    /// The error category.
    public typealias Code = ErrorCode<HostError>

    /// The category.
    public var code: Code
    /// One line: what went wrong and what to do about it.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

extension HostError {
    /// The error as a one-line host error: a `HostError` as it is, anything else as `serviceFailed`.
    /// (A busy port is found before the services start, by the host's port probe.)
    static func describing(_ error: any Error) -> HostError {
        if let error = error as? HostError { return error }
        return HostError(.serviceFailed, "the host stopped: \(reason(error))")
    }

    /// A one-line reason for an underlying error.
    static func reason(_ error: any Error) -> String {
        "\(error)".split(separator: "\n").first.map(String.init) ?? "unknown error"
    }
}

extension ErrorCode where Domain == HostError {
    /// The configuration is invalid (a flag or environment value).
    public static var invalidConfiguration: Self { Self("invalidConfiguration") }
    /// Redis could not be reached or did not accept the connection.
    public static var redisUnreachable: Self { Self("redisUnreachable") }
    /// Redis holds another version of the `durabletask` Redis Functions library; the message says
    /// how to upgrade (`durable upgrade-functions`).
    public static var functionLibraryMismatch: Self { Self("functionLibraryMismatch") }
    /// The embedded redis-server could not be started.
    public static var embeddedRedisFailed: Self { Self("embeddedRedisFailed") }
    /// The HTTP API could not listen on its address.
    public static var listenFailed: Self { Self("listenFailed") }
    /// A running service (worker, API, store) failed and the host stopped.
    public static var serviceFailed: Self { Self("serviceFailed") }
}
