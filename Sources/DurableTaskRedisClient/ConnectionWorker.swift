internal import Logging

/// The loop that runs on a connection's dedicated I/O thread. It owns the hiredis
/// context: it takes every queued request at once, appends all their commands with
/// `redisAppendCommandArgv`, flushes them and reads the replies in order, resuming each
/// caller as soon as its replies are in (so concurrent callers are pipelined
/// automatically). While it waits for replies it also appends requests queued in the
/// meantime, which keeps the pipeline full under load.
///
/// Not `Sendable`: after being handed to its thread, only that thread touches it.
final class ConnectionWorker {
    private let queue: RequestQueue
    private let configuration: RedisConfiguration
    private let logger: Logger
    private var context: HiredisContext?
    private var inFlight = InFlightRequests()
    /// Scratch buffer for requests picked up while replies are awaited.
    private var newcomers: [ConnectionRequest] = []
    /// Whether giving up on reconnecting was logged as an error since the last connection:
    /// later give-ups in the same outage are logged at debug level only.
    private var outageReported = false

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
        newcomers.reserveCapacity(64)
        while queue.takeAll(into: &batch) {
            if prepareConnection(&batch), send(batch) {
                receiveUntilIdle()
            }
            batch.removeAll(keepingCapacity: true)
        }
        disconnect()
        queue.takeAllNow(into: &batch)
        for request in batch { request.fail(RequestQueue.closedError) }
        logger.debug("redis connection closed", metadata: [LogKeys.endpoint: "\(configuration.url)"])
        queue.markExited()
    }

    // MARK: - Sending and receiving

    /// Appends the commands of `requests` to hiredis' output buffer and marks them in
    /// flight. Returns `false` if the connection had to be dropped.
    private func send(_ requests: [ConnectionRequest]) -> Bool {
        guard let context else {
            for request in requests { request.fail(RequestQueue.closedError) }
            return false
        }
        var appended = true
        for request in requests {
            inFlight.append(request)
            if appended {
                switch request {
                case .single(let command, _), .observed(let command, _, _):
                    appended = context.append(command)
                case .pipeline(let commands, _):
                    appended = commands.allSatisfy { context.append($0) }
                }
            }
        }
        if !appended {
            connectionBroke(RedisError(code: .connectionLost, message: "hiredis could not buffer the command"))
        }
        return appended
    }

    /// Reads replies until nothing is in flight. Before each blocking read it sends any
    /// requests queued meanwhile, so they travel while earlier replies are awaited.
    private func receiveUntilIdle() {
        while !inFlight.isEmpty, let context {
            switch context.bufferedReply() {
            case .success(let value?):
                inFlight.deliver(value)
                continue
            case .success(nil):
                break
            case .failure(let error):
                connectionBroke(error)
                return
            }
            if queue.mayHavePending {
                queue.takeAllNow(into: &newcomers)
                let sent = send(newcomers)
                newcomers.removeAll(keepingCapacity: true)
                if !sent { return }
            }
            if let error = context.flush() ?? context.receive() {
                connectionBroke(error)
                return
            }
        }
    }

    /// Fails every request in flight and drops the connection. The failed commands may
    /// or may not have run on the server, so they are not retried.
    private func connectionBroke(_ error: RedisError) {
        let closing = queue.isClosing
        if !closing {
            logger.warning(
                "redis connection broke with requests in flight",
                metadata: [
                    LogKeys.endpoint: "\(configuration.url)",
                    LogKeys.error: "\(error)",
                    LogKeys.failedRequests: "\(inFlight.count)",
                ]
            )
        }
        inFlight.failAll(closing ? RequestQueue.closedError : error)
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
                metadata: [LogKeys.endpoint: "\(configuration.url)"]
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
                outageReported = false
                logger.info(
                    "redis reconnected",
                    metadata: [LogKeys.endpoint: "\(configuration.url)", LogKeys.attempts: "\(attempt)"]
                )
                return true
            case .failure(let error):
                if queue.isClosing {
                    failBatchAndQueue(&batch, with: RequestQueue.closedError)
                    return false
                }
                let elapsed = monotonicNanoseconds() - start
                if error.code == .authenticationFailed || elapsed + delay > giveUp {
                    logger.log(
                        level: outageReported ? .debug : .error, "redis reconnect failed; failing queued requests",
                        metadata: [LogKeys.endpoint: "\(configuration.url)", LogKeys.error: "\(error)"]
                    )
                    outageReported = true
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
                        LogKeys.endpoint: "\(configuration.url)", LogKeys.error: "\(error)",
                        LogKeys.backoffMilliseconds: "\(delay / 1_000_000)",
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
        // One line per attempt (trace), so a test can count how often an outage makes us try.
        logger.trace("redis connecting", metadata: [LogKeys.endpoint: "\(url)"])
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
        logger.debug("redis connected", metadata: [LogKeys.endpoint: "\(url)"])
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
