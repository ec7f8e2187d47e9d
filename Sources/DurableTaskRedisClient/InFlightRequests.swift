/// The requests whose commands have been written, oldest first, and the replies
/// received so far for the oldest one. Replies arrive in the order commands were
/// written, so each reply belongs to the head request.
///
/// Used only on a connection's I/O thread.
struct InFlightRequests {
    private var requests: [ConnectionRequest] = []
    private var head = 0
    /// Replies received so far for a pipelined head request.
    private var partial: [RedisValue] = []

    init() {
        requests.reserveCapacity(64)
    }

    /// `true` when no reply is awaited.
    var isEmpty: Bool { head == requests.count }

    /// Number of requests awaiting replies.
    var count: Int { requests.count - head }

    /// Adds a request whose commands were just appended to the output buffer.
    mutating func append(_ request: ConnectionRequest) {
        requests.append(request)
    }

    /// Hands the next reply to the oldest request and resumes it once complete. An error
    /// reply to a single command resumes it with `RedisError(.serverError)`.
    @inline(__always)
    mutating func deliver(_ value: RedisValue) {
        switch requests[head] {
        case .single(_, let continuation):
            if case .error(let message) = value {
                continuation.resume(throwing: RedisError.server(message))
            } else {
                continuation.resume(returning: value)
            }
            advance()
        case .observed(_, let observer, let continuation):
            if case .error(let message) = value {
                continuation.resume(throwing: RedisError.server(message))
            } else {
                observer(value)
                continuation.resume(returning: value)
            }
            advance()
        case .pipeline(let commands, let continuation):
            if partial.isEmpty { partial.reserveCapacity(commands.count) }
            partial.append(value)
            if partial.count == commands.count {
                let values = partial
                partial = []
                continuation.resume(returning: values)
                advance()
            }
        }
    }

    /// Fails every request awaiting replies (including a partly answered pipeline).
    mutating func failAll(_ error: RedisError) {
        for index in head..<requests.count {
            requests[index].fail(error)
        }
        requests.removeAll(keepingCapacity: true)
        head = 0
        partial = []
    }

    private mutating func advance() {
        head += 1
        if head == requests.count {
            requests.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= requests.count {
            // Under sustained load the FIFO may never drain; drop the answered prefix.
            requests.removeFirst(head)
            head = 0
        }
    }
}
