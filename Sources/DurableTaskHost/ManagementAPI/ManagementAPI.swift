public import DurableTask
import Foundation
import HTTPTypes
import Metrics
import Prometheus
import NIOCore
import Synchronization
package import Hummingbird
public import Logging

/// The Durable-Functions-compatible management HTTP API (`/runtime/webhooks/durabletask`), as
/// `docs/MANAGEMENT-API.md` specifies it, including our differences (§8, §9) and our additions,
/// signal-with-start (§4.12) and breaking an entity's lock (§4.13).
///
/// Run it in a Hummingbird `Application`: either the one ``makeApplication(host:port:onServerRunning:)``
/// builds, or your own router with ``addRoutes(to:)``. Every error is answered with
/// `{"error": code, "message": text}` with a stable code (`not_found`, `invalid_json`, ...); unexpected errors are logged
/// and answered with `500 internal`.
public struct ManagementAPI: Sendable {
    /// The client the API drives.
    public let client: DurableTaskClient
    /// The configuration.
    public let configuration: Configuration
    let logger: Logger
    let basePathSegments: [String]
    /// The port the server bound (known once it listens; the configuration may say 0).
    let boundPort = BoundPort()

    /// Creates the API. Call ``Configuration/validate()`` first (``makeApplication(host:port:onServerRunning:)`` does).
    public init(client: DurableTaskClient, configuration: Configuration = Configuration(), logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        self.basePathSegments = configuration.basePathSegments
    }

    /// Whether a request path lies under the base path (compared case-insensitively).
    package func handles(path: String) -> Bool {
        do { return try APIRoute.segments(path: path, basePath: basePathSegments) != nil } catch { return true }
    }

    /// Answers a request. It never throws: every failure becomes a JSON error response, and a path
    /// outside the base path gets `404 not_found`.
    package func respond(to request: Request) async -> Response {
        var route = "none"
        var response = await answer(request, route: &route)
        Counter(label: MetricNames.httpRequests, dimensions: [("route", route), ("code", String(response.status.code))])
            .increment()
        if request.method == .head { response.body = ResponseBody() }  // a HEAD answer has no body
        return response
    }

    /// The answer to a request; `route` is set to the route's metric label once it is matched.
    private func answer(_ request: Request, route label: inout String) async -> Response {
        do {
            // The dashboard's files hold no data, so they are served without the key; every
            // request the page makes for data goes through the routes below, under the key rule.
            if configuration.dashboard, let asset = DashboardAsset(path: request.uri.path) {
                guard request.method == .get || request.method == .head else { throw ManagementAPIError.noRoute }
                return asset.response
            }
            try authorize(request)
            if let metrics = configuration.metrics, request.uri.path == "/metrics" {
                guard request.method == .get || request.method == .head else { throw ManagementAPIError.noRoute }
                label = "metrics"
                return await Self.scrape(metrics)
            }
            guard let segments = try APIRoute.segments(path: request.uri.path, basePath: basePathSegments) else {
                throw ManagementAPIError.noRoute
            }
            let route = try APIRoute.match(method: request.method, segments: segments)
            let query = QueryParameters(request.uri.query)
            try checkTaskHub(query)
            var call = APICall(request: request, query: query, configuration: configuration, boundPort: boundPort.value)
            label = route.label
            return try await dispatch(route, &call)
        } catch let error as ManagementAPIError {
            logger.debug("management API request refused", metadata: metadata(request, error))
            var response = error.response
            // After a framing error the rest of the stream means nothing: the server closes it.
            if error.code == .malformedRequest { response.headers[.connection] = "close" }
            return response
        } catch let error as DurableTaskError {
            if let answer = Self.translate(error) {
                logger.debug("management API request refused", metadata: metadata(request, answer))
                return answer.response
            }
            if error.code == .storeFailure {
                // Redis is down or unreachable: the caller should retry, not give up.
                logger.warning("management API request failed: store unavailable", metadata: metadata(request, error))
                var response = ManagementAPIError.storeUnavailable(request.method).response
                response.headers[.retryAfter] = "5"
                return response
            }
            logger.error("management API request failed", metadata: metadata(request, error))
            return ManagementAPIError.internal.response
        } catch {
            logger.error("management API request failed", metadata: metadata(request, error))
            return ManagementAPIError.internal.response
        }
    }

