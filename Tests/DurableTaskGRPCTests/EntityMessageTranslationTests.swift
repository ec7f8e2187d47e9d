import DurableTask
@testable import DurableTaskGRPC
import Foundation
import SwiftProtobuf
import Testing

/// Entity messages of a remote orchestration are stored like a Swift orchestration's and shown
/// to the SDK as its own entity event types.
@Suite("Sidecar: entity message translation", .timeLimit(.minutes(1)))
struct EntityMessageTranslationTests {
    let translator = EntityMessageTranslation(instanceId: "orch", executionId: "ox")
    let t = Date(timeIntervalSince1970: 1_764_000_000)

    func sendEntity(_ build: (inout ProtoSendEntityMessageAction) -> Void) -> ProtoSendEntityMessageAction {
        var m = ProtoSendEntityMessageAction()
        build(&m)
        return m
    }

    @Test func aCallIsStoredAsAnEntityRequestAndShownAsCalledThenCompleted() throws {
        let call = sendEntity {
            var e = ProtoEntityOperationCalledEvent()
            e.requestID = "r1"; e.operation = "add"; e.input = .init("5"); e.targetInstanceID = .init("@counter@a")
            $0.entityOperationCalled = e
        }
        let action = try translator.action(call, id: 3)
        guard case .sendEvent(let target, let name, let data) = action.kind else { Issue.record("expected sendEvent"); return }
        #expect(target == "@counter@a")
        #expect(name == EntityRequest.eventName)
        let request = try PayloadCoding.decode(EntityRequest.self, from: data)
        #expect(request.kind == .call)
        #expect(request.operation == "add")
        #expect(request.input == "5")
        #expect(request.requestId == "r1")
        #expect(request.parent == "orch")
        #expect(request.parentExecution == "ox")

        // Stored as the engine stores it; shown to the SDK as its own event types.
        let sent = try #require(action.historyEvent(at: t))
        let answer = HistoryEvent(timestamp: t, kind: .eventRaised(name: "r1", input: try PayloadCoding.encode(EntityResponse(result: "6"))))
        let userEvent = HistoryEvent(timestamp: t, kind: .eventRaised(name: "other", input: "1"))
        let (past, new) = EntityMessageTranslation.proto(past: [sent], new: [answer, userEvent])
        #expect(past[0].eventID == 3)
        #expect(past[0].entityOperationCalled.requestID == "r1")
        #expect(past[0].entityOperationCalled.targetInstanceID.value == "@counter@a")
        #expect(new[0].entityOperationCompleted.requestID == "r1")
        #expect(new[0].entityOperationCompleted.output.value == "6")
        #expect(new[1].eventRaised.name == "other")
    }

    @Test func aFailedCallIsShownAsFailed() throws {
        let call = sendEntity {
            var e = ProtoEntityOperationCalledEvent()
            e.requestID = "r2"; e.operation = "boom"; e.targetInstanceID = .init("@counter@a")
            $0.entityOperationCalled = e
        }
        let sent = try #require(try translator.action(call, id: 0).historyEvent(at: t))
        let failure = FailureDetails(errorType: "builtins.ValueError", errorMessage: "no")
        let answer = HistoryEvent(timestamp: t, kind: .eventRaised(name: "r2", input: try PayloadCoding.encode(EntityResponse(failure: failure))))
        let (_, new) = EntityMessageTranslation.proto(past: [sent], new: [answer])
        #expect(new[0].entityOperationFailed.requestID == "r2")
        #expect(new[0].entityOperationFailed.failureDetails.errorType == "builtins.ValueError")
    }

    @Test func locksSignalsAndUnlocks() throws {
        let lock = sendEntity {
            var e = ProtoEntityLockRequestedEvent()
            e.criticalSectionID = "cs"; e.lockSet = ["@a@1", "@b@2"]; e.position = 0
            $0.entityLockRequested = e
        }
        let lockAction = try translator.action(lock, id: 0)
        guard case .sendEvent("@a@1", _, let data) = lockAction.kind else { Issue.record("lock goes to the first entity"); return }
        let request = try PayloadCoding.decode(EntityRequest.self, from: data)
        #expect(request.kind == .lock)
        #expect(request.lockSet == ["@a@1", "@b@2"])
        let granted = HistoryEvent(timestamp: t, kind: .eventRaised(name: "cs", input: try PayloadCoding.encode(EntityResponse())))
        let signal = sendEntity {
            var e = ProtoEntityOperationSignaledEvent()
            e.requestID = "s"; e.operation = "reset"; e.targetInstanceID = .init("@b@2")
            $0.entityOperationSignaled = e
        }
        let unlock = sendEntity {
            var e = ProtoEntityUnlockSentEvent()
            e.criticalSectionID = "cs"; e.targetInstanceID = .init("@a@1")
            $0.entityUnlockSent = e
        }
        let events = [
            try #require(lockAction.historyEvent(at: t)), granted,
            try #require(try translator.action(signal, id: 1).historyEvent(at: t)),
            try #require(try translator.action(unlock, id: 2).historyEvent(at: t)),
        ]
        let (past, _) = EntityMessageTranslation.proto(past: events, new: [])
        #expect(past[0].entityLockRequested.criticalSectionID == "cs")
        #expect(past[1].entityLockGranted.criticalSectionID == "cs")
        #expect(past[2].entityOperationSignaled.operation == "reset")
        #expect(past[3].entityUnlockSent.targetInstanceID.value == "@a@1")
    }

    @Test func aTargetThatIsNotAnEntityIsRefused() {
        let bad = sendEntity {
            var e = ProtoEntityOperationSignaledEvent()
            e.operation = "x"; e.targetInstanceID = .init("plain-instance")
            $0.entityOperationSignaled = e
        }
        #expect(throws: DurableTaskError.self) { try translator.action(bad, id: 0) }
        let outside = sendEntity {
            var e = ProtoEntityLockRequestedEvent()
            e.criticalSectionID = "cs"; e.lockSet = ["@a@1"]; e.position = 3
            $0.entityLockRequested = e
        }
        #expect(throws: DurableTaskError.self) { try translator.action(outside, id: 0) }
    }
}
