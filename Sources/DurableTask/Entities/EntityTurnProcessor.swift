import Foundation
package import Logging

/// Runs one batch of an entity: every leased message in order, one operation at a time, and
/// turns the outcome into an ``OrchestrationTurnResult`` that replaces the entity's history with
/// one `ExecutionStarted` event holding its record (state, lock, waiting requests).
///
/// A locked entity runs only its lock holder's requests; the others wait in the record's queue,
/// in arrival order, until the holder releases the lock.
package struct EntityTurnProcessor: Sendable {
    /// What a batch leaves behind for the worker's cache.
    package struct Snapshot: Sendable {
        /// The execution ID the batch committed.
        package var executionId: String
        var record: EntityRecord
    }

    /// The outcome of ``process(_:cached:loadHistory:)``.
    package struct Output: Sendable {
        /// What to commit.
        package var result: OrchestrationTurnResult
        /// What to cache after a successful commit.
        package var snapshot: Snapshot
        /// Operations run.
        package var operations: Int
    }

    let registry: TaskRegistry
    let logger: Logger
    /// How many lock-release tombstones a record keeps.
    static let releasedLimit = 64
    /// How many lock breaks a record remembers.
    static let lockBreakLimit = 16

    /// Creates a processor.
    package init(registry: TaskRegistry, logger: Logger) {
        self.registry = registry
        self.logger = logger
    }

    /// Processes an entity's work item.
    ///
    /// - Parameters:
    ///   - cached: the record the worker's last commit left, used if its execution is the stored one.
    ///   - loadHistory: reads the stored history (one `ExecutionStarted` event) on a cache miss.
    ///   - operations: runs each operation in place of the registered entity (a remote worker's
    ///     answers); the locking, queueing and commit are the same.
    ///   - refusedLocks: the IDs of lock requests in the batch that no live orchestration made
    ///     (``EntityLockCheck``); they are dropped.
    package func process(
        _ item: OrchestrationWorkItem, cached: Snapshot?, loadHistory: () async throws -> [HistoryEvent],
        refusedLocks: Set<String> = [], operations: EntityFunction? = nil
    ) async throws -> Output {
        guard let id = EntityID(instanceId: item.instanceId) else {
            throw DurableTaskError(.invalidArgument, "'\(item.instanceId)' is not an entity ID")
        }
        var record = EntityRecord()
        if let cached, let stored = item.executionId, cached.executionId == stored {
            record = cached.record
        } else if item.historyLength > 0 {
            var history = item.history ?? []
            if item.history == nil { history = try await loadHistory() }
            if let first = history.first, case .executionStarted(let started) = first.kind, let text = started.input {
                record = try PayloadCoding.decodeOrThrow(EntityRecord.self, from: text, what: "the record of entity \(id)")
            }
        }
        var batch = Batch(id: id, record: record, function: operations ?? registry.entity(named: id.name), logger: logger, now: Date())
        batch.refusedLocks = refusedLocks
        for message in item.messages {
            guard case .eventRaised(let name, let input) = message.event.kind, name == EntityRequest.eventName else { continue }
            guard let request = try? PayloadCoding.decode(EntityRequest.self, from: input) else {
                logger.warning("dropping a malformed entity request", metadata: [LogKeys.instanceId: .string(item.instanceId)])
                continue
            }
            await batch.handle(request)
        }
        let executionId = RandomIdentifier.uuidString()
        let text = try PayloadCoding.encodeOrThrow(batch.record, what: "the record of entity \(id)")
        let started = ExecutionStartedEvent(name: id.name, instanceId: id.instanceId, executionId: executionId, input: text)
        let result = OrchestrationTurnResult(
            historyToAppend: [HistoryEvent(timestamp: batch.now, kind: .executionStarted(started))], replaceHistory: true,
            newExecution: started, status: batch.record.isEmpty ? .completed : .running,
            timers: batch.timers, messages: batch.outbound)
        return Output(result: result, snapshot: Snapshot(executionId: executionId, record: batch.record), operations: batch.operations)
    }
}

/// The mutable state of one entity batch.
private struct Batch {
    let id: EntityID
    var record: EntityRecord
    let function: EntityFunction?
    let logger: Logger
    let now: Date
    var outbound: [OrchestrationMessage] = []
    var timers: [OrchestrationMessage] = []
    var operations = 0
    var refusedLocks: Set<String> = []

    init(id: EntityID, record: EntityRecord, function: EntityFunction?, logger: Logger, now: Date) {
        self.id = id
        self.record = record
        self.function = function
        self.logger = logger
        self.now = now
    }