    private func dispatch(_ route: APIRoute, _ call: inout APICall) async throws -> Response {
        switch route {
        case .start(let name, let id): try await start(name: name, instanceId: id, &call)
        case .signalWithStart(let name, let id, let event): try await signalWithStart(name: name, instanceId: id, eventName: event, &call)
        case .list: try await list(call)
        case .purgeMany: try await purgeMany(call)
        case .status(let id): try await status(id, call)
        case .purge(let id): try await purge(id)
        case .operation(let id, let operation): try await perform(operation, on: id, &call)
        case .raiseEvent(let id, let event): try await raiseEvent(id, name: event, &call)
        case .signalEntity(let name, let key, let operation): try await signalEntity(name: name, key: key, operation: operation, &call)
        case .getEntity(let name, let key): try await getEntity(name: name, key: key)
        case .listEntities(let name): try await listEntities(name: name, call)
        case .breakEntityLock(let name, let key): try await breakEntityLock(name: name, key: key, call)
        case .listSchedules: try await listSchedules(call)
        case .createSchedule: try await createSchedule(&call)
        case .describeSchedule(let id): try await describeSchedule(id)
        case .updateSchedule(let id): try await updateSchedule(id, &call)
        case .deleteSchedule(let id): try await deleteSchedule(id)
        case .pauseSchedule(let id, let pause): try await pauseOrResumeSchedule(id, pause: pause, call)
        }
    }

    /// The Prometheus text of `metrics`, refreshed first.
    private static func scrape(_ metrics: MetricsEndpoint) async -> Response {
        await metrics.refresh()
        let bytes = metrics.registry.emitToBuffer()
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// §8.3: with a key configured, every request must carry it, compared in constant time.
    private func authorize(_ request: Request) throws(ManagementAPIError) {
        guard let key = configuration.systemKey else { return }
        let presented = request.headers[APIResponses.functionsKey] ?? QueryParameters(request.uri.query)["code"]
        guard let presented, KeyComparison.equal(presented, key) else { throw .unauthorized }
    }

    private func checkTaskHub(_ query: QueryParameters) throws(ManagementAPIError) {
        if let hub = query["taskHub"], hub.caseInsensitiveCompare(configuration.taskHub) != .orderedSame {
            throw ManagementAPIError(.notFound, .unknownTaskHub, "this host serves task hub '\(configuration.taskHub)', not '\(hub)'")
        }
    }

    /// The answer to a core error that has one; `nil` for errors that are internal.
    static func translate(_ error: DurableTaskError) -> ManagementAPIError? {
        switch error.code {
        case .instanceNotFound: .notFound(error.message)
        case .instanceCompleted: .gone(error.message)
        case .instanceAlreadyExists: ManagementAPIError(.conflict, .conflict, error.message)
        case .invalidState: .invalidState(error.message)
        case .invalidArgument: .badRequest(error.message)
        case .notRegistered: ManagementAPIError(.badRequest, .unknownFunction, error.message)
        case .scheduleNotFound: .notFound(error.message)
        case .scheduleAlreadyExists: ManagementAPIError(.conflict, .conflict, error.message)
        case .timeout: ManagementAPIError(.serviceUnavailable, .timeout, error.message)
        default: nil
        }
    }

    private func metadata(_ request: Request, _ error: any Error) -> Logger.Metadata {
        [LogKeys.method: "\(request.method)", LogKeys.path: "\(request.uri.path)", LogKeys.error: "\(error)"]
    }
}

/// The port a server bound, shared by the copies of the API that serve it.
final class BoundPort: Sendable {
    private let port = Mutex<Int?>(nil)
    var value: Int? { port.withLock { $0 } }
    func set(_ value: Int) { port.withLock { $0 = value } }
}
