import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

/// The open connections of one server, counted against its limit. Shared by the
/// ``ConnectionLimitHandler`` of every connection.
final class ConnectionCount: Sendable {
    /// The most connections admitted at once.
    let maximum: Int
    private let logger: Logger
    private let state = Mutex<(open: Int, refusing: Bool)>((0, false))

    init(maximum: Int, logger: Logger) {
        self.maximum = maximum
        self.logger = logger
    }

    /// The connections admitted and not yet released.
    var open: Int { state.withLock { $0.open } }

    /// Admits a connection if fewer than ``maximum`` are open. Logs once when the server starts
    /// refusing and once when it admits again, not once per connection.
    func admit() -> Bool {
        let (admitted, changed, open) = state.withLock { state -> (Bool, Bool, Int) in
            let admitted = state.open < maximum
            if admitted { state.open += 1 }
            let changed = state.refusing == admitted
            state.refusing = !admitted
            return (admitted, changed, state.open)
        }
        if changed && !admitted {
            logger.warning("HTTP connection limit reached: refusing new connections", metadata: [LogKeys.connectionLimit: "\(maximum)"])
        } else if changed {
            logger.info("HTTP connections below the limit again: admitting", metadata: [LogKeys.openConnections: "\(open)", LogKeys.connectionLimit: "\(maximum)"])
        }
        return admitted
    }

    /// Releases an admitted connection.
    func release() {
        state.withLock { $0.open -= 1 }
    }
}

/// Holds a server to ``ConnectionCount/maximum`` connections. First in each connection's HTTP
/// pipeline: a connection over the limit never reaches the application. It is answered
/// `503 too_many_connections` with `Retry-After` at once, its output is closed, whatever it sends
/// is discarded, and it is closed for good when the client closes its side or after a short grace
/// (so the answer is read, not lost to a reset).
final class ConnectionLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// How long a refused connection may stay open for the client to read the answer.
    static let refusalGrace: TimeAmount = .seconds(2)
    /// The `Retry-After` of the answer, in seconds.
    static let retryAfterSeconds = 1

    private enum State { case new, admitted, refused, answered, done }

    private let count: ConnectionCount
    private var state = State.new
    private var closeTimer: Scheduled<Void>?

    init(count: ConnectionCount) {
        self.count = count
    }

    func handlerAdded(context: ChannelHandlerContext) {
        state = count.admit() ? .admitted : .refused
        if context.channel.isActive { refuseIfOverLimit(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        refuseIfOverLimit(context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state == .admitted else { return }  // a refused connection's requests go nowhere
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard state == .admitted else { return }  // nothing a refused client sends matters
        context.fireErrorCaught(error)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if state == .answered, let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)  // the client has read the answer and closed its side
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func refuseIfOverLimit(_ context: ChannelHandlerContext) {
        guard state == .refused else { return }
        state = .answered
        let error = ManagementAPIError(
            .serviceUnavailable, .tooManyConnections,
            "the server holds its maximum of \(count.maximum) connections; retry after \(Self.retryAfterSeconds) s or reuse an open connection")
        let body = ByteBuffer(bytes: error.body.utf8Bytes)
        let head = HTTPResponse(status: .serviceUnavailable, headerFields: [
            .contentType: APIResponses.jsonContentType, .contentLength: String(body.readableBytes),
            .retryAfter: String(Self.retryAfterSeconds), .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.close(mode: .output, promise: nil)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        closeTimer = context.eventLoop.scheduleTask(in: Self.refusalGrace) { loopBound.value.close(promise: nil) }
    }

    /// Gives the connection's slot back (once) and stops the grace timer.
    private func finish() {
        closeTimer?.cancel()
        closeTimer = nil
        if state == .admitted { count.release() }
        state = .done
    }
}
