/// Checks the lock requests of an entity batch before it runs: a lock is granted only to an
/// orchestration that exists, is live and is the execution that asked. Anything else (a forged
/// request, or one from an execution that has since ended) would wedge the entity, because no
/// one would ever release it.
package enum EntityLockCheck {
    /// The IDs of the batch's lock requests to refuse.
    package static func refusedLocks(in item: OrchestrationWorkItem, store: any OrchestrationStore) async throws -> Set<String> {
        var refused = Set<String>()
        for message in item.messages {
            guard case .eventRaised(let name, let input) = message.event.kind, name == EntityRequest.eventName,
                let request = try? PayloadCoding.decode(EntityRequest.self, from: input), request.kind == .lock,
                let requestId = request.requestId
            else { continue }
            guard let parent = request.parent, !EntityID.isEntity(parent),
                let holder = try await store.getInstance(parent), holder.runtimeStatus.isLive,
                request.parentExecution == nil || request.parentExecution == holder.executionId
            else {
                refused.insert(requestId)
                continue
            }
        }
        return refused
    }
}
