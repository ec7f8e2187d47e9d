public import Foundation

/// A filter and page request for ``DurableTaskClient/queryEntities(_:)``.
public struct EntityQuery: Sendable, Hashable {
    /// Entities whose name starts with this (case-insensitive); `name@keyPrefix` names one entity
    /// name and a key prefix (keys keep their case).
    public var namePrefix: String?
    /// Last operation at or after this time.
    public var lastModifiedFrom: Date?
    /// Last operation at or before this time.
    public var lastModifiedTo: Date?
    /// The most entities scanned per page (a page may hold fewer and still carry a token).
    public var pageSize: Int
    /// The token from the previous page.
    public var continuationToken: String?
    /// Whether to return the states.
    public var includeState: Bool

    /// Creates a query.
    public init(
        namePrefix: String? = nil, lastModifiedFrom: Date? = nil, lastModifiedTo: Date? = nil, pageSize: Int = 100,
        continuationToken: String? = nil, includeState: Bool = true
    ) {
        self.namePrefix = namePrefix
        self.lastModifiedFrom = lastModifiedFrom
        self.lastModifiedTo = lastModifiedTo
        self.pageSize = pageSize
        self.continuationToken = continuationToken
        self.includeState = includeState
    }
}

/// One page of entities.
public struct EntityQueryResult: Sendable, Hashable {
    /// The entities with state on this page.
    public var entities: [EntityMetadata]
    /// The token for the next page, or `nil` on the last one.
    public var continuationToken: String?
}

/// What ``DurableTaskClient/cleanEntityStorage(removeEmptyEntities:releaseOrphanedLocks:)`` did.
public struct CleanEntityStorageResult: Sendable, Hashable {
    /// Entities without state, lock or waiting operations that were removed.
    public var emptyEntitiesRemoved: Int
    /// Locks held by orchestrations that no longer run, now released.
    public var orphanedLocksReleased: Int
}

extension DurableTaskClient {
    /// Signals an entity: one-way. The first operation creates the entity. With `at`, the
    /// operation runs no earlier than that time (a durable timer of the entity's).
    public func signalEntity(_ entity: EntityID, operation: String, input: some Encodable = NoValue(), at: Date? = nil) async throws {
        let payload = try PayloadCoding.encodeOrThrow(input, what: "the input of operation '\(operation)'")
        try await signalEntity(entity, operation: operation, rawInput: payload, at: at)
    }

    /// Signals an entity with an already serialized input (JSON text; `nil` for none).
    public func signalEntity(_ entity: EntityID, operation: String, rawInput: String?, at: Date? = nil) async throws {
        try entity.validate()
        let request = EntityRequest(kind: .signal, operation: operation, input: rawInput, scheduledTime: at)
        try await store.sendMessage(try request.message(to: entity, at: Date()))
    }

    /// Breaks the entity's lock, whoever holds it: an operator's way out when a lock is stuck.
    ///
    /// The entity records the break (time, holder, lock request, `reason`) in its
    /// ``EntityMetadata/lockBreaks``, then runs the requests that waited for the lock. The former
    /// holder is not told; its later release of the lock is ignored.
    public func breakEntityLock(_ entity: EntityID, reason: String) async throws {
        let request = EntityRequest(kind: .breakLock, input: reason)
        try await store.sendMessage(try request.message(to: entity, at: Date()))
    }

    /// Reads an entity: its state and the time of its last operation; `nil` if it has no state.
    public func getEntity(_ entity: EntityID) async throws -> EntityMetadata? {
        guard let metadata = try await store.getInstance(entity.instanceId), let read = EntityMetadata(metadata),
            read.state != nil
        else { return nil }
        return read
    }

    /// Queries entities with state, one page at a time.
    public func queryEntities(_ query: EntityQuery) async throws -> EntityQueryResult {
        guard query.pageSize > 0 else { throw DurableTaskError(.invalidArgument, "the page size must be positive") }
        let page = try await store.queryInstances(InstanceQuery(
            instanceIdPrefix: "@" + Self.entityIdPrefix(query.namePrefix ?? ""), pageSize: query.pageSize,
            continuationToken: query.continuationToken))
        let entities = page.instances.compactMap { metadata -> EntityMetadata? in
            guard var entity = EntityMetadata(metadata), entity.state != nil else { return nil }
            if let from = query.lastModifiedFrom, entity.lastModifiedTime < from { return nil }
            if let to = query.lastModifiedTo, entity.lastModifiedTime > to { return nil }
            if !query.includeState { entity.state = nil }
            return entity
        }
        return EntityQueryResult(entities: entities, continuationToken: page.continuationToken)
    }

    /// A name prefix lowercased, as entity names are; past an `@` (`name@keyPrefix`) the key's
    /// case is kept.
    static func entityIdPrefix(_ prefix: String) -> String {
        guard let at = prefix.firstIndex(of: "@") else { return prefix.lowercased() }
        return prefix[..<at].lowercased() + prefix[at...]
    }

    /// Removes entities that have nothing left and releases locks whose orchestration no longer
    /// runs (it finished, failed, was terminated or purged without releasing them).
    public func cleanEntityStorage(removeEmptyEntities: Bool = true, releaseOrphanedLocks: Bool = true) async throws
        -> CleanEntityStorageResult
    {
        var result = CleanEntityStorageResult(emptyEntitiesRemoved: 0, orphanedLocksReleased: 0)
        var token: String?
        repeat {
            let page = try await store.queryInstances(InstanceQuery(instanceIdPrefix: "@", pageSize: 500, continuationToken: token))
            token = page.continuationToken
            for metadata in page.instances where EntityID.isEntity(metadata.instanceId) {
                if metadata.runtimeStatus.isTerminal {
                    // A message may revive it meanwhile; the store then refuses the purge, which is right.
                    if removeEmptyEntities, (try? await store.purgeInstance(metadata.instanceId)) == true {
                        result.emptyEntitiesRemoved += 1
                    }
                    continue
                }
                guard releaseOrphanedLocks, let id = EntityID(instanceId: metadata.instanceId), let text = metadata.input,
                    let record = try? PayloadCoding.decode(EntityRecord.self, from: text),
                    let holder = record.lockedBy, let requestId = record.lockRequestId
                else { continue }
                if let owner = try await store.getInstance(holder), owner.runtimeStatus.isLive { continue }
                let release = EntityRequest(kind: .release, requestId: requestId, parent: holder)
                try await store.sendMessage(try release.message(to: id, at: Date()))
                result.orphanedLocksReleased += 1
            }
        } while token != nil
        return result
    }
}
