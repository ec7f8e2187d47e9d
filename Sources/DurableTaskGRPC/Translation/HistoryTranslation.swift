import DurableTask
import Foundation
import SwiftProtobuf

/// Translates history events between the core's ``HistoryEvent`` and the sidecar protocol's
/// `HistoryEvent` message. Payloads pass through as the JSON text the SDKs send.
enum HistoryTranslation {
    /// The wire form of a core event.
    static func proto(_ event: HistoryEvent) -> ProtoHistoryEvent {
        var out = ProtoHistoryEvent()
        out.eventID = Int32(clamping: event.eventId)
        out.timestamp = .clamped(event.timestamp)
        switch event.kind {
        case .executionStarted(let started):
            out.executionStarted = proto(started)
        case .executionCompleted(let status, let result, let failure):
            var e = ProtoExecutionCompletedEvent()
            e.orchestrationStatus = status.proto
            if let result { e.result = .init(result) }
            if let failure { e.failureDetails = failure.proto }
            out.executionCompleted = e
        case .executionTerminated(let reason, let recurse):
            var e = ProtoExecutionTerminatedEvent()
            if let reason { e.input = .init(reason) }
            e.recurse = recurse
            out.executionTerminated = e
        case .executionSuspended(let reason):
            var e = ProtoExecutionSuspendedEvent()
            if let reason { e.input = .init(reason) }
            out.executionSuspended = e
        case .executionResumed(let reason):
            var e = ProtoExecutionResumedEvent()
            if let reason { e.input = .init(reason) }
            out.executionResumed = e
        case .executionRewound(let reason):
            var e = ProtoExecutionRewoundEvent()
            if let reason { e.reason = .init(reason) }
            out.executionRewound = e
        case .taskScheduled(let name, let input, _):
            var e = ProtoTaskScheduledEvent()
            e.name = name
            if let input { e.input = .init(input) }
            out.taskScheduled = e
        case .taskCompleted(let id, let result):
            var e = ProtoTaskCompletedEvent()
            e.taskScheduledID = Int32(clamping: id)
            if let result { e.result = .init(result) }
            out.taskCompleted = e
        case .taskFailed(let id, let failure):
            var e = ProtoTaskFailedEvent()
            e.taskScheduledID = Int32(clamping: id)
            e.failureDetails = failure.proto
            out.taskFailed = e
        case .subOrchestrationInstanceCreated(let name, let instanceId, let input):
            var e = ProtoSubOrchestrationInstanceCreatedEvent()
            e.name = name
            e.instanceID = instanceId
            if let input { e.input = .init(input) }
            out.subOrchestrationInstanceCreated = e
        case .subOrchestrationInstanceCompleted(let id, let result):
            var e = ProtoSubOrchestrationInstanceCompletedEvent()
            e.taskScheduledID = Int32(clamping: id)
            if let result { e.result = .init(result) }
            out.subOrchestrationInstanceCompleted = e
        case .subOrchestrationInstanceFailed(let id, let failure):
            var e = ProtoSubOrchestrationInstanceFailedEvent()
            e.taskScheduledID = Int32(clamping: id)
            e.failureDetails = failure.proto
            out.subOrchestrationInstanceFailed = e
        case .timerCreated(let fireAt):
            var e = ProtoTimerCreatedEvent()
            e.fireAt = .clamped(fireAt)
            out.timerCreated = e
        case .timerFired(let timerId, let fireAt):
            var e = ProtoTimerFiredEvent()
            e.timerID = Int32(clamping: timerId)
            e.fireAt = .clamped(fireAt)
            out.timerFired = e
        case .eventRaised(let name, let input):
            var e = ProtoEventRaisedEvent()
            e.name = name
            if let input { e.input = .init(input) }
            out.eventRaised = e
        case .eventSent(let instanceId, let name, let input):
            var e = ProtoEventSentEvent()
            e.instanceID = instanceId
            e.name = name
            if let input { e.input = .init(input) }
            out.eventSent = e
        case .continueAsNew(let input):
            var e = ProtoContinueAsNewEvent()
            if let input { e.input = .init(input) }
            out.continueAsNew = e
        case .orchestratorStarted:
            out.orchestratorStarted = ProtoOrchestratorStartedEvent()
        case .orchestratorCompleted:
            out.orchestratorCompleted = ProtoOrchestratorCompletedEvent()
        }
        return out
    }

    /// The wire form of an execution's start.
    static func proto(_ started: ExecutionStartedEvent) -> ProtoExecutionStartedEvent {
        var e = ProtoExecutionStartedEvent()
        e.name = started.name
        if let version = started.version { e.version = .init(version) }
        if let input = started.input { e.input = .init(input) }
        e.orchestrationInstance = instance(started.instanceId, started.executionId)
        if let parent = started.parent {
            var p = ProtoParentInstanceInfo()
            p.taskScheduledID = Int32(clamping: parent.taskScheduledId)
            p.name = .init(parent.name)
            p.orchestrationInstance = instance(parent.instanceId, parent.executionId)
            e.parentInstance = p
        }
        if let at = started.scheduledStartTime { e.scheduledStartTimestamp = .clamped(at) }
        e.tags = started.tags
        if let trace = TraceTranslation.proto(started.traceContext) { e.parentTraceContext = trace }
        return e
    }

