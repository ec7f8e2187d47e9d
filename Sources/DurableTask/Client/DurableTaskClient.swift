public import Foundation
public import Tracing

/// Schedules, inspects and controls orchestration instances in a store.
public struct DurableTaskClient: Sendable {
    /// The store.
    public let store: any OrchestrationStore
    /// Where the client's spans go: a start opens a span whose context the new instance keeps,
    /// so its turns and activities continue the caller's trace.
    public let tracer: any LegacyTracer

    /// Creates a client.
    /// - Parameter tracer: the process's `InstrumentationSystem` tracer by default.
    public init(store: any OrchestrationStore, tracer: (any LegacyTracer)? = nil) {
        self.store = store
        self.tracer = tracer ?? InstrumentationSystem.legacyTracer
    }

    /// Options for starting an instance.
    public struct StartOptions: Sendable {
        /// The instance ID; a new random one when `nil`.
        public var instanceId: String?
        /// Start no earlier than this time.
        public var startAt: Date?
        /// The orchestration version.
        public var version: String?
        /// Free-form tags.
        public var tags: [String: String]
        /// What to do if a live instance already has the ID.
        public var reusePolicy: InstanceIdReusePolicy
        /// The trace the start belongs to, when it comes from elsewhere (a gRPC caller's
        /// `parentTraceContext`); by default the task-local context of the caller.
        public var traceContext: TraceCarrier?

        /// Creates options.
        public init(
            instanceId: String? = nil, startAt: Date? = nil, version: String? = nil, tags: [String: String] = [:],
            reusePolicy: InstanceIdReusePolicy = .fail
        ) {
            self.instanceId = instanceId
            self.startAt = startAt
            self.version = version
            self.tags = tags
            self.reusePolicy = reusePolicy
        }
    }

    // MARK: Starting

    /// Schedules a new instance of a typed orchestrator. Returns its instance ID.
    @discardableResult
    public func scheduleNewOrchestration<O: Orchestrator>(
        _ orchestrator: O.Type, input: O.Input, options: StartOptions = StartOptions()
    ) async throws -> String {
        try await scheduleNewOrchestration(named: O.name, input: input, options: options)
    }

    /// Schedules a new instance of a typed orchestrator that takes no input.
    @discardableResult
    public func scheduleNewOrchestration<O: Orchestrator>(_ orchestrator: O.Type, options: StartOptions = StartOptions())
        async throws -> String where O.Input == NoValue
    {
        try await scheduleNewOrchestration(named: O.name, input: NoValue(), options: options)
    }

    /// Schedules a new instance by orchestrator name. Returns its instance ID.
    @discardableResult
    public func scheduleNewOrchestration(
        named name: String, input: some Encodable = NoValue(), options: StartOptions = StartOptions()
    ) async throws -> String {
        let payload = try PayloadCoding.encodeOrThrow(input, what: "the orchestration input")
        return try await scheduleNewOrchestration(named: name, rawInput: payload, options: options).instanceId
    }

    /// Schedules a new instance with an already serialized input and returns the store's answer.
    public func scheduleNewOrchestration(named name: String, rawInput: String?, options: StartOptions = StartOptions())
        async throws -> CreateInstanceResult
    {
        try await create(makeRequest(name: name, rawInput: rawInput, options: options, event: nil))
    }

    /// Raises an event to an instance, first starting it if no live instance has the ID, as
    /// one atomic store operation.
    @discardableResult
    public func signalWithStart(
        orchestratorNamed name: String, instanceId: String, input: some Encodable = NoValue(),
        eventName: String, eventPayload: some Encodable = NoValue()
    ) async throws -> CreateInstanceResult {
        let payload = try PayloadCoding.encodeOrThrow(input, what: "the orchestration input")
        let data = try PayloadCoding.encodeOrThrow(eventPayload, what: "the event payload")
        return try await signalWithStart(
            orchestratorNamed: name, instanceId: instanceId, rawInput: payload, eventName: eventName, rawEventPayload: data)
    }

    /// Signal-with-start with an input and an event payload that are already serialized JSON
    /// text (`nil` for none); the management API passes callers' text through.
    ///
    /// - Throws: `invalidArgument` if the instance ID breaks ``InstanceID/validateForStart(_:)``,
    ///   the only argument this checks; otherwise the store's errors.
    @discardableResult
    public func signalWithStart(
        orchestratorNamed name: String, instanceId: String, rawInput: String?, eventName: String, rawEventPayload: String?
    ) async throws -> CreateInstanceResult {
        try await create(makeRequest(
            name: name, rawInput: rawInput, options: StartOptions(instanceId: instanceId), event: (eventName, rawEventPayload)))
    }

