/// A caller waiting for replies. Each continuation is resumed exactly once: by the
/// I/O thread after reading its replies, or with an error when the request fails,
/// the connection breaks or is closed.
enum ConnectionRequest {
    /// One command; an error reply is thrown as `RedisError(.serverError)`.
    case single(EncodedCommand, UnsafeContinuation<RedisValue, any Error>)
    /// Several commands sent back to back; error replies stay `.error` values.
    case pipeline([EncodedCommand], UnsafeContinuation<[RedisValue], any Error>)
    /// One command whose reply (unless it is an error) is first handed to an observer on the
    /// I/O thread, then returned like `.single`.
    case observed(EncodedCommand, @Sendable (RedisValue) -> Void, UnsafeContinuation<RedisValue, any Error>)

    /// Resumes the caller with `error`.
    func fail(_ error: RedisError) {
        switch self {
        case .single(_, let continuation): continuation.resume(throwing: error)
        case .pipeline(_, let continuation): continuation.resume(throwing: error)
        case .observed(_, _, let continuation): continuation.resume(throwing: error)
        }
    }
}
