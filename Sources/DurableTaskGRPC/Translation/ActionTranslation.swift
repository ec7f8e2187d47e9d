import DurableTask
import Foundation
import SwiftProtobuf

/// What a remote orchestrator answered for one round: the core's actions, or a rewritten history.
struct RemoteAnswer {
    var actions: [OrchestratorAction] = []
    var rewoundHistory: [HistoryEvent]?
}

/// Translates a remote worker's `OrchestratorAction` messages into the core's actions.
enum ActionTranslation {
    /// - Throws: `invalidArgument` for an action the engine cannot carry out (an unknown kind,
    ///   a completion with no status it knows).
    static func answer(_ actions: [ProtoOrchestratorAction], entities: EntityMessageTranslation) throws -> RemoteAnswer {
        var answer = RemoteAnswer()
        for action in actions {
            let id = Int(action.id)
            switch action.orchestratorActionType {
            case .scheduleTask(let a):
                answer.actions.append(OrchestratorAction(
                    id: id, kind: .scheduleTask(name: a.name, input: a.hasInput ? a.input.value : nil, attempt: 1)))
            case .createSubOrchestration(let a):
                answer.actions.append(OrchestratorAction(id: id, kind: .createSubOrchestration(
                    name: a.name, instanceId: a.instanceID, input: a.hasInput ? a.input.value : nil,
                    version: a.hasVersion ? a.version.value : nil)))
            case .createTimer(let a):
                // Clamped as a Swift orchestrator's timers are, so history holds a time every store and the API can show.
                answer.actions.append(OrchestratorAction(id: id, kind: .createTimer(fireAt: a.fireAt.clampedDate)))
            case .sendEvent(let a):
                answer.actions.append(OrchestratorAction(id: id, kind: .sendEvent(
                    instanceId: a.instance.instanceID, name: a.name, data: a.hasData ? a.data.value : nil)))
            case .terminateOrchestration(let a):
                answer.actions.append(OrchestratorAction(id: id, kind: .terminateOrchestration(
                    instanceId: a.instanceID, reason: a.hasReason ? a.reason.value : nil, recurse: a.recurse)))
            case .completeOrchestration(let a):
                guard let status = OrchestrationStatus(a.orchestrationStatus), status != .running, status != .pending else {
                    throw DurableTaskError(.invalidArgument, "completeOrchestration has status \(a.orchestrationStatus), which ends nothing")
                }
                let failure: FailureDetails? = a.hasFailureDetails ? FailureDetails(a.failureDetails) : nil
                answer.actions.append(OrchestratorAction(id: id, kind: .completeOrchestration(CompleteOrchestrationAction(
                    status: status, result: a.hasResult ? a.result.value : nil,
                    failureDetails: status == .failed ? (failure ?? FailureDetails(errorType: "Failed", errorMessage: "")) : failure,
                    newVersion: a.hasNewVersion ? a.newVersion.value : nil,
                    carryoverEvents: try a.carryoverEvents.map(HistoryTranslation.event)))))
            case .sendEntityMessage(let a):
                answer.actions.append(try entities.action(a, id: id))
            case .rewindOrchestration(let a):
                answer.rewoundHistory = try a.newHistory.map(HistoryTranslation.event)
            case nil:
                throw DurableTaskError(.invalidArgument, "action #\(id) has no kind")
            }
        }
        return answer
    }
}