    /// Creates the instance inside a span, whose context the instance keeps (its trace).
    private func create(_ request: CreateInstanceRequest) async throws -> CreateInstanceResult {
        var request = request
        let given = request.executionStarted.traceContext
        let parent = given.map { TraceContext.extract($0, with: tracer) } ?? InstrumentationContext.current ?? .topLevel
        let span = tracer.startAnySpan(SpanNames.start(request.executionStarted.name), context: parent, ofKind: .producer)
        defer { span.end() }
        span.attributes["durabletask.instance_id"] = request.executionStarted.instanceId
        request.executionStarted.traceContext = TraceContext.inject(span.context, with: tracer) ?? given
        return try await store.createInstance(request)
    }

    private func makeRequest(
        name: String, rawInput: String?, options: StartOptions, event: (name: String, input: String?)?
    ) throws -> CreateInstanceRequest {
        let id = options.instanceId ?? RandomIdentifier.compact()
        try InstanceID.validateForStart(id)
        if let event { try ExternalEvent.validate(name: event.name) }
        let started = ExecutionStartedEvent(
            name: name, instanceId: id, executionId: RandomIdentifier.uuidString(), input: rawInput, version: options.version,
            scheduledStartTime: options.startAt, tags: options.tags)
        var request = CreateInstanceRequest(executionStarted: started, reusePolicy: options.reusePolicy, event: event)
        request.executionStarted.traceContext = options.traceContext
        return request
    }

    // MARK: Reading

    /// Reads an instance's state; `nil` if it does not exist.
    public func getInstance(_ instanceId: String) async throws -> OrchestrationMetadata? {
        try await store.getInstance(instanceId)
    }

    /// Reads an instance's history (current execution).
    public func getHistory(_ instanceId: String) async throws -> [HistoryEvent] {
        try await store.readHistory(instanceId: instanceId)
    }

    /// Waits until the instance has started, or throws `timeout`.
    public func waitForInstanceStart(_ instanceId: String, timeout: Duration = .seconds(30)) async throws -> OrchestrationMetadata {
        try await wait(instanceId, .started, timeout)
    }

    /// Waits until the instance has finished, or throws `timeout`.
    public func waitForInstanceCompletion(_ instanceId: String, timeout: Duration = .seconds(30)) async throws
        -> OrchestrationMetadata
    {
        try await wait(instanceId, .completed, timeout)
    }

    private func wait(_ id: String, _ condition: InstanceWaitCondition, _ timeout: Duration) async throws -> OrchestrationMetadata {
        guard let metadata = try await store.waitForInstance(id, condition: condition, timeout: timeout) else {
            throw DurableTaskError(.instanceNotFound, "no instance has ID '\(id)'")
        }
        guard condition.isSatisfied(by: metadata) else {
            throw DurableTaskError(.timeout, "instance '\(id)' is still \(metadata.runtimeStatus.rawValue) after \(timeout)")
        }
        return metadata
    }

    /// Queries instances, one page at a time.
    public func queryInstances(_ query: InstanceQuery) async throws -> InstanceQueryResult {
        try await store.queryInstances(query)
    }

    // MARK: Controlling

    /// Raises an external event.
    ///
    /// - Throws: `instanceNotFound`, or `instanceCompleted` if the instance has finished;
    ///   `invalidArgument` for an entity or a reserved name (``ExternalEvent/validate(to:name:)``).
    public func raiseEvent(_ instanceId: String, name: String, payload: some Encodable = NoValue()) async throws {
        try await raiseEvent(instanceId, name: name, rawInput: try PayloadCoding.encodeOrThrow(payload, what: "the event payload"))
    }

    /// Raises an event whose payload is already serialized JSON text (the management API and
    /// the gRPC sidecar pass callers' text through).
    public func raiseEvent(_ instanceId: String, name: String, rawInput: String?) async throws {
        try ExternalEvent.validate(to: instanceId, name: name)
        try await send(instanceId, .eventRaised(name: name, input: rawInput))
    }

    /// Terminates an instance; with `recursive`, its running sub-orchestrations too.
    public func terminate(_ instanceId: String, reason: String? = nil, recursive: Bool = true) async throws {
        let text = try reason.flatMap { try PayloadCoding.encodeOrThrow($0, what: "the reason") }
        try await terminate(instanceId, rawOutput: text, recursive: recursive)
    }

    /// Terminates an instance with an already serialized output (JSON text) as its result.
    public func terminate(_ instanceId: String, rawOutput: String?, recursive: Bool = true) async throws {
        try await send(instanceId, .executionTerminated(reason: rawOutput, recurse: recursive))
    }

    /// Suspends an instance. Events that arrive while it is suspended are kept until it resumes.
    public func suspend(_ instanceId: String, reason: String? = nil) async throws {
        try await send(instanceId, .executionSuspended(reason: reason))
    }

    /// Resumes a suspended instance.
    public func resume(_ instanceId: String, reason: String? = nil) async throws {
        try await send(instanceId, .executionResumed(reason: reason))
    }

    private func send(_ instanceId: String, _ kind: HistoryEvent.Kind) async throws {
        try await store.sendMessage(OrchestrationMessage(instanceId: instanceId, event: HistoryEvent(timestamp: Date(), kind: kind)))
    }

