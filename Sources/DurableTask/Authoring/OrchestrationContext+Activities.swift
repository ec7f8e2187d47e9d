import Foundation

extension OrchestrationContext {
    /// Calls an activity and waits for its output.
    public func callActivity<A: Activity>(
        _ activity: A.Type, input: A.Input, options: TaskOptions = TaskOptions()
    ) async throws -> A.Output {
        try await scheduleActivity(activity, input: input, options: options).value
    }

    /// Calls an activity that takes no input and waits for its output.
    public func callActivity<A: Activity>(_ activity: A.Type, options: TaskOptions = TaskOptions()) async throws -> A.Output
    where A.Input == NoValue {
        try await scheduleActivity(activity, input: NoValue(), options: options).value
    }

    /// Schedules an activity and returns a future for its output (for fan-out).
    public func scheduleActivity<A: Activity>(
        _ activity: A.Type, input: A.Input, options: TaskOptions = TaskOptions()
    ) throws -> DurableFuture<A.Output> {
        try scheduleActivity(named: A.name, input: input, returning: A.Output.self, options: options)
    }

    /// Calls an activity by registered name with any encodable input.
    public func callActivity<Output: Decodable & Sendable>(
        named name: String, input: some Encodable = NoValue(), returning: Output.Type = Output.self,
        options: TaskOptions = TaskOptions()
    ) async throws -> Output {
        try await scheduleActivity(named: name, input: input, returning: returning, options: options).value
    }

    /// Schedules an activity by registered name and returns a future for its output.
    public func scheduleActivity<Output: Decodable & Sendable>(
        named name: String, input: some Encodable = NoValue(), returning: Output.Type = Output.self,
        options: TaskOptions = TaskOptions()
    ) throws -> DurableFuture<Output> {
        try checkUsable()
        let payload = try PayloadCoding.encodeOrThrow(input, what: "the input of activity '\(name)'")
        let what: @Sendable () -> String = { "the output of activity '\(name)'" }
        guard let retry = options.retry else {
            return future(scheduleTaskSource(name: name, input: payload, attempt: 1), as: Output.self, what: what)
        }
        let source = withRetry(retry, description: "activity '\(name)'") { context, attempt in
            context.scheduleTaskSource(name: name, input: payload, attempt: attempt)
        }
        return future(source, as: Output.self, what: what)
    }

    func scheduleTaskSource(name: String, input: String?, attempt: Int) -> CompletionSource {
        let id = addAction { _ in .scheduleTask(name: name, input: input, attempt: attempt) }
        let source = CompletionSource(id: id, operation: .activity(name: name))
        openTasks[id] = source
        return source
    }

    /// Runs `start` under a retry policy in a child task on the orchestration's executor.
    /// Delays between attempts are durable timers.
    func withRetry(
        _ policy: RetryPolicy, description: String,
        start: @escaping @Sendable (OrchestrationContext, Int) -> CompletionSource
    ) -> CompletionSource {
        let composite = makeInternalSource(.composite("retry \(description)"))
        let firstAttemptAt = currentUtcDateTime
        // The task is created on the engine's thread and runs only when the engine drains,
        // so its interleaving is deterministic.
        Task(executorPreference: executor) { [self] in
            var attempt = 1
            while true {
                let source = start(self, attempt)
                await DurableWaiter.wait(for: [source], context: self)
                if abandoned {
                    composite.complete(.failure(OrchestrationAbandonedError()))
                    return
                }
                switch source.result! {
                case .success(let value):
                    composite.complete(.success(value))
                    return
                case .failure(let error):
                    guard let failed = error as? TaskFailedError, attempt < policy.maxAttempts,
                        !failed.cause.isNonRetriable, policy.shouldRetry?(failed) ?? true
                    else {
                        composite.complete(.failure(error))
                        return
                    }
                    let delay = policy.delay(afterAttempt: attempt)
                    let fireAt = currentUtcDateTime.addingTimeInterval(delay.timeInterval)
                    if let total = policy.retryTimeout, fireAt > firstAttemptAt.addingTimeInterval(total.timeInterval) {
                        composite.complete(.failure(error))
                        return
                    }
                    let timer = timerSource(fireAt: fireAt)
                    await DurableWaiter.wait(for: [timer], context: self)
                    if abandoned {
                        composite.complete(.failure(OrchestrationAbandonedError()))
                        return
                    }
                    attempt += 1
                }
            }
        }
        return composite
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
