public import AsyncHTTPClient
import NIOCore

/// Host-level settings of the built-in durable HTTP activity.
public struct DurableHTTPConfiguration: Sendable {
    /// Which destinations calls may reach. Default ``DurableHTTPDestinations/denyAll``: list the
    /// destinations (``DurableHTTPDestinations/only(_:)``) or opt out with ``DurableHTTPDestinations/allowAll``.
    public var destinations: DurableHTTPDestinations
    /// The longest one request may take (connect, send, receive the whole body). Default 100 seconds.
    /// A request's remaining total ``DurableHTTPOptions/timeout`` shortens it further.
    public var requestTimeout: Duration
    /// The largest response body accepted, in bytes. Default 4 MiB. A larger body fails the
    /// request with ``DurableHTTPError/Code/responseTooLarge``.
    public var maxResponseBodySize: Int

    /// Creates a configuration.
    public init(
        destinations: DurableHTTPDestinations = .denyAll, requestTimeout: Duration = .seconds(100),
        maxResponseBodySize: Int = 4 * 1024 * 1024
    ) {
        self.destinations = destinations
        self.requestTimeout = requestTimeout
        self.maxResponseBodySize = max(0, maxResponseBodySize)
    }

    /// An `HTTPClient` configuration suited to the durable HTTP activity: redirects are not
    /// followed (a 3xx reaches the orchestrator as a response), and connecting times out after 10 seconds.
    ///
    /// Prefer it: a client that follows redirects sends the redirected request before the
    /// activity can check its destination. The activity still refuses the answer of a redirect
    /// to a disallowed destination, but only after it was sent.
    public static var recommendedClientConfiguration: HTTPClient.Configuration {
        HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)))
    }
}
