public import Foundation
public import Logging
import DequeModule

/// The orchestrator's only door to the world: calls, timers, events, time, GUIDs, logging.
///
/// One context exists per episode of an orchestration. Its methods must be called only
/// from the orchestrator's own code (including its `async let` children and task-group
/// tasks); a call from anywhere else fails the instance with ``EngineFailure/contextMisuse``.
public final class OrchestrationContext: @unchecked Sendable {
    // Safe: every mutable member is read and written only on the deterministic executor's
    // drain thread (the engine's thread); `checkUsable()` enforces this for public calls.

    /// The instance ID.
    public let instanceId: String
    /// The orchestrator name.
    public internal(set) var name: String = ""
    /// The current execution ID (changes with each continue-as-new).
    public internal(set) var executionId: String = ""
    /// The orchestration version, if one was given at start.
    public internal(set) var version: String?
    /// The parent instance, for sub-orchestrations.
    public internal(set) var parent: ParentInstance?
    /// The continue-as-new generation, starting at 0.
    public internal(set) var generation: Int = 0
    /// The orchestration's current time: the start time of the turn being replayed or run.
    public internal(set) var currentUtcDateTime: Date = Date(timeIntervalSince1970: 0)
    /// Whether the code is being replayed from history. Side effects such as logging should be skipped.
    public internal(set) var isReplaying: Bool = false
    /// A logger that is silent while ``isReplaying`` is true.
    public private(set) var logger: Logger

    // MARK: Engine state

    let executor: DeterministicExecutor
    var nextSequence = 0
    /// Actions produced by the code and not yet matched with (or recorded as) history events.
    var pendingActions = PendingActions()
    /// Operations waiting for a result message, by sequence number.
    var openTasks: [Int: CompletionSource] = [:]
    /// Sub-orchestrations started and not finished, by sequence number.
    var openSubOrchestrations: [Int: String] = [:]
    /// Waits for external events, FIFO per (case-folded) name.
    var eventWaiters: [String: Deque<CompletionSource>] = [:]
    /// Events that arrived before anyone waited for them, in arrival order.
    var bufferedEvents: [HistoryEvent] = []
    var parkedWaiters = 0
    var customStatus: String?
    /// Lock requests sent and not yet released, by request ID: the entities each one locks.
    /// Released when the execution ends, however it ends.
    var openLocks: [String: [String]] = [:]
    /// The entities of the critical section being run, if any.
    var criticalSection: Set<String>?
    var continueAsNewRequest: (input: String?, preserveEvents: Bool, version: String?)?
    var fatal: FailureDetails?
    var abandoned = false
    /// The number of GUIDs ``newGUID()`` has made in this episode: the next one's counter.
    private var guidCounter = 0
    private var nextInternalId = -2

    init(instanceId: String, executor: DeterministicExecutor, logger: Logger) {
        self.instanceId = instanceId
        self.executor = executor
        var base = logger
        base[metadataKey: LogKeys.instanceId] = .string(instanceId)
        self.logger = base
        self.logger = Logger(label: base.label) { _ in ReplaySafeLogHandler(base: base, context: self) }
        self.logger.logLevel = base.logLevel
    }

    // MARK: Public API

    /// Returns a deterministic UUID: the same on every replay of this point in the code.
    ///
    /// It is a name-based UUID (RFC 4122 §4.3, version 5, SHA-1) of the name
    /// `{instanceId}_{time}_{counter}`: the ``currentUtcDateTime`` printed as Python's
    /// `%Y-%m-%dT%H:%M:%S.%fZ` (six fractional digits, `2023-11-14T22:13:20.123456Z`) and a count of
    /// this execution's calls starting at 0, in the namespace of the Python Durable Task SDK's
    /// `new_uuid`. That is the SDK our Python test suite runs against the sidecar, so an
    /// orchestrator gives the same GUID as one written with it at the same point. The .NET SDKs
    /// use another namespace and seven fractional digits (the `"o"` format), so their GUIDs differ.
    public func newGUID() -> UUID {
        defer { guidCounter += 1 }
        return DeterministicGUID.orchestrationGUID(instanceId: instanceId, time: currentUtcDateTime, counter: guidCounter)
    }

    /// Sets the custom status clients see. Pass `nil` to clear it.
    public func setCustomStatus(_ value: (some Encodable)?) throws {
        try checkUsable()
        if let value {
            customStatus = try PayloadCoding.encodeOrThrow(value, what: "the custom status")
        } else {
            customStatus = nil
        }
    }

    // MARK: Internal helpers for the authoring API

    /// Throws if the context is used outside its orchestration or after the episode ended.
    func checkUsable() throws {
        if abandoned { throw OrchestrationAbandonedError() }
        guard executor.isOnOwnerThread else {
            let message = "OrchestrationContext of '\(instanceId)' was used outside the orchestrator's own code "
                + "(from Task.detached, another actor, or another thread). Orchestrator code must reach the world only through its context."
            if fatal == nil {
                fatal = FailureDetails(errorType: EngineFailure.contextMisuse, errorMessage: message, isNonRetriable: true)
            }
            throw DurableTaskError(.invalidArgument, message)
        }
    }

    /// Records a new action and returns its sequence number.
    func addAction(_ make: (Int) -> OrchestratorAction.Kind) -> Int {
        let id = nextSequence
        nextSequence += 1
        pendingActions.append(OrchestratorAction(id: id, kind: make(id)))
        return id
    }

    /// A source that is completed by code rather than by a history event.
    func makeInternalSource(_ operation: CompletionSource.Operation) -> CompletionSource {
        nextInternalId -= 1
        return CompletionSource(id: nextInternalId, operation: operation)
    }

    func bufferedEventIndex(named name: String) -> Int? {
        let key = name.lowercased()
        return bufferedEvents.firstIndex { event in
            if case .eventRaised(let n, _) = event.kind { return n.lowercased() == key }
            return false
        }
    }
}

/// Drops log records while the orchestration is replaying.
struct ReplaySafeLogHandler: LogHandler, @unchecked Sendable {
    // Safe: `context` is read only from orchestrator code, which runs on the engine's thread.
    var base: Logger
    unowned let context: OrchestrationContext

    var metadata: Logger.Metadata {
        get { base.handler.metadata }
        set { base.handler.metadata = newValue }
    }
    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard !context.isReplaying else { return }
        base.handler.log(event: event)
    }
}
