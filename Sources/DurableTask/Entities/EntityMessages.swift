public import Foundation

/// A request to an entity, carried as the payload of an `EventRaised` named
/// ``EntityRequest/eventName`` in the entity's inbox.
package struct EntityRequest: Codable, Sendable, Hashable {
    /// The event name entity requests travel under.
    package static let eventName = "$entity"

    package enum Kind: String, Codable, Sendable {
        /// One-way operation.
        case signal
        /// Operation whose result goes back to ``parent`` as an event named ``requestId``.
        case call
        /// Lock request travelling along ``lockSet``; the last entity answers ``parent``.
        case lock
        /// Releases the lock taken by request ``requestId``.
        case release
        /// An operator breaks the entity's lock, whoever holds it; ``input`` is the reason.
        case breakLock
    }

    package var kind: Kind
    package var operation: String?
    package var input: String?
    package var requestId: String?
    /// The orchestration that sent the request (calls, locks, releases).
    package var parent: String?
    /// The parent's execution, which the answer targets.
    package var parentExecution: String?
    /// Lock requests: every entity to lock, sorted.
    package var lockSet: [String]?
    /// Lock requests: the index in ``lockSet`` of the entity this request is for.
    package var position: Int?
    /// Signals: not before this time.
    package var scheduledTime: Date?

    package init(
        kind: Kind, operation: String? = nil, input: String? = nil, requestId: String? = nil, parent: String? = nil,
        parentExecution: String? = nil, lockSet: [String]? = nil, position: Int? = nil, scheduledTime: Date? = nil
    ) {
        self.kind = kind
        self.operation = operation
        self.input = input
        self.requestId = requestId
        self.parent = parent
        self.parentExecution = parentExecution
        self.lockSet = lockSet
        self.position = position
        self.scheduledTime = scheduledTime
    }

    /// The message that carries this request to `target`.
    package func message(to target: EntityID, at now: Date, deliverAt: Date? = nil) throws -> OrchestrationMessage {
        let payload = try PayloadCoding.encodeOrThrow(self, what: "an entity request")
        return OrchestrationMessage(
            instanceId: target.instanceId,
            event: HistoryEvent(timestamp: now, kind: .eventRaised(name: Self.eventName, input: payload)), deliverAt: deliverAt)
    }
}

/// An entity's answer to a call or a lock request, raised to the orchestration as an event
/// named after the request ID.
package struct EntityResponse: Codable, Sendable, Hashable {
    package var result: String?
    package var failure: FailureDetails?

    package init(result: String? = nil, failure: FailureDetails? = nil) {
        self.result = result
        self.failure = failure
    }
}

/// What an entity stores between batches: the input of the single `ExecutionStarted` event of
/// its history, and so the instance's `input`.
struct EntityRecord: Codable, Sendable, Hashable {
    /// The serialized state; `nil` when the entity has none.
    var state: String?
    /// The orchestration holding the lock.
    var lockedBy: String?
    /// The request that took the lock.
    var lockRequestId: String?
    /// Requests from others that wait while the entity is locked, in arrival order.
    var queue: [EntityRequest] = []
    /// Recent releases of lock requests that had not reached this entity yet (bounded).
    var released: [String] = []
    /// The locks operators broke, most recent last (bounded); absent in records that never had one.
    var lockBreaks: [EntityLockBreak]?

    /// Whether nothing is left: no state, no lock, nothing waiting.
    var isEmpty: Bool { state == nil && lockedBy == nil && queue.isEmpty }
}

/// What clients read of an entity.
public struct EntityMetadata: Sendable, Hashable {
    /// The entity.
    public var id: EntityID
    /// The serialized state.
    public var state: String?
    /// When an operation last ran.
    public var lastModifiedTime: Date
    /// The orchestration holding its lock, if any.
    public var lockedBy: String?
    /// Operations waiting for the lock.
    public var backlog: Int
    /// The locks operators broke with ``DurableTaskClient/breakEntityLock(_:reason:)``, most recent last.
    public var lockBreaks: [EntityLockBreak]

    /// Creates metadata.
    package init(
        id: EntityID, state: String?, lastModifiedTime: Date, lockedBy: String? = nil, backlog: Int = 0,
        lockBreaks: [EntityLockBreak] = []
    ) {
        self.lockBreaks = lockBreaks
        self.id = id
        self.state = state
        self.lastModifiedTime = lastModifiedTime
        self.lockedBy = lockedBy
        self.backlog = backlog
    }

    /// Decodes the state.
    public func state<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try PayloadCoding.decodeOrThrow(T.self, from: state, what: "the state of entity \(id)")
    }

    /// Reads an entity from its instance metadata; `nil` if it is not an entity or has no state.
    init?(_ metadata: OrchestrationMetadata) {
        guard let id = EntityID(instanceId: metadata.instanceId), metadata.runtimeStatus.isLive,
            let text = metadata.input, let record = try? PayloadCoding.decode(EntityRecord.self, from: text)
        else { return nil }
        self.init(id: id, state: record.state, lastModifiedTime: metadata.lastUpdatedAt, lockedBy: record.lockedBy,
                  backlog: record.queue.count, lockBreaks: record.lockBreaks ?? [])
    }
}

/// The audit record of a lock an operator broke.
public struct EntityLockBreak: Codable, Sendable, Hashable {
    /// When the entity processed the break.
    public var time: Date
    /// The orchestration that held the lock (`nil` if the entity was not locked).
    public var holder: String?
    /// The lock request that had taken it.
    public var requestId: String?
    /// Why, as the operator said.
    public var reason: String

    /// Creates a record.
    package init(time: Date, holder: String?, requestId: String?, reason: String) {
        self.time = time
        self.holder = holder
        self.requestId = requestId
        self.reason = reason
    }
}

/// An entity operation failed; carries the operation's failure.
public struct EntityOperationFailedError: FailureDetailsConvertible, Sendable, Hashable, CustomStringConvertible {
    /// The entity.
    public var entity: EntityID
    /// The operation.
    public var operation: String
    /// The failure.
    public var cause: FailureDetails

    /// Creates the error.
    public init(entity: EntityID, operation: String, cause: FailureDetails) {
        self.entity = entity
        self.operation = operation
        self.cause = cause
    }

    /// A sentence naming the operation, the entity and the cause.
    public var description: String { "Operation '\(operation)' on entity \(entity) failed: \(cause)" }

    /// The failure as recorded: type `EntityOperationFailed`, with the operation's failure as its inner failure.
    public var failureDetails: FailureDetails {
        FailureDetails(errorType: "EntityOperationFailed", errorMessage: description, innerFailure: cause)
    }
}
