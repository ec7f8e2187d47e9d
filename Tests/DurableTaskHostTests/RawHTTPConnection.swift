import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A TCP connection to 127.0.0.1 that sends bytes exactly as given and collects every byte the
/// server sends, for requests no HTTP client would send (malformed chunks, bad request lines)
/// and for watching the server close a connection. Non-blocking: it waits by polling, bounded.
final class RawHTTPConnection: Sendable {
    private let channel: any Channel
    private let received: Received

    private init(channel: any Channel, received: Received) {
        self.channel = channel
        self.received = received
    }

    /// Connects to 127.0.0.1:`port`.
    static func connect(port: Int) async throws -> RawHTTPConnection {
        let received = Received()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(received)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawHTTPConnection(channel: channel, received: received)
    }

    /// Sends `text` as it is (write `\r\n` yourself).
    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    /// Whether the server has closed the connection (or reset it).
    var isClosedByServer: Bool { received.state.withLock { $0.closed } }

    /// Everything received so far.
    var bytes: [UInt8] { received.state.withLock { $0.bytes } }

    /// Waits (bounded) until the server closes the connection; `false` if it is still open at the deadline.
    func waitForClose(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isClosedByServer {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Waits (bounded) for one whole response after the `skip` bytes already consumed; `nil` if
    /// the connection closes or the time runs out first.
    func response(after skip: Int = 0, timeout: Duration = .seconds(10)) async throws -> RawHTTPResponse? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (bytes, closed) = received.state.withLock { ($0.bytes, $0.closed) }
            if let response = RawHTTPResponse(parsing: bytes.dropFirst(skip)) { return response }
            if closed { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Sends `text` and waits for its response, reading after what earlier responses used.
    func exchange(_ text: String, timeout: Duration = .seconds(10)) async throws -> RawHTTPResponse? {
        let before = bytes.count
        try await send(text)
        return try await response(after: before, timeout: timeout)
    }

    /// Closes our sending side only (a half-close); we still read what the server sends.
    func finishSending() async throws {
        try await channel.close(mode: .output)
    }

    /// Closes the connection.
    func close() async {
        try? await channel.close()
    }

    private final class Received: Sendable {
        let state = Mutex<(bytes: [UInt8], closed: Bool)>(([], false))
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received: Received
        init(_ received: Received) { self.received = received }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.state.withLock { $0.bytes += buffer.readableBytesView }
        }

        func channelInactive(context: ChannelHandlerContext) {
            received.state.withLock { $0.closed = true }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            received.state.withLock { $0.closed = true }  // a reset counts as closed
            context.close(promise: nil)
        }
    }
}

/// A response parsed from raw bytes: status line, headers, and a body of `Content-Length` bytes.
struct RawHTTPResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The first header named `name` (case-insensitively).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Parses one response from the start of `bytes`; `nil` until it is all there.
    init?(parsing bytes: ArraySlice<UInt8>) {
        let text = Array(bytes)
        guard let end = Self.headerEnd(text) else { return nil }
        let lines = String(decoding: text[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
        let bodyStart = end + 4
        guard text.count >= bodyStart + length else { return nil }
        self.status = status
        self.headers = headers.map { (name: $0.0, value: $0.1) }
        self.body = Array(text[bodyStart..<(bodyStart + length)])
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }
}
