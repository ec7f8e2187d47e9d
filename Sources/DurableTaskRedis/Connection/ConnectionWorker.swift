internal import Logging

/// The loop that runs on a connection's dedicated I/O thread. It owns the hiredis
/// context: it takes every queued request at once, appends all their commands with
/// `redisAppendCommandArgv`, then reads the replies in order with `redisGetReply`
/// (so concurrent callers are pipelined automatically) and resumes each caller as soon
/// as its replies are in.
///
/// Not `Sendable`: after being handed to its thread, only that thread touches it.
final class ConnectionWorker {
    private let queue: RequestQueue
    private let configuration: RedisConfiguration
    private let logger: Logger
    private var context: HiredisContext?

    init(queue: RequestQueue, configuration: RedisConfiguration, logger: Logger) {
        self.queue = queue
        self.configuration = configuration
        self.logger = logger
    }

    /// Thread entry point. Connects once and reports the outcome through `started`,
    /// then serves requests until the connection is closed.
    func run(started: UnsafeContinuation<Void, any Error>) {
        switch connect() {
        case .success:
            started.resume()
        case .failure(let error):
            started.resume(throwing: error)
            queue.markExited()
            return
        }

        var batch: [ConnectionRequest] = []
        batch.reserveCapacity(64)
        while queue.takeAll(into: &batch) {
            if prepareConnection(&batch) {
                process(batch)
            }
            batch.removeAll(keepingCapacity: true)
        }
        disconnect()
        queue.takeAllNow(into: &batch)
        for request in batch { request.fail(RequestQueue.closedError) }
        logger.debug("redis connection closed", metadata: ["redis.endpoint": "\(configuration.url)"])
        queue.markExited()
    }

    // MARK: - Sending

    /// Appends every command of the batch, then reads the replies in order.
    private func process(_ batch: [ConnectionRequest]) {
        guard let context else { return }
        for request in batch {
            let appended: Bool
            switch request {
            case .single(let command, _):
                appended = context.append(command)
            case .pipeline(let commands, _):
                appended = commands.allSatisfy { context.append($0) }
            }
            if !appended {
                fail(batch[...], with: RedisError(code: .connectionLost, message: "hiredis could not buffer the command"))
                disconnect()
                return
            }
        }

        for index in batch.indices {
            switch batch[index] {
            case .single(_, let continuation):
                switch context.readReply() {
                case .success(.error(let message)):
                    continuation.resume(throwing: RedisError.server(message))
                case .success(let value):
                    continuation.resume(returning: value)
                case .failure(let error):
                    connectionBroke(error, failing: batch[index...])
                    return
                }
            case .pipeline(let commands, let continuation):
                var values: [RedisValue] = []
                values.reserveCapacity(commands.count)
                for _ in commands.indices {
                    switch context.readReply() {
                    case .success(let value):
                        values.append(value)
                    case .failure(let error):
                        connectionBroke(error, failing: batch[index...])
                        return
                    }
                }
                continuation.resume(returning: values)
            }
        }
    }

    /// Fails the requests whose replies were not read and drops the connection. The
    /// failed commands may or may not have run on the server, so they are not retried.
    private func connectionBroke(_ error: RedisError, failing requests: ArraySlice<ConnectionRequest>) {
        let closing = queue.isClosing
        let reported = closing ? RequestQueue.closedError : error
        if !closing {
            logger.warning(
                "redis connection broke with requests in flight",
                metadata: [
                    "redis.endpoint": "\(configuration.url)",
                    "redis.error": "\(error)",
                    "redis.failedRequests": "\(requests.count)",
                ]
            )
        }
        fail(requests, with: reported)
        disconnect()
    }

    private func fail(_ requests: ArraySlice<ConnectionRequest>, with error: RedisError) {
        for request in requests { request.fail(error) }
    }

    // MARK: - Connecting

