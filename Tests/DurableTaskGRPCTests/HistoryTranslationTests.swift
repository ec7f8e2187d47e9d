import DurableTask
@testable import DurableTaskGRPC
import Foundation
import SwiftProtobuf
import Testing

/// Core history events survive the trip to the wire and back, field for field.
@Suite("Sidecar: history translation", .timeLimit(.minutes(1)))
struct HistoryTranslationTests {
    let t = Date(timeIntervalSince1970: 1_764_000_000.123456)
    let boom = FailureDetails(
        errorType: "builtins.ValueError", errorMessage: "boom", stackTrace: "line 1",
        innerFailure: FailureDetails(errorType: "Inner", errorMessage: "cause"), isNonRetriable: true)

    var kinds: [HistoryEvent.Kind] {
        let parent = ParentInstance(name: "P", instanceId: "p", executionId: "px", taskScheduledId: 3)
        return [
            .executionStarted(ExecutionStartedEvent(
                name: "O", instanceId: "i", executionId: "x", input: "1", version: "2.0", parent: parent,
                scheduledStartTime: t, tags: ["k": "v"])),
            .executionCompleted(status: .failed, result: nil, failure: boom),
            .executionCompleted(status: .completed, result: "\"done\"", failure: nil),
            .executionTerminated(reason: "\"stop\"", recurse: true),
            .executionSuspended(reason: "wait"), .executionResumed(reason: nil), .executionRewound(reason: "again"),
            .taskScheduled(name: "A", input: "[1]", attempt: 1), .taskCompleted(taskScheduledId: 4, result: "2"),
            .taskFailed(taskScheduledId: 4, failure: boom),
            .subOrchestrationInstanceCreated(name: "C", instanceId: "c", input: nil),
            .subOrchestrationInstanceCompleted(taskScheduledId: 5, result: "{}"),
            .subOrchestrationInstanceFailed(taskScheduledId: 5, failure: boom),
            .timerCreated(fireAt: t), .timerFired(timerId: 6, fireAt: t), .eventRaised(name: "go", input: "true"),
            .eventSent(instanceId: "other", name: "ping", input: nil), .continueAsNew(input: "3"), .orchestratorStarted,
            .orchestratorCompleted,
        ]
    }

    @Test func everyKindRoundTrips() throws {
        for (index, kind) in kinds.enumerated() {
            let event = HistoryEvent(eventId: index, timestamp: t, kind: kind)
            let wire = HistoryTranslation.proto(event)
            #expect(wire.eventID == Int32(index))
            // Through bytes, as the SDKs see it.
            let decoded = try ProtoHistoryEvent(serializedBytes: try wire.serializedBytes() as [UInt8])
            let back = try HistoryTranslation.event(decoded)
            #expect(back.kind == kind, "\(kind.typeName)")
            #expect(abs(back.timestamp.timeIntervalSince(t)) < 1e-6)
        }
    }

    @Test func wireFieldsAreTheSDKsNames() {
        let started = HistoryTranslation.proto(HistoryEvent(timestamp: t, kind: kinds[0]))
        #expect(started.executionStarted.name == "O")
        #expect(started.executionStarted.version.value == "2.0")
        #expect(started.executionStarted.orchestrationInstance.instanceID == "i")
        #expect(started.executionStarted.orchestrationInstance.executionID.value == "x")
        #expect(started.executionStarted.parentInstance.orchestrationInstance.instanceID == "p")
        #expect(started.executionStarted.parentInstance.taskScheduledID == 3)
        #expect(started.executionStarted.tags == ["k": "v"])
        // An absent payload stays absent (not an empty string).
        let created = HistoryTranslation.proto(HistoryEvent(timestamp: t, kind: kinds[10]))
        #expect(!created.subOrchestrationInstanceCreated.hasInput)
        let terminated = HistoryTranslation.proto(HistoryEvent(timestamp: t, kind: kinds[3]))
        #expect(terminated.executionTerminated.input.value == "\"stop\"")
        #expect(terminated.executionTerminated.recurse)
    }

    /// A turn's time is a whole number of microseconds, so the SDKs' time-derived IDs are the
    /// same live and on replay.
    @Test func turnTimesPrintTheSameToTheMicrosecond() throws {
        let item = OrchestrationWorkItem(instanceId: "i", executionId: nil, messages: [], historyLength: 0, lockToken: "t")
        let turn = RemoteOrchestrationTurn(item: item, history: [], now: Date(timeIntervalSince1970: 1_764_000_000.1234567891))
        let live = HistoryTranslation.proto(turn.newEvents[0]).timestamp
        let stored = try JSONDecoder().decode(HistoryEvent.self, from: JSONEncoder().encode(turn.newEvents[0]))
        let replayed = HistoryTranslation.proto(stored).timestamp
        #expect(live.seconds == replayed.seconds)
        #expect(live.nanos == replayed.nanos)
        #expect(live.nanos == 123_457_000)
    }

    /// Times outside what a Timestamp holds are clamped instead of trapping.
    @Test func farTimesAreClamped() {
        let far = HistoryTranslation.proto(HistoryEvent(timestamp: .distantFuture, kind: .timerCreated(fireAt: Date(timeIntervalSince1970: 1e300))))
        #expect(far.timerCreated.fireAt.seconds == 253_402_300_799)
        let past = HistoryTranslation.proto(HistoryEvent(timestamp: Date(timeIntervalSince1970: -1e300), kind: .orchestratorStarted))
        #expect(past.timestamp.seconds == -62_135_596_800)
    }

    @Test func eventTypesTheEngineDoesNotRecordAreRefused() {
        var generic = ProtoHistoryEvent()
        generic.genericEvent = ProtoGenericEvent()
        #expect(throws: DurableTaskError.self) { try HistoryTranslation.event(generic) }
    }
}