    static func instance(_ instanceId: String, _ executionId: String?) -> ProtoOrchestrationInstance {
        var i = ProtoOrchestrationInstance()
        i.instanceID = instanceId
        if let executionId { i.executionID = .init(executionId) }
        return i
    }

    /// The core form of a wire event (carry-over events, rewritten histories).
    ///
    /// - Throws: `invalidArgument` for event types the engine does not record.
    static func event(_ proto: ProtoHistoryEvent) throws -> HistoryEvent {
        let time = proto.hasTimestamp ? proto.timestamp.clampedDate : Date()
        func text(_ has: Bool, _ value: Google_Protobuf_StringValue) -> String? { has ? value.value : nil }
        let kind: HistoryEvent.Kind
        switch proto.eventType {
        case .executionStarted(let e):
            kind = .executionStarted(started(e))
        case .executionCompleted(let e):
            kind = .executionCompleted(
                status: OrchestrationStatus(e.orchestrationStatus) ?? .failed, result: text(e.hasResult, e.result),
                failure: e.hasFailureDetails ? FailureDetails(e.failureDetails) : nil)
        case .executionTerminated(let e):
            kind = .executionTerminated(reason: text(e.hasInput, e.input), recurse: e.recurse)
        case .executionSuspended(let e):
            kind = .executionSuspended(reason: text(e.hasInput, e.input))
        case .executionResumed(let e):
            kind = .executionResumed(reason: text(e.hasInput, e.input))
        case .executionRewound(let e):
            kind = .executionRewound(reason: text(e.hasReason, e.reason))
        case .taskScheduled(let e):
            kind = .taskScheduled(name: e.name, input: text(e.hasInput, e.input), attempt: 1)
        case .taskCompleted(let e):
            kind = .taskCompleted(taskScheduledId: Int(e.taskScheduledID), result: text(e.hasResult, e.result))
        case .taskFailed(let e):
            kind = .taskFailed(taskScheduledId: Int(e.taskScheduledID), failure: FailureDetails(e.failureDetails))
        case .subOrchestrationInstanceCreated(let e):
            kind = .subOrchestrationInstanceCreated(name: e.name, instanceId: e.instanceID, input: text(e.hasInput, e.input))
        case .subOrchestrationInstanceCompleted(let e):
            kind = .subOrchestrationInstanceCompleted(taskScheduledId: Int(e.taskScheduledID), result: text(e.hasResult, e.result))
        case .subOrchestrationInstanceFailed(let e):
            kind = .subOrchestrationInstanceFailed(taskScheduledId: Int(e.taskScheduledID), failure: FailureDetails(e.failureDetails))
        case .timerCreated(let e):
            kind = .timerCreated(fireAt: e.fireAt.clampedDate)
        case .timerFired(let e):
            kind = .timerFired(timerId: Int(e.timerID), fireAt: e.fireAt.clampedDate)
        case .eventRaised(let e):
            kind = .eventRaised(name: e.name, input: text(e.hasInput, e.input))
        case .eventSent(let e):
            kind = .eventSent(instanceId: e.instanceID, name: e.name, input: text(e.hasInput, e.input))
        case .continueAsNew(let e):
            kind = .continueAsNew(input: text(e.hasInput, e.input))
        case .orchestratorStarted:
            kind = .orchestratorStarted
        case .orchestratorCompleted:
            kind = .orchestratorCompleted
        default:
            throw DurableTaskError(.invalidArgument, "history event type \(String(describing: proto.eventType)) is not supported here")
        }
        return HistoryEvent(eventId: Int(proto.eventID), timestamp: time, kind: kind)
    }

    /// The core form of a wire execution start.
    static func started(_ e: ProtoExecutionStartedEvent) -> ExecutionStartedEvent {
        var parent: ParentInstance?
        if e.hasParentInstance {
            let p = e.parentInstance
            parent = ParentInstance(
                name: p.hasName ? p.name.value : "", instanceId: p.orchestrationInstance.instanceID,
                executionId: p.orchestrationInstance.executionID.value, taskScheduledId: Int(p.taskScheduledID))
        }
        var started = ExecutionStartedEvent(
            name: e.name, instanceId: e.orchestrationInstance.instanceID, executionId: e.orchestrationInstance.executionID.value,
            input: e.hasInput ? e.input.value : nil, version: e.hasVersion ? e.version.value : nil, parent: parent,
            scheduledStartTime: e.hasScheduledStartTimestamp ? e.scheduledStartTimestamp.clampedDate : nil, tags: e.tags)
        if e.hasParentTraceContext { started.traceContext = TraceTranslation.carrier(e.parentTraceContext) }
        return started
    }
}
