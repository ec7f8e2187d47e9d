import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A request the test server received.
struct ReceivedRequest: Sendable {
    var method: String
    var path: String
    /// Keyed by lower-cased name.
    var headers: [String: String]
    var body: String
}

/// Every request the test server received, in arrival order.
final class RequestLog: Sendable {
    private let entries = Mutex<[ReceivedRequest]>([])

    func record(_ request: ReceivedRequest) { entries.withLock { $0.append(request) } }
    var all: [ReceivedRequest] { entries.withLock { $0 } }
    func requests(_ path: String) -> [ReceivedRequest] { all.filter { $0.path == path } }
    func count(_ path: String) -> Int { requests(path).count }
}

/// A Hummingbird server on 127.0.0.1 with an OS-chosen port, for one test.
struct TestHTTPServer: Sendable {
    let port: Int
    let log: RequestLog
    var baseURL: String { "http://127.0.0.1:\(port)" }
    func url(_ path: String) -> String { baseURL + path }
}

/// Records each request (method, path with query, headers, body) before routing it.
struct RecordingMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let log: RequestLog

    func handle(_ input: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = input
        let body = try await request.collectBody(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        log.record(ReceivedRequest(
            method: request.method.rawValue, path: request.uri.string, headers: headers, body: String(buffer: body)))
        return try await next(request, context)
    }
}

/// Runs a test server with the routes `configure` adds, calls `body`, then cancels the server.
func withTestServer<T: Sendable>(
    _ configure: (Router<BasicRequestContext>) -> Void,
    _ body: (TestHTTPServer) async throws -> T
) async throws -> T {
    let log = RequestLog()
    let router = Router()
    router.add(middleware: RecordingMiddleware(log: log))
    configure(router)
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
        onServerRunning: { channel in
            portSink.yield(channel.localAddress?.port ?? -1)
            portSink.finish()
        },
        logger: Logger(label: "test-http-server", factory: { _ in SwiftLogNoOpLogHandler() }))
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await app.run()
            return nil
        }
        defer { group.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw TestServerError(message: "the test server did not start") }
        return try await body(TestHTTPServer(port: port, log: log))
    }
}

struct TestServerError: Error { var message: String }

/// A response with the given status, headers and text body.
func reply(_ status: Int, headers: [String: String] = [:], body: String = "") -> Response {
    var fields = HTTPFields()
    for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
        fields.append(HTTPField(name: HTTPField.Name(name)!, value: value))
    }
    return Response(status: HTTPResponse.Status(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
}

/// An IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
func imfFixdate(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    return formatter.string(from: date)
}
