import Foundation
import Logging
import Metrics
import Synchronization

/// Poison work: a turn, entity batch or activity that the store has delivered more times than
/// ``DurableTaskWorker/Configuration/maxDeliveryCount`` without a commit. Its workers crashed,
/// hung past the lease or failed to commit each time, so running it again would only take down
/// the next worker. It is failed without running its code, and the failure is committed like
/// any result, so it is visible in the instance's status and can be rewound or restarted.
extension DurableTaskWorker {
    /// Whether a delivery is past the poison limit.
    func isPoison(_ deliveryCount: Int) -> Bool {
        configuration.maxDeliveryCount > 0 && deliveryCount > configuration.maxDeliveryCount
    }

    /// The failure recorded for poison work.
    func poisonFailure(_ what: String, deliveries: Int) -> FailureDetails {
        let limit = configuration.maxDeliveryCount
        return FailureDetails(
            errorType: EngineFailure.poisonMessage,
            errorMessage: "The \(what) was delivered \(deliveries) times without completing (the limit is \(limit)): "
                + "each time its worker crashed, hung past its lease or could not commit. It was failed without running "
                + "again. Fix the cause, then rewind or restart the instance.",
            isNonRetriable: true)
    }

    /// Fails a poison turn: an orchestration fails its instance; an entity fails the operation
    /// that was leased (stores lease one message at a time after a failed delivery).
    func failPoison(_ item: OrchestrationWorkItem) async {
        let isEntity = EntityID.isEntity(item.instanceId)
        let failure = poisonFailure(isEntity ? "entity operation" : "orchestration turn", deliveries: item.deliveryCount)
        logger.error("poison work failed without running", metadata: [
            LogKeys.instanceId: .string(item.instanceId), LogKeys.error: .string(failure.errorMessage),
        ])
        metrics.poisonItems.increment()
        do {
            do {
                if isEntity { try await failPoisonOperation(item, failure) } else { try await failPoisonTurn(item, failure) }
            } catch let error as DurableTaskError where error.code == .leaseLost {
                throw error
            } catch {
                // Even failing it cleanly failed (an unreadable history or record): record the
                // failure alone, so the instance stops consuming workers.
                logger.error("poison work could not be failed cleanly; failing the instance without history", metadata: [
                    LogKeys.instanceId: .string(item.instanceId), LogKeys.error: "\(error)",
                ])
                try await store.completeOrchestrationWorkItem(
                    item, result: OrchestrationTurnResult(historyToAppend: [], status: .failed, failureDetails: failure))
            }
        } catch {
            logger.warning("poison work not committed", metadata: [LogKeys.instanceId: .string(item.instanceId), LogKeys.error: "\(error)"])
            try? await store.abandonOrchestrationWorkItem(item)
        }
    }

    private func failPoisonTurn(_ item: OrchestrationWorkItem, _ failure: FailureDetails) async throws {
        cache.take(item.instanceId)?.abandon()
        try await failInstance(item, history: try await storedHistory(item), failure)
    }

    /// Runs the entity's batch with its first operation failed in place of running it; later
    /// operations (requests that waited for a lock the batch released) run as usual.
    private func failPoisonOperation(_ item: OrchestrationWorkItem, _ failure: FailureDetails) async throws {
        let registered = EntityID(instanceId: item.instanceId).flatMap { registry.entity(named: $0.name) }
        let failedFirst = Mutex(false)
        let operations: EntityFunction = { context in
            let isFirst = failedFirst.withLock { failed in
                defer { failed = true }
                return !failed
            }
            if isFirst {
                throw ApplicationError(type: failure.errorType, message: failure.errorMessage, isNonRetriable: true)
            }
            guard let registered else {
                throw ApplicationError(
                    type: failure.errorType,
                    message: "Not run: it waited for a lock released in a batch that failed a poison operation; send it again",
                    isNonRetriable: true)
            }
            return try await registered(context)
        }
        _ = entityCache.take(item.instanceId)
        let output = try await entityProcessor.process(item, cached: nil, loadHistory: {
            try await store.readHistory(instanceId: item.instanceId)
        }, refusedLocks: try await EntityLockCheck.refusedLocks(in: item, store: store), operations: operations)
        try await store.completeOrchestrationWorkItem(item, result: output.result)
        entityCache.put(item.instanceId, output.snapshot)
    }
}
