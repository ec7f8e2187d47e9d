import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Gives a JSON body to the error answers that the HTTP server writes by itself, below the
/// management API: Hummingbird answers a request it cannot parse (a bad request line, a bad
/// header, headers too large) with `400` and no body, and an error thrown by a responder with
/// `500` and no body. Every such answer (an error status, no `Content-Type`, an empty body) is
/// sent as `{"error": code, "message": text}` with the JSON content type instead, like the
/// API's own errors. Answers to `HEAD` keep their empty body.
final class ErrorBodyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The method of the request being answered.
    private var method: HTTPRequest.Method?
    /// The last parse error seen, which the next `400` answers.
    private var parseError: (any Error)?
    /// The JSON body that goes out before the `end` of the answer being rewritten.
    private var pendingBody: ByteBuffer?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data) { method = request.method }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError { parseError = error }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response) where needsBody(response):
            let body = ByteBuffer(bytes: Self.error(for: response.status, parseError: parseError).body.utf8Bytes)
            response.headerFields[.contentType] = APIResponses.jsonContentType
            response.headerFields[.contentLength] = String(body.readableBytes)
            pendingBody = body
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .end(let trailers):
            if let body = pendingBody {
                pendingBody = nil
                context.write(wrapOutboundOut(.body(body)), promise: nil)
            }
            method = nil
            context.write(wrapOutboundOut(.end(trailers)), promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    /// An error answer with nothing in it: an error status, no content type and no body.
    private func needsBody(_ response: HTTPResponse) -> Bool {
        response.status.code >= 400 && method != .head && response.headerFields[.contentType] == nil
            && response.headerFields[.contentLength] == "0"
    }

    /// The error an empty answer with `status` stands for.
    static func error(for status: HTTPResponse.Status, parseError: (any Error)?) -> ManagementAPIError {
        switch status.code {
        case 400:
            let detail = parseError.map { " (\($0))" } ?? ""
            return ManagementAPIError(status, .malformedRequest, "the request is not well-formed HTTP/1.1\(detail)")
        case 404: return ManagementAPIError(status, .notFound, "nothing is served at this path")
        case 413: return ManagementAPIError(status, .payloadTooLarge, "the request is too large")
        case 500..<600: return ManagementAPIError(status, .internal, "the server failed to process the request; see its log")
        default:
            let reason = status.reasonPhrase.isEmpty ? "the request failed" : status.reasonPhrase
            return ManagementAPIError(status, .badRequest, "\(status.code) \(reason)")
        }
    }
}
