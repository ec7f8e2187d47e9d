import DurableTask
import Foundation
import SwiftProtobuf

/// Entity traffic of a remote orchestration, on the way in and out.
///
/// The engine records an orchestration's entity messages as it does a Swift orchestration's: an
/// `EventSent` to the entity carrying an entity request, and an `EventRaised` named after the
/// request ID carrying the entity's answer. The SDKs expect their own event types for these
/// (`EntityOperationCalled`, `EntityLockGranted`, ...), so this type translates both ways.
struct EntityMessageTranslation {
    /// The orchestration sending the messages.
    var instanceId: String
    /// Its current execution, which answers are addressed to.
    var executionId: String?

    /// The core action for an SDK's `SendEntityMessageAction`.
    func action(_ message: ProtoSendEntityMessageAction, id: Int) throws -> OrchestratorAction {
        let target: String
        let request: EntityRequest
        switch message.entityMessageType {
        case .entityOperationSignaled(let e):
            target = e.targetInstanceID.value
            request = EntityRequest(
                kind: .signal, operation: e.operation, input: e.hasInput ? e.input.value : nil, requestId: e.requestID,
                parent: instanceId, scheduledTime: e.hasScheduledTime ? e.scheduledTime.clampedDate : nil)
        case .entityOperationCalled(let e):
            target = e.targetInstanceID.value
            request = EntityRequest(
                kind: .call, operation: e.operation, input: e.hasInput ? e.input.value : nil, requestId: e.requestID,
                parent: instanceId, parentExecution: executionId)
        case .entityLockRequested(let e):
            guard e.position >= 0, Int(e.position) < e.lockSet.count else {
                throw DurableTaskError(.invalidArgument, "lock request position \(e.position) is outside its lock set")
            }
            target = e.lockSet[Int(e.position)]
            request = EntityRequest(
                kind: .lock, requestId: e.criticalSectionID, parent: instanceId, parentExecution: executionId,
                lockSet: e.lockSet, position: Int(e.position))
        case .entityUnlockSent(let e):
            target = e.targetInstanceID.value
            request = EntityRequest(kind: .release, requestId: e.criticalSectionID, parent: instanceId)
        case nil:
            throw DurableTaskError(.invalidArgument, "entity message action #\(id) has no kind")
        }
        guard let entity = EntityID(instanceId: target) else {
            throw DurableTaskError(.invalidArgument, "'\(target)' is not an entity ID (@name@key)")
        }
        try entity.validate()
        let payload = try PayloadCoding.encode(request)
        return OrchestratorAction(id: id, kind: .sendEvent(instanceId: entity.instanceId, name: EntityRequest.eventName, data: payload))
    }

    /// Translates a history for the SDK, turning recorded entity messages and answers into the
    /// SDK's entity event types. Requests are remembered across `past` and `new`.
    static func proto(past: [HistoryEvent], new: [HistoryEvent]) -> (past: [ProtoHistoryEvent], new: [ProtoHistoryEvent]) {
        var waiting: [String: EntityRequest.Kind] = [:]
        func translate(_ event: HistoryEvent) -> ProtoHistoryEvent {
            switch event.kind {
            case .eventSent(let target, EntityRequest.eventName, let payload):
                guard let request = try? PayloadCoding.decode(EntityRequest.self, from: payload) else { break }
                if let id = request.requestId, request.kind == .call || request.kind == .lock { waiting[id] = request.kind }
                return sent(request, to: target, event: event)
            case .eventRaised(let name, let payload):
                guard let kind = waiting[name], let answer = try? PayloadCoding.decode(EntityResponse.self, from: payload) else { break }
                waiting[name] = nil
                return answered(kind, requestId: name, answer, event: event)
            default:
                break
            }
            return HistoryTranslation.proto(event)
        }
        let p = past.map(translate)
        let n = new.map(translate)
        return (p, n)
    }

    private static func sent(_ request: EntityRequest, to target: String, event: HistoryEvent) -> ProtoHistoryEvent {
        var out = ProtoHistoryEvent()
        out.eventID = Int32(clamping: event.eventId)
        out.timestamp = .clamped(event.timestamp)
        switch request.kind {
        case .signal:
            var e = ProtoEntityOperationSignaledEvent()
            e.requestID = request.requestId ?? ""
            e.operation = request.operation ?? ""
            if let input = request.input { e.input = .init(input) }
            if let at = request.scheduledTime { e.scheduledTime = .clamped(at) }
            e.targetInstanceID = .init(target)
            out.entityOperationSignaled = e
        case .call:
            var e = ProtoEntityOperationCalledEvent()
            e.requestID = request.requestId ?? ""
            e.operation = request.operation ?? ""
            if let input = request.input { e.input = .init(input) }
            e.targetInstanceID = .init(target)
            out.entityOperationCalled = e
        case .lock:
            var e = ProtoEntityLockRequestedEvent()
            e.criticalSectionID = request.requestId ?? ""
            e.lockSet = request.lockSet ?? []
            e.position = Int32(clamping: request.position ?? 0)
            out.entityLockRequested = e
        case .release:
            var e = ProtoEntityUnlockSentEvent()
            e.criticalSectionID = request.requestId ?? ""
            e.targetInstanceID = .init(target)
            out.entityUnlockSent = e
        case .breakLock:
            return HistoryTranslation.proto(event)  // operators send it, orchestrations never do
        }
        return out
    }

    private static func answered(_ kind: EntityRequest.Kind, requestId: String, _ answer: EntityResponse, event: HistoryEvent)
        -> ProtoHistoryEvent
    {
        var out = ProtoHistoryEvent()
        out.eventID = Int32(clamping: event.eventId)
        out.timestamp = .clamped(event.timestamp)
        if kind == .lock {
            var e = ProtoEntityLockGrantedEvent()
            e.criticalSectionID = requestId
            out.entityLockGranted = e
        } else if let failure = answer.failure {
            var e = ProtoEntityOperationFailedEvent()
            e.requestID = requestId
            e.failureDetails = failure.proto
            out.entityOperationFailed = e
        } else {
            var e = ProtoEntityOperationCompletedEvent()
            e.requestID = requestId
            if let result = answer.result { e.output = .init(result) }
            out.entityOperationCompleted = e
        }
        return out
    }
}
