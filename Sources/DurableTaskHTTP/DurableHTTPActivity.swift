package import AsyncHTTPClient
package import DurableTask
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Tracing

/// The built-in activity behind ``DurableTask/OrchestrationContext/callHttp(_:)``: it performs
/// exactly one HTTP request with AsyncHTTPClient and returns the response.
///
/// It is registered as `BuiltIn::HttpActivity` (the Durable Functions name) by
/// ``DurableTask/TaskRegistry/addDurableHTTP(client:configuration:)``. It does not poll or retry;
/// the orchestrator side does that with durable timers. Before sending, it checks the destination
/// against ``DurableHTTPConfiguration/destinations``. It fails with ``DurableHTTPError``:
/// - ``DurableHTTPError/Code/destinationNotAllowed`` for a destination (or a followed redirect) outside the allow-list;
/// - ``DurableHTTPError/Code/invalidRequest`` for a URL or request the client rejects;
/// - ``DurableHTTPError/Code/transport`` and ``DurableHTTPError/Code/requestTimeout`` when the exchange fails;
/// - ``DurableHTTPError/Code/responseTooLarge`` and ``DurableHTTPError/Code/invalidResponse`` for bodies it cannot accept;
/// - ``DurableHTTPError/Code/retriableStatus`` when the status is one the request's retry options list.
package struct DurableHTTPActivity: Activity {
    /// The request to send. Of its options, two apply here: the ``DurableHTTPOptions/retry`` status
    /// codes (answered with ``DurableHTTPError/Code/retriableStatus``), and the
    /// ``DurableHTTPOptions/timeout``, which shortens ``DurableHTTPConfiguration/requestTimeout``
    /// (`callHttp` passes the time remaining of the whole call there).
    package typealias Input = DurableHTTPRequest
    /// The response.
    package typealias Output = DurableHTTPResponse

    /// `"BuiltIn::HttpActivity"`.
    package static var name: String { "BuiltIn::HttpActivity" }

    /// The client that sends the requests. Its lifecycle belongs to the caller.
    package let client: HTTPClient
    /// The host's settings.
    package let configuration: DurableHTTPConfiguration

    /// Creates the activity.
    package init(client: HTTPClient, configuration: DurableHTTPConfiguration = DurableHTTPConfiguration()) {
        self.client = client
        self.configuration = configuration
    }

    /// Sends the request once and returns the response.
    package func run(input: DurableHTTPRequest, context: ActivityContext) async throws -> DurableHTTPResponse {
        try configuration.destinations.check(input.url)
        let method = input.method.uppercased()
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenCharacter) else {
            throw DurableHTTPError(.invalidRequest, "'\(input.method)' is not a valid HTTP method")
        }
        var request = HTTPClientRequest(url: input.url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in input.headers.sorted(by: { $0.key < $1.key }) where !Self.managedHeaders.contains(name.lowercased()) {
            request.headers.add(name: name, value: value)
        }
        // The activity runs in its span's context: the call carries it (`traceparent` with a W3C
        // tracer), unless the caller set the header itself.
        if request.headers["traceparent"].isEmpty, let span = InstrumentationContext.current {
            InstrumentationSystem.instrument.inject(span, into: &request.headers, using: HTTPHeadersInjector())
        }
        if let body = input.body {
            request.body = .bytes(ByteBuffer(string: body))
        }
        var timeout = configuration.requestTimeout
        if let total = input.options.timeout, total < timeout { timeout = total }
        let deadline = NIODeadline.now() + .nanoseconds(Int64(min(timeout.secondsValue * 1e9, 9e18)))

        context.logger.debug("durable HTTP request", metadata: [
            LogKeys.method: .string(method), LogKeys.url: .string(input.url), LogKeys.attempt: .stringConvertible(context.attempt),
        ])
        let answer: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            answer = try await client.execute(request, deadline: deadline, logger: context.logger)
            try checkRedirects(of: answer, from: input.url)
            bytes = try await answer.body.collect(upTo: configuration.maxResponseBodySize)
        } catch let error as DurableHTTPError {
            throw error
        } catch {
            throw try Self.classify(error, method: method, url: input.url, limit: configuration.maxResponseBodySize)
        }
        let response = try Self.response(answer, bytes: bytes, url: input.url)
        context.logger.debug("durable HTTP response", metadata: [
            LogKeys.url: .string(input.url), LogKeys.status: .stringConvertible(response.statusCode),
        ])
        if let retry = input.options.retry, retry.statusCodes.contains(response.statusCode) {
            throw DurableHTTPError(
                .retriableStatus, "\(method) \(input.url) answered \(response.statusCode), a status the request retries",
                response: response)
        }
        return response
    }

    /// RFC 9110 `tchar`: the characters of a method token.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Headers the client computes itself.
    static let managedHeaders: Set<String> = ["content-length", "transfer-encoding"]

    /// Refuses the answer of a redirect the client followed to a disallowed destination.
    private func checkRedirects(of answer: HTTPClientResponse, from url: String) throws {
        for hop in answer.history.dropFirst() {
            do { try configuration.destinations.check(hop.request.url) } catch var error as DurableHTTPError {
                error.message = "the HTTP client followed a redirect from \(url) to \(hop.request.url): \(error.message) "
                    + "(create the client with DurableHTTPConfiguration.recommendedClientConfiguration to stop following redirects)"
                throw error
            }
        }
    }

    private static func response(_ answer: HTTPClientResponse, bytes: ByteBuffer, url: String) throws -> DurableHTTPResponse {
        var headers: [String: String] = [:]
        var spelling: [String: String] = [:]
        for (name, value) in answer.headers {
            let key = name.lowercased()
            if let existing = spelling[key] {
                headers[existing]! += ", " + value
            } else {
                spelling[key] = name
                headers[name] = value
            }
        }
        var body: String?
        if bytes.readableBytes > 0 {
            guard let text = String(validating: bytes.readableBytesView, as: UTF8.self) else {
                throw DurableHTTPError(
                    .invalidResponse, "the body of the response from \(url) (\(bytes.readableBytes) bytes) is not valid UTF-8")
            }
            body = text
        }
        return DurableHTTPResponse(statusCode: Int(answer.status.code), headers: headers, body: body)
    }

    private static let timeouts: [HTTPClientError] = [
        .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout,
    ]
    private static let rejections: [HTTPClientError] = [.invalidURL, .emptyHost, .emptyScheme, .traceRequestWithBody]

    /// Maps a client or transport error to a ``DurableHTTPError``; cancellation is rethrown as is.
    private static func classify(_ error: any Error, method: String, url: String, limit: Int) throws -> DurableHTTPError {
        if error is CancellationError { throw error }
        if error is NIOTooManyBytesError {
            return DurableHTTPError(.responseTooLarge, "the response body from \(url) exceeds the limit of \(limit) bytes")
        }
        if let client = error as? HTTPClientError {
            if client == .cancelled { throw CancellationError() }
            if timeouts.contains(where: { $0 == client }) {
                return DurableHTTPError(.requestTimeout, "\(method) \(url) timed out: \(client)")
            }
            if rejections.contains(where: { $0 == client }) || client.description.contains("Invalid header field") {
                return DurableHTTPError(.invalidRequest, "\(method) \(url) was rejected by the HTTP client: \(client)")
            }
        }
        return DurableHTTPError(.transport, "\(method) \(url) failed: \(error)")
    }
}

/// Writes trace headers into an outgoing request's headers.
private struct HTTPHeadersInjector: Injector {
    func inject(_ value: String, forKey key: String, into headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: key, value: value)
    }
}
