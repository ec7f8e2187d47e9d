extension OrchestrationContext {
    /// Calls a sub-orchestrator and waits for its output.
    ///
    /// - Parameter instanceId: the child's instance ID; by default a deterministic ID derived
    ///   from this instance's ID, generation and the call's sequence number.
    public func callSubOrchestrator<O: Orchestrator>(
        _ orchestrator: O.Type, input: O.Input, instanceId: String? = nil, options: TaskOptions = TaskOptions()
    ) async throws -> O.Output {
        try await scheduleSubOrchestrator(orchestrator, input: input, instanceId: instanceId, options: options).value
    }

    /// Calls a sub-orchestrator that takes no input and waits for its output.
    public func callSubOrchestrator<O: Orchestrator>(
        _ orchestrator: O.Type, instanceId: String? = nil, options: TaskOptions = TaskOptions()
    ) async throws -> O.Output where O.Input == NoValue {
        try await scheduleSubOrchestrator(orchestrator, input: NoValue(), instanceId: instanceId, options: options).value
    }

    /// Starts a sub-orchestrator and returns a future for its output.
    public func scheduleSubOrchestrator<O: Orchestrator>(
        _ orchestrator: O.Type, input: O.Input, instanceId: String? = nil, options: TaskOptions = TaskOptions()
    ) throws -> DurableFuture<O.Output> {
        try scheduleSubOrchestrator(named: O.name, input: input, instanceId: instanceId, returning: O.Output.self, options: options)
    }

    /// Starts a sub-orchestrator by registered name and returns a future for its output.
    public func scheduleSubOrchestrator<Output: Decodable & Sendable>(
        named name: String, input: some Encodable = NoValue(), instanceId: String? = nil,
        returning: Output.Type = Output.self, options: TaskOptions = TaskOptions()
    ) throws -> DurableFuture<Output> {
        try checkUsable()
        let payload = try PayloadCoding.encodeOrThrow(input, what: "the input of sub-orchestrator '\(name)'")
        let what: @Sendable () -> String = { "the output of sub-orchestrator '\(name)'" }
        guard let retry = options.retry else {
            return future(subOrchestrationSource(name: name, input: payload, instanceId: instanceId), as: Output.self, what: what)
        }
        let source = withRetry(retry, description: "sub-orchestrator '\(name)'") { context, attempt in
            // Each attempt needs a fresh child instance.
            let child = instanceId.map { attempt == 1 ? $0 : "\($0):\(attempt)" }
            return context.subOrchestrationSource(name: name, input: payload, instanceId: child)
        }
        return future(source, as: Output.self, what: what)
    }

    func subOrchestrationSource(name: String, input: String?, instanceId: String?) -> CompletionSource {
        var childId = ""
        let id = addAction { seq in
            childId = instanceId ?? "\(self.instanceId):\(generation):\(seq)"
            return .createSubOrchestration(name: name, instanceId: childId, input: input, version: nil)
        }
        let source = CompletionSource(id: id, operation: .subOrchestration(name: name, instanceId: childId))
        openTasks[id] = source
        openSubOrchestrations[id] = childId
        return source
    }
}
