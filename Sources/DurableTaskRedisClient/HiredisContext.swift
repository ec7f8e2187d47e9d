internal import CHiredis
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A blocking hiredis `redisContext`. Used only on its connection's I/O thread: every
/// call here may block on the socket. Freed (and its socket closed) on deinit.
final class HiredisContext {
    private let context: UnsafeMutablePointer<redisContext>
    /// True when a read timeout is set on the socket, so `EAGAIN` means "timed out".
    private var hasReadTimeout = false

    private init(context: UnsafeMutablePointer<redisContext>) {
        self.context = context
    }

    deinit {
        redisFree(context)
    }

    /// The socket descriptor.
    var fileDescriptor: Int32 { context.pointee.fd }

    /// Opens a blocking connection to `endpoint`.
    static func connect(to endpoint: RedisURL.Endpoint, timeout: Duration) -> Result<HiredisContext, RedisError> {
        let time = timeval(duration: timeout)
        let raw: UnsafeMutablePointer<redisContext>?
        switch endpoint {
        case .tcp(let host, let port):
            raw = redisConnectWithTimeout(host, Int32(port), time)
        case .unixSocket(let path):
            raw = redisConnectUnixWithTimeout(path, time)
        }
        guard let raw else {
            return .failure(RedisError(code: .connectionFailed, message: "hiredis could not allocate a context"))
        }
        if raw.pointee.err != 0 {
            let message = errorString(raw)
            redisFree(raw)
            return .failure(RedisError(code: .connectionFailed, message: "cannot connect to \(endpoint): \(message)"))
        }
        let context = HiredisContext(context: raw)
        // hiredis does not use SOCK_CLOEXEC: keep the socket out of spawned children,
        // which would otherwise keep the connection open after we close it.
        _ = fcntl(raw.pointee.fd, F_SETFD, FD_CLOEXEC)
        if case .tcp = endpoint {
            _ = redisEnableKeepAlive(raw)
        }
        return .success(context)
    }

    /// Sets (or with `nil` or a non-positive duration clears) the socket read/write timeout.
    func setReadTimeout(_ timeout: Duration?) {
        var time = timeval(tv_sec: 0, tv_usec: 0)
        if let timeout, timeout > .zero {
            time = timeval(duration: max(timeout, .microseconds(1)))
        }
        _ = redisSetTimeout(context, time)
        hasReadTimeout = time.tv_sec != 0 || time.tv_usec != 0
    }

    /// Appends one command to hiredis' output buffer (no I/O happens here).
    @inline(__always)
    func append(_ command: EncodedCommand) -> Bool {
        let count = command.lengths.count
        return command.bytes.withUnsafeBufferPointer { bytes in
            command.lengths.withUnsafeBufferPointer { lengths in
                withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) { argv in
                    // An all-empty command has no buffer; point its zero-length arguments
                    // at static storage (hiredis reads 0 bytes from them).
                    let empty: StaticString = ""
                    let base = UnsafeRawPointer(bytes.baseAddress) ?? UnsafeRawPointer(empty.utf8Start)
                    var offset = 0
                    for index in 0..<count {
                        argv[index] = (base + offset).assumingMemoryBound(to: CChar.self)
                        offset += lengths[index]
                    }
                    return redisAppendCommandArgv(context, Int32(count), argv.baseAddress, lengths.baseAddress) == REDIS_OK
                }
            }
        }
    }

    /// Flushes pending output if needed and blocks until the next reply is read.
    @inline(__always)
    func readReply() -> Result<RedisValue, RedisError> {
        var raw: UnsafeMutableRawPointer?
        let status = redisGetReply(context, &raw)
        let savedErrno = errno
        guard status == REDIS_OK, let raw else {
            return .failure(classifyFailure(errno: savedErrno))
        }
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        let value = RedisValue(hiredisReply: reply)
        freeReplyObject(raw)
        return .success(value)
    }

    /// Returns the next reply already received and parsed, or `nil` if the reader has
    /// no complete reply buffered. Never blocks.
    @inline(__always)
    func bufferedReply() -> Result<RedisValue?, RedisError> {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReplyFromReader(context, &raw) == REDIS_OK else {
            return .failure(classifyFailure(errno: 0))
        }
        guard let raw else { return .success(nil) }
        let value = RedisValue(hiredisReply: raw.assumingMemoryBound(to: redisReply.self))
        freeReplyObject(raw)
        return .success(value)
    }

    /// Writes everything appended so far to the socket (blocking until written).
    @inline(__always)
    func flush() -> RedisError? {
        var done: Int32 = 0
        while done == 0 {
            if redisBufferWrite(context, &done) != REDIS_OK {
                return classifyFailure(errno: errno)
            }
        }
        return nil
    }

    /// Blocks until more bytes arrive from the server and feeds them to the reader.
    @inline(__always)
    func receive() -> RedisError? {
        if redisBufferRead(context) != REDIS_OK {
            return classifyFailure(errno: errno)
        }
        return nil
    }

    /// Sends one command and waits for its reply (used for the connection handshake).
    func command(_ arguments: [String]) -> Result<RedisValue, RedisError> {
        guard append(EncodedCommand(arguments)) else {
            return .failure(RedisError(code: .connectionLost, message: "hiredis could not buffer the command"))
        }
        return readReply()
    }

    /// `true` if the idle connection has neither unread data nor a pending EOF/error.
    /// Called before sending so a connection the server closed while idle (timeout,
    /// `CLIENT KILL`, restart) is replaced before a request is written to it.
    func isIdleHealthy() -> Bool {
        var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, 0)
        return ready == 0
    }

    private func classifyFailure(errno savedErrno: Int32) -> RedisError {
        let message = Self.errorString(context)
        switch context.pointee.err {
        case REDIS_ERR_IO where hasReadTimeout && (savedErrno == EAGAIN || savedErrno == EWOULDBLOCK):
            return RedisError(code: .timeout, message: "timed out waiting for a reply; the connection was dropped")
        case REDIS_ERR_EOF:
            return RedisError(code: .connectionLost, message: "the server closed the connection (\(message))")
        case REDIS_ERR_PROTOCOL:
            return RedisError(code: .protocolError, message: "protocol error: \(message)")
        default:
            return RedisError(code: .connectionLost, message: "I/O error: \(message)")
        }
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: &context.pointee.errstr) { buffer in
            let bytes = buffer.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
