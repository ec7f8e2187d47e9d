public import Hummingbird
import HummingbirdCore
import NIOCore

/// Answers every request with the management API (paths outside the base path get `404`).
public struct ManagementAPIResponder: HTTPResponder {
    /// The request context: Hummingbird's basic one.
    public typealias Context = BasicRequestContext
    /// The API.
    public let api: ManagementAPI

    /// Creates a responder.
    public init(api: ManagementAPI) { self.api = api }

    /// Answers the request with the API; it never throws (every failure is a JSON error response).
    public func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        await api.respond(to: request)
    }
}

/// Router middleware that answers requests under the base path and passes the others on.
package struct ManagementAPIMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The API.
    package let api: ManagementAPI

    /// Creates the middleware.
    package init(api: ManagementAPI) { self.api = api }

    /// Answers a request under the base path; passes any other request on to `next`.
    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard api.handles(path: request.uri.path) else { return try await next(request, context) }
        return await api.respond(to: request)
    }
}

extension ManagementAPI {
    /// A responder that answers every request with this API.
    public var responder: ManagementAPIResponder { ManagementAPIResponder(api: self) }

    /// Adds the API to a router, as middleware that takes every request under the base path
    /// (before the router's own routes). Add it before other middleware that must not see these requests.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.add(middleware: ManagementAPIMiddleware<Context>(api: self))
    }

    /// Builds a Hummingbird application that serves this API on `host` and `port` (by default
    /// ``Configuration/host`` and ``Configuration/port``). Run it as a ServiceLifecycle service (it is one).
    ///
    /// The server closes connections idle for ``Configuration/idleTimeout``, answers connections
    /// beyond ``Configuration/maxConnections`` with `503 too_many_connections`, and gives every error
    /// answer a JSON body, including those of the HTTP layer below the API (a request that is not
    /// well-formed HTTP/1.1 gets `400 malformed_request`).
    ///
    /// - Parameters:
    ///   - host: the address to bind; overrides ``Configuration/host``.
    ///   - port: the port to bind (`0` picks a free one); overrides ``Configuration/port``.
    ///   - onServerRunning: called once the server listens, with the bound port.
    /// - Throws: ``ManagementAPIConfigurationError`` if ``Configuration/validate()`` fails for the
    ///   address, e.g. a non-loopback host without a system key.
    public func makeApplication(
        host: String? = nil, port: Int? = nil, onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) throws -> Application<ManagementAPIResponder> {
        var configuration = self.configuration
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        try configuration.validate()
        let api = ManagementAPI(client: client, configuration: configuration, logger: logger)
        let fallbackPort = configuration.port
        let connections = configuration.maxConnections.map { ConnectionCount(maximum: $0, logger: logger) }
        let server = HTTPServerBuilder.http1(configuration: HTTP1Channel.Configuration(
            additionalChannelHandlers: (connections.map { [ConnectionLimitHandler(count: $0)] } ?? []) + [ErrorBodyHandler()],
            idleTimeout: configuration.idleTimeout.map { TimeAmount($0) }))
        return Application(
            responder: api.responder,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? fallbackPort
                api.boundPort.set(port)
                await onServerRunning(port)
            },
            logger: logger)
    }
}
