public import Foundation

/// What an entity operation can see and do: its ID, the operation and input, the state, and
/// signals and orchestration starts that take effect only if the operation succeeds.
///
/// `@unchecked Sendable`: one context serves one operation, run by one task at a time.
public final class EntityContext: @unchecked Sendable {
    /// The entity.
    public let id: EntityID
    /// The operation name, as sent.
    public let operationName: String
    /// The serialized input.
    public let rawInput: String?
    /// When the batch holding this operation started.
    public let currentUtcDateTime: Date

    package var state: String?
    var stateDeletedByOperation = false
    package var outbound: [OrchestrationMessage] = []
    /// Signals this entity sends itself for later: they become its own durable timers, so they
    /// cost no batch until they are due.
    package var timers: [OrchestrationMessage] = []

    init(id: EntityID, operationName: String, rawInput: String?, state: String?, now: Date) {
        self.id = id
        self.operationName = operationName
        self.rawInput = rawInput
        self.state = state
        self.currentUtcDateTime = now
    }

    /// Decodes the input.
    public func input<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try PayloadCoding.decodeOrThrow(T.self, from: rawInput, what: "the input of operation '\(operationName)'")
    }

    /// Whether the entity has state.
    public var hasState: Bool { state != nil }

    /// Decodes the state. Throws if there is none or it does not decode.
    public func getState<T: Decodable>(as type: T.Type = T.self) throws -> T {
        guard let state else { throw DurableTaskError(.invalidArgument, "entity \(id) has no state") }
        return try PayloadCoding.decodeOrThrow(T.self, from: state, what: "the state of entity \(id)")
    }

    /// Replaces the state.
    public func setState(_ value: some Encodable) throws {
        state = try PayloadCoding.encodeOrThrow(value, what: "the state of entity \(id)") ?? "null"
        stateDeletedByOperation = false
    }

    /// Deletes the state. An entity with no state, no lock and no waiting operations is removed.
    public func deleteState() {
        state = nil
        stateDeletedByOperation = true
    }

    /// Signals another entity (or this one) once this operation has succeeded; optionally not before `at`.
    public func signalEntity(_ target: EntityID, operation: String, input: some Encodable = NoValue(), at: Date? = nil) throws {
        try target.validate()
        let payload = try PayloadCoding.encodeOrThrow(input, what: "the input of operation '\(operation)'")
        if target == id, let at, at > currentUtcDateTime {
            let request = EntityRequest(kind: .signal, operation: operation, input: payload)
            timers.append(try request.message(to: target, at: currentUtcDateTime, deliverAt: at))
            return
        }
        let request = EntityRequest(kind: .signal, operation: operation, input: payload, scheduledTime: at)
        outbound.append(try request.message(to: target, at: currentUtcDateTime))
    }

    /// Starts an orchestration once this operation has succeeded. Returns its instance ID.
    @discardableResult
    public func startOrchestration(named name: String, input: some Encodable = NoValue(), instanceId: String? = nil) throws -> String {
        let payload = try PayloadCoding.encodeOrThrow(input, what: "the orchestration input")
        return try startOrchestration(named: name, rawInput: payload, instanceId: instanceId).instanceId
    }

    /// Starts an orchestration with an already serialized input once this operation has succeeded.
    /// Returns its instance and execution IDs.
    package func startOrchestration(
        named name: String, rawInput: String?, instanceId: String?, version: String? = nil, tags: [String: String] = [:]
    ) throws -> (instanceId: String, executionId: String) {
        let id = instanceId ?? RandomIdentifier.compact()
        try InstanceID.validateForStart(id)
        let start = ExecutionStartedEvent(
            name: name, instanceId: id, executionId: RandomIdentifier.uuidString(), input: rawInput, version: version, tags: tags)
        outbound.append(OrchestrationMessage(
            instanceId: id, event: HistoryEvent(timestamp: currentUtcDateTime, kind: .executionStarted(start))))
        return (id, start.executionId)
    }

    /// Terminates an orchestration instance once this operation has succeeded.
    package func terminateOrchestration(_ instanceId: String, reason: String) {
        outbound.append(OrchestrationMessage(
            instanceId: instanceId,
            event: HistoryEvent(timestamp: currentUtcDateTime, kind: .executionTerminated(reason: reason, recurse: true))))
    }
}