    mutating func handle(_ request: EntityRequest) async {
        if request.kind == .lock, let requestId = request.requestId, refusedLocks.contains(requestId) {
            logger.warning("dropping a lock request that no live orchestration made", metadata: [
                LogKeys.instanceId: .string(id.instanceId), LogKeys.entityLockParent: .string(request.parent ?? ""),
            ])
            return
        }
        if request.kind == .breakLock {
            await breakLock(reason: request.input ?? "")
            return
        }
        // A locked entity serves only its holder; the rest wait their turn.
        if let holder = record.lockedBy, request.parent != holder {
            if request.kind == .release, let requestId = request.requestId {
                forget(requestId)
            } else {
                record.queue.append(request)
            }
            return
        }
        switch request.kind {
        case .signal:
            if let at = request.scheduledTime, at > now {
                var later = request
                later.scheduledTime = nil
                if let message = try? later.message(to: id, at: now, deliverAt: at) { timers.append(message) }
                return
            }
            _ = await run(request)
        case .call:
            let response = await run(request)
            answer(request, response)
        case .lock:
            lock(request)
        case .breakLock:
            break  // handled above, whoever holds the lock
        case .release:
            guard let requestId = request.requestId else { return }
            if record.lockRequestId == requestId {
                record.lockedBy = nil
                record.lockRequestId = nil
                await drainQueue()
            } else {
                forget(requestId)
            }
        }
    }

    /// A release for a lock request this entity does not hold: drop that request if it waits
    /// here, and remember the release in case the request has not arrived yet.
    private mutating func forget(_ requestId: String) {
        let before = record.queue.count
        record.queue.removeAll { $0.kind == .lock && $0.requestId == requestId }
        if record.queue.count == before {
            record.released.append(requestId)
            if record.released.count > EntityTurnProcessor.releasedLimit {
                record.released.removeFirst(record.released.count - EntityTurnProcessor.releasedLimit)
            }
        }
    }

    private mutating func lock(_ request: EntityRequest) {
        guard let requestId = request.requestId, let parent = request.parent, let set = request.lockSet,
            let position = request.position, position < set.count
        else { return }
        if let index = record.released.firstIndex(of: requestId) {
            record.released.remove(at: index)
            return
        }
        record.lockedBy = parent
        record.lockRequestId = requestId
        if position + 1 < set.count, let next = EntityID(instanceId: set[position + 1]) {
            var forward = request
            forward.position = position + 1
            if let message = try? forward.message(to: next, at: now) { outbound.append(message) }
        } else {
            answer(request, EntityResponse(result: nil, failure: nil))
        }
    }

    /// An operator's break of the lock: recorded in the record, then the waiting requests run.
    private mutating func breakLock(reason: String) async {
        var breaks = record.lockBreaks ?? []
        breaks.append(EntityLockBreak(time: now, holder: record.lockedBy, requestId: record.lockRequestId, reason: reason))
        record.lockBreaks = Array(breaks.suffix(EntityTurnProcessor.lockBreakLimit))
        logger.notice("entity lock broken by an operator", metadata: [
            LogKeys.instanceId: .string(id.instanceId), LogKeys.entityLockHolder: .string(record.lockedBy ?? ""),
            LogKeys.entityLockReason: .string(reason),
        ])
        record.lockedBy = nil
        record.lockRequestId = nil
        await drainQueue()
    }

    /// Runs the requests that waited for the lock, until one of them locks the entity again.
    private mutating func drainQueue() async {
        while record.lockedBy == nil, !record.queue.isEmpty {
            let next = record.queue.removeFirst()
            await handle(next)
        }
    }

    /// Runs one operation; on failure its state change and messages are discarded.
    private mutating func run(_ request: EntityRequest) async -> EntityResponse {
        operations += 1
        let operation = request.operation ?? ""
        guard let function else {
            return EntityResponse(failure: FailureDetails(
                errorType: EngineFailure.entityNotRegistered,
                errorMessage: "No entity named '\(id.name)' is registered with this worker", isNonRetriable: true))
        }
        let context = EntityContext(id: id, operationName: operation, rawInput: request.input, state: record.state, now: now)
        do {
            let output = try await function(context)
            record.state = context.state
            outbound += context.outbound
            timers += context.timers
            return EntityResponse(result: output, failure: nil)
        } catch {
            let failure = FailureDetails(error: error)
            logger.debug("entity operation failed", metadata: [
                LogKeys.instanceId: .string(id.instanceId), LogKeys.entityOperation: .string(operation), LogKeys.error: "\(failure)",
            ])
            return EntityResponse(result: nil, failure: failure)
        }
    }

    private mutating func answer(_ request: EntityRequest, _ response: EntityResponse) {
        guard let parent = request.parent, let requestId = request.requestId,
            let payload = try? PayloadCoding.encode(response)
        else { return }
        outbound.append(OrchestrationMessage(
            instanceId: parent, executionId: request.parentExecution,
            event: HistoryEvent(timestamp: now, kind: .eventRaised(name: requestId, input: payload))))
    }
}
