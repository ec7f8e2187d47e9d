import DurableTask
import Foundation
import SwiftProtobuf
import Logging
import Synchronization

/// One batch of an entity that a remote worker runs.
///
/// The engine's entity path decides what runs: lock requests, releases and the queue of requests
/// waiting for a lock are handled by ``EntityTurnProcessor`` exactly as for a Swift entity. A first
/// pass records the operations that path would run, in order; they go to the worker as an
/// `EntityRequest`. When the worker answers, a second pass runs the same path with the worker's
/// results in place of the operations, and its result is what the store commits.
struct RemoteEntityBatch: Sendable {
    /// What the worker receives.
    let request: ProtoEntityRequest
    /// How many operations the worker must answer.
    let operationCount: Int
    private let item: OrchestrationWorkItem
    private let history: [HistoryEvent]
    private let processor: EntityTurnProcessor
    /// The batch's lock requests that no live orchestration made; both passes drop them.
    private let refusedLocks: Set<String>
    /// The commit when the batch runs no operation (only locks and releases).
    let withoutOperations: OrchestrationTurnResult?

    /// Records the operations of the batch.
    init(item: OrchestrationWorkItem, history: [HistoryEvent], refusedLocks: Set<String>, logger: Logger) async throws {
        self.refusedLocks = refusedLocks
        self.item = item
        self.history = history
        processor = EntityTurnProcessor(registry: TaskRegistry(), logger: logger)
        let recorded = Mutex<(ops: [(String, String?)], state: String?)>(([], nil))
        let first = try await processor.process(item, cached: nil, loadHistory: { history }, refusedLocks: refusedLocks, operations: { context in
            recorded.withLock {
                if $0.ops.isEmpty { $0.state = context.state }
                $0.ops.append((context.operationName, context.rawInput))
            }
            return nil
        })
        let (ops, state) = recorded.withLock { $0 }
        operationCount = ops.count
        withoutOperations = ops.isEmpty ? first.result : nil
        var request = ProtoEntityRequest()
        request.instanceID = item.instanceId
        request.executionID = item.executionId ?? ""
        if let state { request.entityState = .init(state) }
        request.operationRequests = ops.enumerated().map { index, op in
            var signaled = ProtoEntityOperationSignaledEvent()
            signaled.requestID = "\(item.lockToken)-\(index)"
            signaled.operation = op.0
            if let input = op.1 { signaled.input = .init(input) }
            var event = ProtoHistoryEvent()
            event.eventID = -1
            event.timestamp = .clamped(Date())
            event.entityOperationSignaled = signaled
            return event
        }
        self.request = request
    }

    /// The commit for the worker's answer.
    ///
    /// - Throws: `invalidArgument` if the answer does not have one result per operation.
    func result(for answer: ProtoEntityBatchResult) async throws -> OrchestrationTurnResult {
        let batchFailure: FailureDetails? = answer.hasFailureDetails ? FailureDetails(answer.failureDetails) : nil
        guard batchFailure != nil || answer.results.count == operationCount else {
            throw DurableTaskError(
                .invalidArgument, "the entity batch had \(operationCount) operations but the answer has \(answer.results.count) results")
        }
        let finalState: String? = answer.hasEntityState ? answer.entityState.value : nil
        let results = answer.results
        let next = Mutex(0)
        let output = try await processor.process(item, cached: nil, loadHistory: { history }, refusedLocks: refusedLocks, operations: { context in
            let index = next.withLock { n in
                defer { n += 1 }
                return n
            }
            if let batchFailure { throw RemoteOperationFailure(details: batchFailure) }
            switch results[index].resultType {
            case .success(let success):
                context.state = finalState
                return success.hasResult ? success.result.value : nil
            case .failure(let failure):
                throw RemoteOperationFailure(details: FailureDetails(failure.failureDetails))
            case nil:
                throw RemoteOperationFailure(details: FailureDetails(errorType: "MissingResult", errorMessage: "the worker sent no result"))
            }
        })
        var result = output.result
        result.messages += try answer.actions.compactMap(message(for:))
        return result
    }

    /// The message an entity's action sends: a signal to another entity, or a new orchestration.
    private func message(for action: ProtoOperationAction) throws -> OrchestrationMessage? {
        let now = Date()
        switch action.operationActionType {
        case .sendSignal(let s):
            guard let target = EntityID(instanceId: s.instanceID) else {
                throw DurableTaskError(.invalidArgument, "'\(s.instanceID)' is not an entity ID (@name@key)")
            }
            let at: Date? = s.hasScheduledTime ? s.scheduledTime.clampedDate : nil
            let request = EntityRequest(kind: .signal, operation: s.name, input: s.hasInput ? s.input.value : nil, scheduledTime: at)
            return try request.message(to: target, at: now, deliverAt: at.flatMap { $0 > now ? $0 : nil })
        case .startNewOrchestration(let o):
            let id = o.instanceID.isEmpty ? RandomIdentifier.compact() : o.instanceID
            let started = ExecutionStartedEvent(
                name: o.name, instanceId: id, executionId: RandomIdentifier.uuidString(), input: o.hasInput ? o.input.value : nil,
                version: o.hasVersion ? o.version.value : nil, scheduledStartTime: o.hasScheduledTime ? o.scheduledTime.clampedDate : nil)
            return OrchestrationMessage(
                instanceId: id, executionId: started.executionId, event: HistoryEvent(timestamp: now, kind: .executionStarted(started)),
                deliverAt: started.scheduledStartTime)
        case nil:
            return nil
        }
    }
}

/// An operation that failed in the remote worker; its failure reaches the caller.
struct RemoteOperationFailure: Error, FailureDetailsConvertible {
    var details: FailureDetails
    var failureDetails: FailureDetails { details }
}