    /// Rewinds a failed instance: the task whose failure ended it runs again and the orchestration
    /// goes on from there, keeping the rest of its history. If its own code failed, the replay
    /// fails the same way again.
    ///
    /// - Throws: `instanceNotFound`; `invalidState` unless the instance is `Failed`.
    public func rewind(_ instanceId: String, reason: String? = nil) async throws {
        try await store.rewindInstance(OrchestrationMessage(
            instanceId: instanceId, event: HistoryEvent(timestamp: Date(), kind: .executionRewound(reason: reason))))
    }

    /// Starts the instance again with its original name and input. Returns the instance ID started.
    ///
    /// - Parameter newInstanceId: `true` (the default, as Durable Functions' `RestartAsync` and the
    ///   management API's `restartWithNewInstanceId`) starts a new instance under a new random ID
    ///   and leaves the old one as it is; `false` starts it again under the same ID, which must
    ///   have finished (else `instanceAlreadyExists`).
    @discardableResult
    public func restart(_ instanceId: String, newInstanceId: Bool = true) async throws -> String {
        guard let metadata = try await store.getInstance(instanceId) else {
            throw DurableTaskError(.instanceNotFound, "no instance has ID '\(instanceId)'")
        }
        var input = metadata.input
        if let first = try await store.readHistory(instanceId: instanceId).first(where: {
            if case .executionStarted = $0.kind { return true }
            return false
        }), case .executionStarted(let started) = first.kind, started.generation == 0 {
            input = started.input
        }
        let options = StartOptions(instanceId: newInstanceId ? nil : instanceId, version: metadata.version)
        return try await scheduleNewOrchestration(named: metadata.name, rawInput: input, options: options).instanceId
    }

    /// Deletes a finished instance. Returns whether one was deleted.
    @discardableResult
    public func purgeInstance(_ instanceId: String) async throws -> Bool {
        try await store.purgeInstance(instanceId)
    }

    /// Deletes every finished instance matching the filter. Returns the count.
    @discardableResult
    public func purgeInstances(_ filter: PurgeInstancesFilter) async throws -> Int {
        try await store.purgeInstances(filter)
    }
}

/// Rules for events that clients raise.
public enum ExternalEvent {
    /// Throws `invalidArgument` when a client's event would forge the engine's own messages: an
    /// event to an entity (entities take operations, through `signalEntity`), or an event name
    /// that starts with `$`, which the engine reserves for its internal messages (`$entity`).
    public static func validate(to instanceId: String, name: String) throws {
        guard !EntityID.isEntity(instanceId) else {
            throw DurableTaskError(
                .invalidArgument, "'\(instanceId)' is an entity: entities take operations (signal the entity), not events")
        }
        try validate(name: name)
    }

    /// Checks an event name alone: names starting with `$` are the engine's own.
    /// - Throws: `invalidArgument`.
    public static func validate(name: String) throws {
        // By the first byte: `hasPrefix` compares characters, and "$\u{301}…" begins with `$́`.
        guard name.utf8.first != UInt8(ascii: "$") else {
            throw DurableTaskError(.invalidArgument, "event name '\(name)' is reserved: names starting with '$' are the engine's own")
        }
    }
}

/// Rules for instance IDs.
public enum InstanceID {
    /// The longest accepted instance ID, in UTF-16 code units (as Durable Functions counts).
    public static let maxLength = 256

    /// Throws `invalidArgument` unless the ID is 1 to 256 UTF-16 code units long, is not `.` or
    /// `..`, and is free of control characters (Unicode Cc: U+0000–U+001F, U+007F–U+009F), `/`,
    /// `\`, `#` and `?`.
    public static func validate(_ id: String) throws {
        guard !id.isEmpty, id.utf16.count <= maxLength else {
            throw DurableTaskError(.invalidArgument, "instance ID must be 1 to \(maxLength) UTF-16 code units long")
        }
        guard id != ".", id != ".." else {
            // They name a path segment, not an instance, in every URL that carries an ID.
            throw DurableTaskError(.invalidArgument, "instance ID '\(id)' is not allowed")
        }
        for scalar in id.unicodeScalars where isForbidden(scalar) {
            throw DurableTaskError(.invalidArgument, "instance ID '\(id)' contains a forbidden character (control, /, \\, # or ?)")
        }
    }

    /// Validates the ID of an orchestration instance a client starts: the rules of ``validate(_:)``,
    /// and no leading `@`, which is reserved for entities.
    public static func validateForStart(_ id: String) throws {
        try validate(id)
        // As the engine tells entities (by the first byte; `hasPrefix` compares characters, and
        // "@\u{301}x@y" begins with `@́`): such an ID started as an orchestration was run as an
        // entity batch, which failed and was retried without end.
        guard !EntityID.isEntity(id) else {
            throw DurableTaskError(.invalidArgument, "instance ID '\(id)' starts with '@', which is reserved for entities")
        }
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        default: "/\\#?".unicodeScalars.contains(scalar)
        }
    }
}
