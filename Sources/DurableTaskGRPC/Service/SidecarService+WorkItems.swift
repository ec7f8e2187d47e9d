import DurableTask
import Foundation
import GRPCCore
import Logging
import SwiftProtobuf

extension SidecarService {
    /// A worker's stream of work items: registered with the hub until the worker goes away (the
    /// RPC is cancelled or a write fails), with a health ping every ``healthPingInterval``.
    func getWorkItems(request: ProtoGetWorkItemsRequest, response: RPCWriter<ProtoWorkItem>, context: ServerContext) async throws {
        let (id, items) = hub.connect(filters: WorkItemFilters(request))
        let interval = healthPingInterval
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await context.cancellation.cancelled }
            group.addTask {
                do {
                    for await item in items { try await response.write(item) }
                } catch {
                    logger.debug("work item stream ended", metadata: [LogKeys.error: "\(error)"])
                }
            }
            group.addTask {
                while (try? await Task.sleep(for: interval)) != nil { hub.ping(id) }
            }
            await group.next()
            group.cancelAll()
        }
        await hub.disconnect(id)
    }

    func completeOrchestratorTask(request: ProtoOrchestratorResponse, context: ServerContext) async throws -> ProtoCompleteTaskResponse {
        guard let taken = hub.take(request.completionToken) else { throw Self.staleToken() }
        guard case .orchestration(var inFlight) = taken, inFlight.item.instanceId == request.instanceID else {
            hub.restore(request.completionToken, taken)
            throw RPCErrors.invalid("the completion token does not belong to an orchestration work item of '\(request.instanceID)'")
        }
        let translator = EntityMessageTranslation(
            instanceId: inFlight.item.instanceId, executionId: inFlight.turn.executionId ?? inFlight.turn.executionStarted?.executionId)
        var answer: RemoteAnswer
        var refusal: RPCError?
        do {
            answer = try ActionTranslation.answer(request.actions, entities: translator)
        } catch {
            // A malformed answer fails the instance with the reason, rather than looping.
            refusal = RPCErrors.map(error)
            let failure = FailureDetails(
                errorType: "InvalidOrchestratorResponse", errorMessage: "\(RPCErrors.map(error).message)", isNonRetriable: true)
            let id = (request.actions.map { Int($0.id) }.max() ?? 0) + 1
            answer = RemoteAnswer(actions: [OrchestratorAction(
                id: id, kind: .completeOrchestration(CompleteOrchestrationAction(status: .failed, failureDetails: failure)))])
        }
        let step = inFlight.turn.apply(
            answer.actions, customStatus: request.hasCustomStatus ? request.customStatus.value : nil, rewoundHistory: answer.rewoundHistory)
        switch step {
        case .again:
            if await !hub.sendNextRound(inFlight) { await hub.release(.orchestration(inFlight)) }
        case .commit(let result):
            hub.answered(taken)
            defer { inFlight.done.fire() }
            do {
                try await store.completeOrchestrationWorkItem(inFlight.item, result: result)
                hub.committed(inFlight.turn, result)
            } catch {
                throw RPCErrors.map(error)
            }
        }
        if let refusal { throw refusal }
        return ProtoCompleteTaskResponse()
    }

    func completeActivityTask(request: ProtoActivityResponse, context: ServerContext) async throws -> ProtoCompleteTaskResponse {
        guard let taken = hub.take(request.completionToken) else { throw Self.staleToken() }
        guard case .activity(let inFlight) = taken, inFlight.item.request.instanceId == request.instanceID,
            inFlight.item.request.taskId == Int(request.taskID)
        else {
            hub.restore(request.completionToken, taken)
            throw RPCErrors.invalid("the completion token does not belong to task #\(request.taskID) of '\(request.instanceID)'")
        }
        hub.answered(taken)
        defer { inFlight.done.fire() }
        let id = inFlight.item.request.taskId
        let kind: HistoryEvent.Kind =
            request.hasFailureDetails
            ? .taskFailed(taskScheduledId: id, failure: FailureDetails(request.failureDetails))
            : .taskCompleted(taskScheduledId: id, result: request.hasResult ? request.result.value : nil)
        try await RPCErrors.mapping {
            // The commit may lease the instance's next turn; the worker loop that waits runs it at once.
            let next = try await store.completeActivityLeasingTurnIfSupported(inFlight.item, result: HistoryEvent(timestamp: Date(), kind: kind))
            inFlight.nextTurn.value = next
        }
        return ProtoCompleteTaskResponse()
    }

    func completeEntityTask(request: ProtoEntityBatchResult, context: ServerContext) async throws -> ProtoCompleteTaskResponse {
        guard let taken = hub.take(request.completionToken) else { throw Self.staleToken() }
        guard case .entity(let inFlight) = taken else {
            hub.restore(request.completionToken, taken)
            throw RPCErrors.invalid("the completion token does not belong to an entity work item")
        }
        defer { inFlight.done.fire() }
        do {
            let result = try await inFlight.batch.result(for: request)
            try await store.completeOrchestrationWorkItem(inFlight.item, result: result)
        } catch {
            try? await store.abandonOrchestrationWorkItem(inFlight.item)
            throw RPCErrors.map(error)
        }
        return ProtoCompleteTaskResponse()
    }

    func abandonTaskActivityWorkItem(request: ProtoAbandonActivityTaskRequest, context: ServerContext) async throws
        -> ProtoAbandonActivityTaskResponse
    {
        try await abandon(request.completionToken)
        return ProtoAbandonActivityTaskResponse()
    }

    func abandonTaskOrchestratorWorkItem(request: ProtoAbandonOrchestrationTaskRequest, context: ServerContext) async throws
        -> ProtoAbandonOrchestrationTaskResponse
    {
        try await abandon(request.completionToken)
        return ProtoAbandonOrchestrationTaskResponse()
    }

    func abandonTaskEntityWorkItem(request: ProtoAbandonEntityTaskRequest, context: ServerContext) async throws
        -> ProtoAbandonEntityTaskResponse
    {
        try await abandon(request.completionToken)
        return ProtoAbandonEntityTaskResponse()
    }

    private func abandon(_ token: String) async throws {
        guard let taken = hub.take(token) else { throw Self.staleToken() }
        hub.rejected(taken)
        await hub.release(taken)
    }

    static func staleToken() -> RPCError {
        RPCError(code: .failedPrecondition, message: "unknown or stale completion token: the work item was already answered, released or timed out")
    }
}
