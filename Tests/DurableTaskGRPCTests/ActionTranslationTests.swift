import DurableTask
@testable import DurableTaskGRPC
import Foundation
import SwiftProtobuf
import Testing

/// A remote worker's actions become the core's actions.
@Suite("Sidecar: action translation", .timeLimit(.minutes(1)))
struct ActionTranslationTests {
    let entities = EntityMessageTranslation(instanceId: "orch", executionId: "ox")

    func action(_ id: Int32, _ build: (inout ProtoOrchestratorAction) -> Void) -> ProtoOrchestratorAction {
        var a = ProtoOrchestratorAction()
        a.id = id
        build(&a)
        return a
    }

    @Test func schedulingActions() throws {
        let fireAt = Date(timeIntervalSince1970: 1_764_000_100)
        let answer = try ActionTranslation.answer([
            action(0) { var s = ProtoScheduleTaskAction(); s.name = "A"; s.input = .init("1"); $0.scheduleTask = s },
            action(1) {
                var c = ProtoCreateSubOrchestrationAction(); c.name = "C"; c.instanceID = "child"; c.version = .init("2")
                $0.createSubOrchestration = c
            },
            action(2) { var t = ProtoCreateTimerAction(); t.fireAt = .init(date: fireAt); $0.createTimer = t },
            action(3) {
                var e = ProtoSendEventAction(); e.instance = HistoryTranslation.instance("other", nil); e.name = "ping"
                $0.sendEvent = e
            },
            action(4) { var t = ProtoTerminateOrchestrationAction(); t.instanceID = "c2"; t.recurse = true; $0.terminateOrchestration = t },
        ], entities: entities)
        #expect(answer.rewoundHistory == nil)
        #expect(answer.actions == [
            OrchestratorAction(id: 0, kind: .scheduleTask(name: "A", input: "1", attempt: 1)),
            OrchestratorAction(id: 1, kind: .createSubOrchestration(name: "C", instanceId: "child", input: nil, version: "2")),
            OrchestratorAction(id: 2, kind: .createTimer(fireAt: fireAt)),
            OrchestratorAction(id: 3, kind: .sendEvent(instanceId: "other", name: "ping", data: nil)),
            OrchestratorAction(id: 4, kind: .terminateOrchestration(instanceId: "c2", reason: nil, recurse: true)),
        ])
    }

    /// A remote worker's timer beyond years 1-9999 is recorded at the nearest end of that range, as
    /// a Swift orchestrator's is. Before: `Int64.max` seconds put the year 292 billion in the history,
    /// which trapped the management API when it showed the history; `Int64.min` seconds trapped at
    /// once, in SwiftProtobuf's `Timestamp.date` (`seconds - 978307200` overflows).
    @Test(arguments: [(Int64.max, DurableTime.latest), (Int64.min, DurableTime.earliest), (Int64(253_402_300_800), DurableTime.latest)] as [(Int64, Date)])
    func farTimersAreClamped(seconds: Int64, expected: Date) throws {
        let answer = try ActionTranslation.answer([
            action(7) { var t = ProtoCreateTimerAction(); t.fireAt = .init(seconds: seconds, nanos: 999_999_999); $0.createTimer = t },
        ], entities: entities)
        #expect(answer.actions == [OrchestratorAction(id: 7, kind: .createTimer(fireAt: expected))])
    }

    /// Every wire time the sidecar reads (start times, signal times, query bounds, history) goes
    /// through `clampedDate`, which takes any `Timestamp`.
    @Test(arguments: [Int64.min, Int64.min + 1, -62_135_596_801, 0, 1_764_000_100, 253_402_300_800, Int64.max])
    func anyTimestampConverts(seconds: Int64) {
        let date = Google_Protobuf_Timestamp(seconds: seconds, nanos: Int32.max).clampedDate
        #expect((DurableTime.earliest...DurableTime.latest).contains(date))
        if seconds == 1_764_000_100 {
            #expect(date == Google_Protobuf_Timestamp(seconds: seconds, nanos: Int32.max).date, "the same as SwiftProtobuf's where it has one")
        }
    }

    @Test func completionCarriesStatusResultFailureAndCarryover() throws {
        var complete = ProtoCompleteOrchestrationAction()
        complete.orchestrationStatus = .continuedAsNew
        complete.result = .init("5")
        complete.newVersion = .init("3")
        complete.carryoverEvents = [HistoryTranslation.proto(HistoryEvent(
            timestamp: Date(timeIntervalSince1970: 1), kind: .eventRaised(name: "e", input: "1")))]
        let answer = try ActionTranslation.answer([action(7) { $0.completeOrchestration = complete }], entities: entities)
        guard case .completeOrchestration(let c) = answer.actions.first?.kind else { Issue.record("no completion"); return }
        #expect(c.status == .continuedAsNew)
        #expect(c.result == "5")
        #expect(c.newVersion == "3")
        #expect(c.carryoverEvents.map(\.kind) == [.eventRaised(name: "e", input: "1")])

        var failed = ProtoCompleteOrchestrationAction()
        failed.orchestrationStatus = .failed
        failed.failureDetails = FailureDetails(errorType: "builtins.ValueError", errorMessage: "bad").proto
        let f = try ActionTranslation.answer([action(1) { $0.completeOrchestration = failed }], entities: entities)
        guard case .completeOrchestration(let fc) = f.actions.first?.kind else { Issue.record("no completion"); return }
        #expect(fc.status == .failed)
        #expect(fc.failureDetails?.errorType == "builtins.ValueError")
    }

    @Test func aCompletionThatEndsNothingIsRefused() {
        var running = ProtoCompleteOrchestrationAction()
        running.orchestrationStatus = .running
        #expect(throws: DurableTaskError.self) {
            try ActionTranslation.answer([action(1) { $0.completeOrchestration = running }], entities: entities)
        }
        #expect(throws: DurableTaskError.self) { try ActionTranslation.answer([action(1) { _ in }], entities: entities) }
    }

    @Test func rewindCarriesTheRewrittenHistory() throws {
        var rewind = ProtoRewindOrchestrationAction()
        rewind.newHistory = [HistoryTranslation.proto(HistoryEvent(timestamp: Date(timeIntervalSince1970: 1), kind: .orchestratorStarted))]
        let answer = try ActionTranslation.answer([action(-1) { $0.rewindOrchestration = rewind }], entities: entities)
        #expect(answer.actions.isEmpty)
        #expect(answer.rewoundHistory?.map(\.kind) == [.orchestratorStarted])
    }
}
