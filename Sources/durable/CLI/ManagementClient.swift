import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A failure of a management command, with the exit code it maps to (see ``CLIExit``).
struct CLIError: Error, CustomStringConvertible {
    /// The exit code.
    var code: CLIExit
    /// The one-line message printed after `durable: error: `.
    var message: String

    var description: String { message }
}

/// The exit codes of the management commands, as documented in their help and the README.
enum CLIExit: Int32 {
    /// Success.
    case success = 0
    /// The API refused or failed the request (a 4xx or 5xx answer other than 404).
    case refused = 1
    /// A usage error (raised by the argument parser, `ValidationError`).
    case usage = 2
    /// The host cannot be reached (connection refused, DNS failure, connect or read timeout).
    case unreachable = 3
    /// The API answered 404: no such instance, entity, schedule or route.
    case notFound = 4
    /// `instances show --watch`: the instance ended Failed, Terminated or Canceled.
    case endedUnsuccessfully = 5
    /// `instances show --watch`: the instance was still live when `--timeout` ran out.
    case watchTimedOut = 6
}

/// One answer of the management API.
struct APIResponse: Sendable {
    /// The HTTP status code.
    var status: Int
    /// The response headers.
    var headers: HTTPHeaders
    /// The body (possibly empty).
    var body: Data

    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON (any top-level value), or `nil` if it is empty or not JSON.
    var json: Any? {
        guard !body.isEmpty else { return nil }
        return try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
    }
}

/// The HTTP calls to a running host's management API (`/runtime/webhooks/durabletask`, see
/// docs/MANAGEMENT-API.md), over ``http``, each bounded by ``timeout``.
struct ManagementClient: Sendable {
    /// The API's base path on the host.
    static let basePath = "/runtime/webhooks/durabletask"

    /// The HTTP client: `HTTPClient.shared`'s defaults, except that a connection that cannot be
    /// made fails at once instead of being retried until the request's deadline (the shared
    /// client's way), so "no host there" exits 3 in milliseconds, not after 30 s. Connects are
    /// bounded by 5 s. A process-wide client; ``shutdown()`` ends it.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(5)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Shuts ``http`` down (after the command's last request).
    static func shutdown() async {
        try? await http.shutdown()
    }

    /// The host's origin, e.g. `http://127.0.0.1:7071`, without a trailing slash.
    var origin: String
    /// The system key, sent as `x-functions-key`.
    var key: String?
    /// The bound on one request, connect to last byte.
    var timeout: TimeAmount = .seconds(30)

    /// Sends a request and returns the answer if its status is 2xx.
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - path: The path segments under the base path; each is percent-encoded here.
    ///   - query: Query parameters (`nil` values are left out).
    ///   - headers: Extra request headers.
    ///   - json: A JSON body (sent with `Content-Type: application/json`).
    /// - Throws: ``CLIError``: ``CLIExit/notFound`` for a 404, ``CLIExit/refused`` for any other
    ///   non-2xx answer (with the API's `message`), ``CLIExit/unreachable`` when no answer came.
    func send(
        _ method: HTTPMethod, _ path: [String], query: [(String, String?)] = [], headers: [(String, String)] = [],
        json: String? = nil
    ) async throws(CLIError) -> APIResponse {
        let url = makeURL(path, query: query)
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let key { request.headers.add(name: "x-functions-key", value: key) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response: APIResponse
        do {
            let answer = try await Self.http.execute(request, timeout: timeout)
            let body = try await answer.body.collect(upTo: 64 << 20)
            response = APIResponse(status: Int(answer.status.code), headers: answer.headers, body: Data(body.readableBytesView))
        } catch {
            throw CLIError(code: .unreachable, message: "cannot reach the host at \(origin): \(Self.describe(error))")
        }
        guard (200..<300).contains(response.status) else { throw Self.failure(response, method: method, url: url) }
        return response
    }

    /// The full URL: origin, base path, the encoded segments and the query.
    func makeURL(_ path: [String], query: [(String, String?)]) -> String {
        var url = origin + Self.basePath + path.map { "/" + Self.encode($0) }.joined()
        let pairs = query.compactMap { name, value in value.map { "\(Self.encode(name))=\(Self.encode($0))" } }
        if !pairs.isEmpty { url += "?" + pairs.joined(separator: "&") }
        return url
    }

    /// Percent-encodes every byte but `A–Z a–z 0–9 - _ . ~`, so a value is read back as given
    /// both in a path segment (where `+` is literal) and in a form-decoded query (where it is a space).
    static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.append(Character(UnicodeScalar(byte)))
            default:
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }

    /// The error for a non-2xx answer: the API's `{error, message}` body when there is one.
    static func failure(_ response: APIResponse, method: HTTPMethod, url: String) -> CLIError {
        let code: CLIExit = response.status == 404 ? .notFound : .refused
        if let object = response.json as? [String: Any], let message = object["message"] as? String {
            let error = (object["error"] as? String).map { " (\($0))" } ?? ""
            return CLIError(code: code, message: "\(message)\(error)".replacingOccurrences(of: "\n", with: " "))
        }
        let text = response.text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: " ")
        return CLIError(code: code, message: "HTTP \(response.status) from \(method) \(url)" + (text.isEmpty ? "" : ": \(text.prefix(200))"))
    }

    /// A one-line description of a transport error.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connect timed out"
            case .readTimeout, .deadlineExceeded: return "no answer in time"
            case .remoteConnectionClosed: return "the connection was closed"
            default: return "\(error)"
            }
        }
        let text = "\(error)".replacingOccurrences(of: "\n", with: " ")
        if text.contains("Connection refused") { return "connection refused" }
        return text
    }
}
