public import Foundation

extension OrchestrationContext {
    /// Signals an entity: one-way, fire and forget. The first operation creates the entity. With
    /// `at`, the operation runs no earlier than that time. Inside a critical section, a signal to a
    /// locked entity runs at once, like the section's calls.
    public func signalEntity(_ entity: EntityID, operation: String, input: some Encodable = NoValue(), at: Date? = nil) throws {
        try checkUsable()
        try entity.validate()
        let payload = try PayloadCoding.encodeOrThrow(input, what: "the input of operation '\(operation)'")
        send(EntityRequest(kind: .signal, operation: operation, input: payload, parent: instanceId, scheduledTime: at), to: entity)
    }

    /// Calls an entity operation and waits, durably, for its output.
    ///
    /// - Throws: ``EntityOperationFailedError`` if the operation failed (its state change was rolled back).
    public func callEntity<Output: Decodable & Sendable>(
        _ entity: EntityID, operation: String, input: some Encodable = NoValue(), returning: Output.Type = Output.self
    ) async throws -> Output {
        try checkUsable()
        try entity.validate()
        if let section = criticalSection, !section.contains(entity.instanceId) {
            throw ApplicationError(
                type: EngineFailure.lockingRulesViolation,
                message: "callEntity(\(entity)) inside a critical section that does not lock it", isNonRetriable: true)
        }
        let payload = try PayloadCoding.encodeOrThrow(input, what: "the input of operation '\(operation)'")
        let requestId = newGUID().uuidString.lowercased()
        send(EntityRequest(kind: .call, operation: operation, input: payload, requestId: requestId,
                           parent: instanceId, parentExecution: executionId), to: entity)
        let response = try await waitForExternalEvent(requestId, as: EntityResponse.self)
        if let failure = response.failure { throw EntityOperationFailedError(entity: entity, operation: operation, cause: failure) }
        return try PayloadCoding.decodeOrThrow(Output.self, from: response.result, what: "the output of operation '\(operation)' on \(entity)")
    }

    /// Runs `body` as a critical section holding the locks of `entities`.
    ///
    /// While the section runs, the entities serve only this orchestration; operations from
    /// others wait. Locks are taken one entity after another in a global order (sorted IDs), so
    /// two sections never deadlock. They are released when the section ends, and also when the
    /// orchestration fails, is terminated or continues as new. Sections do not nest.
    public func lockEntities<R: Sendable>(_ entities: [EntityID], _ body: () async throws -> R) async throws -> R {
        try checkUsable()
        guard criticalSection == nil else {
            throw ApplicationError(type: EngineFailure.lockingRulesViolation, message: "lockEntities cannot be nested", isNonRetriable: true)
        }
        let set = Array(Set(entities.map(\.instanceId))).sorted()
        guard !set.isEmpty else {
            throw ApplicationError(type: EngineFailure.lockingRulesViolation, message: "lockEntities needs at least one entity", isNonRetriable: true)
        }
        for entity in entities { try entity.validate() }
        let requestId = newGUID().uuidString.lowercased()
        openLocks[requestId] = set
        send(EntityRequest(kind: .lock, requestId: requestId, parent: instanceId, parentExecution: executionId,
                           lockSet: set, position: 0), to: EntityID(instanceId: set[0])!)
        _ = try await waitForExternalEvent(requestId, as: EntityResponse.self)
        criticalSection = Set(set)
        defer {
            criticalSection = nil
            releaseLock(requestId)
        }
        return try await body()
    }

    /// Sends the releases of one lock request (once). An abandoned episode sends nothing unless
    /// `force`: the engine forces it when the execution ends.
    func releaseLock(_ requestId: String, force: Bool = false) {
        guard force || !abandoned, let set = openLocks.removeValue(forKey: requestId) else { return }
        for entity in set {
            send(EntityRequest(kind: .release, requestId: requestId, parent: instanceId), to: EntityID(instanceId: entity)!)
        }
    }

    /// Releases every lock still held or requested: the execution is ending.
    func releaseAllLocks() {
        for requestId in openLocks.keys.sorted() { releaseLock(requestId, force: true) }
    }

    private func send(_ request: EntityRequest, to entity: EntityID) {
        let data = try? PayloadCoding.encode(request)
        _ = addAction { _ in .sendEvent(instanceId: entity.instanceId, name: EntityRequest.eventName, data: data) }
    }
}