    /// Makes sure a healthy connection exists before `batch` is sent, reconnecting
    /// with exponential backoff if needed. On failure every request in `batch` (and
    /// everything queued meanwhile) is failed and `false` is returned.
    private func prepareConnection(_ batch: inout [ConnectionRequest]) -> Bool {
        if let context {
            if context.isIdleHealthy() { return true }
            logger.debug(
                "redis connection was closed while idle; reconnecting",
                metadata: ["redis.endpoint": "\(configuration.url)"]
            )
            disconnect()
        }

        let start = monotonicNanoseconds()
        let giveUp = configuration.reconnectGiveUpAfter.nanoseconds
        var delay = max(configuration.reconnectBackoffMin.nanoseconds, 1_000_000)
        let maxDelay = max(configuration.reconnectBackoffMax.nanoseconds, delay)
        var attempt = 1
        while true {
            let result = connect()
            switch result {
            case .success:
                logger.info(
                    "redis reconnected",
                    metadata: ["redis.endpoint": "\(configuration.url)", "redis.attempts": "\(attempt)"]
                )
                return true
            case .failure(let error):
                if queue.isClosing {
                    failBatchAndQueue(&batch, with: RequestQueue.closedError)
                    return false
                }
                let elapsed = monotonicNanoseconds() - start
                if error.code == .authenticationFailed || elapsed + delay > giveUp {
                    logger.error(
                        "redis reconnect failed; failing queued requests",
                        metadata: ["redis.endpoint": "\(configuration.url)", "redis.error": "\(error)"]
                    )
                    let failure = error.code == .authenticationFailed ? error : RedisError(
                        code: .connectionFailed,
                        message: "could not reconnect to \(configuration.url) after \(attempt) attempt(s)",
                        underlying: error
                    )
                    failBatchAndQueue(&batch, with: failure)
                    return false
                }
                logger.debug(
                    "redis reconnect attempt failed; backing off",
                    metadata: [
                        "redis.endpoint": "\(configuration.url)", "redis.error": "\(error)",
                        "redis.backoffMilliseconds": "\(delay / 1_000_000)",
                    ]
                )
                if !queue.sleep(nanoseconds: delay) {
                    failBatchAndQueue(&batch, with: RequestQueue.closedError)
                    return false
                }
                delay = min(delay * 2, maxDelay)
                attempt += 1
            }
        }
    }

    private func failBatchAndQueue(_ batch: inout [ConnectionRequest], with error: RedisError) {
        queue.takeAllNow(into: &batch)
        fail(batch[...], with: error)
    }

    /// Opens the socket and runs the handshake: `AUTH`, `SELECT`, `CLIENT SETNAME`.
    private func connect() -> Result<Void, RedisError> {
        let url = configuration.url
        let newContext: HiredisContext
        switch HiredisContext.connect(to: url.endpoint, timeout: configuration.connectTimeout) {
        case .success(let value): newContext = value
        case .failure(let error): return .failure(error)
        }
        context = newContext
        guard queue.publishSocket(newContext.fileDescriptor) else {
            disconnect()
            return .failure(RequestQueue.closedError)
        }
        // Bound the handshake by the connect timeout, then switch to the read timeout.
        newContext.setReadTimeout(configuration.connectTimeout)

        if let password = url.password {
            var arguments = ["AUTH"]
            if let username = url.username { arguments.append(username) }
            arguments.append(password)
            if let failure = handshake(newContext, arguments, failureCode: .authenticationFailed) {
                return .failure(failure)
            }
        }
        if let database = url.database, database != 0 {
            if let failure = handshake(newContext, ["SELECT", String(database)], failureCode: .connectionFailed) {
                return .failure(failure)
            }
        }
        if let name = configuration.clientName {
            if let failure = handshake(newContext, ["CLIENT", "SETNAME", name], failureCode: .connectionFailed) {
                return .failure(failure)
            }
        }
        newContext.setReadTimeout(configuration.readTimeout)
        logger.debug("redis connected", metadata: ["redis.endpoint": "\(url)"])
        return .success(())
    }

    private func handshake(_ context: HiredisContext, _ arguments: [String], failureCode: RedisError.Code) -> RedisError? {
        switch context.command(arguments) {
        case .success(.error(let message)):
            disconnect()
            return RedisError(
                code: failureCode,
                message: "\(arguments[0]) failed: \(message)",
                underlying: RedisError.server(message)
            )
        case .success:
            return nil
        case .failure(let error):
            disconnect()
            return error
        }
    }

    /// Forgets the socket (publishing -1 first, see ``RequestQueue/publishSocket(_:)``)
    /// and frees the hiredis context, which closes the descriptor.
    private func disconnect() {
        guard context != nil else { return }
        queue.publishSocket(-1)
        context = nil
    }
}
