@testable import DurableTask
import Foundation
import Testing

/// A remote worker's actions become the same history, activities, timers and messages as a
/// Swift orchestrator's.
@Suite("Remote orchestration turn", .timeLimit(.minutes(3)))
struct RemoteOrchestrationTurnTests {
    let t = Date(timeIntervalSince1970: 1_000)
    let started = ExecutionStartedEvent(name: "O", instanceId: "i", executionId: "x1", input: "1")

    func item(_ events: [HistoryEvent], historyLength: Int = 0) -> OrchestrationWorkItem {
        OrchestrationWorkItem(
            instanceId: "i", executionId: "x1", messages: events.map { OrchestrationMessage(instanceId: "i", event: $0) },
            historyLength: historyLength, lockToken: "tok")
    }

    var startMessage: HistoryEvent { HistoryEvent(timestamp: t, kind: .executionStarted(started)) }

    @Test func firstTurnSchedulesAnActivityAndATimer() throws {
        var turn = RemoteOrchestrationTurn(item: item([startMessage]), history: [], now: t)
        #expect(turn.newEvents.map(\.kind.typeName) == ["OrchestratorStarted", "ExecutionStarted"])
        #expect(turn.executionStarted?.name == "O")
        let fireAt = t.addingTimeInterval(5)
        let step = turn.apply(
            [OrchestratorAction(id: 0, kind: .scheduleTask(name: "A", input: "2", attempt: 1)),
             OrchestratorAction(id: 1, kind: .createTimer(fireAt: fireAt))],
            customStatus: "\"busy\"")
        guard case .commit(let result) = step else { Issue.record("expected a commit"); return }
        #expect(result.historyToAppend.map(\.kind.typeName)
            == ["OrchestratorStarted", "ExecutionStarted", "TaskScheduled", "TimerCreated", "OrchestratorCompleted"])
        #expect(result.historyToAppend[2].eventId == 0)
        #expect(result.historyToAppend[3].eventId == 1)
        #expect(result.status == .running)
        #expect(result.customStatus == "\"busy\"")
        #expect(result.activities == [ActivityRequest(instanceId: "i", executionId: "x1", taskId: 0, name: "A", input: "2", attempt: 1)])
        #expect(result.timers.count == 1)
        #expect(result.timers.first?.deliverAt == fireAt)
        #expect(result.timers.first?.executionId == "x1")
        #expect(!result.replaceHistory)
    }

    @Test func completionOfAChildAnswersItsParent() throws {
        var child = started
        child.parent = ParentInstance(name: "P", instanceId: "p", executionId: "px", taskScheduledId: 7)
        let start = HistoryEvent(timestamp: t, kind: .executionStarted(child))
        var turn = RemoteOrchestrationTurn(item: item([start]), history: [], now: t)
        let step = turn.apply(
            [OrchestratorAction(id: 0, kind: .completeOrchestration(CompleteOrchestrationAction(status: .completed, result: "42")))],
            customStatus: nil)
        guard case .commit(let result) = step else { Issue.record("expected a commit"); return }
        #expect(result.status == .completed)
        #expect(result.output == "42")
        #expect(result.historyToAppend.map(\.kind.typeName)
            == ["OrchestratorStarted", "ExecutionStarted", "ExecutionCompleted", "OrchestratorCompleted"])
        #expect(result.messages.count == 1)
        let answer = try #require(result.messages.first)
        #expect(answer.instanceId == "p")
        #expect(answer.executionId == "px")
        guard case .subOrchestrationInstanceCompleted(7, "42") = answer.event.kind else {
            Issue.record("expected the parent's completion, got \(answer.event.kind)")
            return
        }
    }

    @Test func suspendedWithoutActionsStaysSuspended() {
        let past = [HistoryEvent(timestamp: t, kind: .orchestratorStarted), startMessage]
        var turn = RemoteOrchestrationTurn(
            item: item([HistoryEvent(timestamp: t, kind: .executionSuspended(reason: nil))], historyLength: 2), history: past, now: t)
        guard case .commit(let result) = turn.apply([], customStatus: nil) else { Issue.record("expected a commit"); return }
        #expect(result.status == .suspended)
    }

    /// Continue-as-new runs the next execution in the same turn, then commits one replaced history.
    @Test func continueAsNewRunsTheNextExecutionBeforeCommitting() throws {
        var turn = RemoteOrchestrationTurn(item: item([startMessage]), history: [], now: t)
        let carry = HistoryEvent(timestamp: t, kind: .eventRaised(name: "e", input: "9"))
        let first = turn.apply(
            [OrchestratorAction(id: 0, kind: .sendEvent(instanceId: "other", name: "ping", data: nil)),
             OrchestratorAction(id: 1, kind: .completeOrchestration(CompleteOrchestrationAction(
                status: .continuedAsNew, result: "2", carryoverEvents: [carry])))],
            customStatus: nil, now: t)
        guard case .again = first else { Issue.record("expected another round"); return }
        #expect(turn.past.isEmpty)
        #expect(turn.newEvents.map(\.kind.typeName) == ["OrchestratorStarted", "ExecutionStarted", "EventRaised"])
        let next = try #require(turn.executionStarted)
        #expect(next.input == "2")
        #expect(next.generation == 1)
        #expect(next.executionId != "x1")
        guard case .commit(let result) = turn.apply(
            [OrchestratorAction(id: 0, kind: .scheduleTask(name: "A", input: nil, attempt: 1))], customStatus: nil)
        else { Issue.record("expected a commit"); return }
        #expect(result.replaceHistory)
        #expect(result.newExecution?.executionId == next.executionId)
        #expect(result.historyToAppend.map(\.kind.typeName)
            == ["OrchestratorStarted", "ExecutionStarted", "EventRaised", "TaskScheduled", "OrchestratorCompleted"])
        // The first execution's sent event still goes out; the activity belongs to the new execution.
        #expect(result.messages.map(\.instanceId) == ["other"])
        #expect(result.activities.first?.executionId == next.executionId)
        #expect(result.status == .running)
    }

    @Test func recursiveTerminationReachesRunningChildren() {
        let past = [
            HistoryEvent(timestamp: t, kind: .orchestratorStarted), startMessage,
            HistoryEvent(eventId: 0, timestamp: t, kind: .subOrchestrationInstanceCreated(name: "C", instanceId: "c0", input: nil)),
            HistoryEvent(eventId: 1, timestamp: t, kind: .subOrchestrationInstanceCreated(name: "C", instanceId: "c1", input: nil)),
            HistoryEvent(timestamp: t, kind: .orchestratorCompleted), HistoryEvent(timestamp: t, kind: .orchestratorStarted),
            HistoryEvent(timestamp: t, kind: .subOrchestrationInstanceCompleted(taskScheduledId: 0, result: nil)),
            HistoryEvent(timestamp: t, kind: .orchestratorCompleted),
        ]
        var turn = RemoteOrchestrationTurn(
            item: item([HistoryEvent(timestamp: t, kind: .executionTerminated(reason: "stop", recurse: true))], historyLength: past.count),
            history: past, now: t)
        guard case .commit(let result) = turn.apply(
            [OrchestratorAction(id: 2, kind: .completeOrchestration(CompleteOrchestrationAction(status: .terminated, result: "stop")))],
            customStatus: nil)
        else { Issue.record("expected a commit"); return }
        #expect(result.status == .terminated)
        #expect(result.messages.map(\.instanceId) == ["c1"])
        guard case .executionTerminated("stop", true)? = result.messages.first?.event.kind else {
            Issue.record("expected a recursive termination of c1")
            return
        }
    }

    /// A rewind: the remote code rewrites the history, the next round replays it and schedules
    /// the failed task again, and the commit replaces the history under the same execution ID.
    @Test func rewindReplaysTheRewrittenHistory() {
        let boom = FailureDetails(errorType: "Boom", errorMessage: "boom")
        let past = [
            HistoryEvent(timestamp: t, kind: .orchestratorStarted), startMessage,
            HistoryEvent(eventId: 0, timestamp: t, kind: .taskScheduled(name: "A", input: nil, attempt: 1)),
            HistoryEvent(timestamp: t, kind: .taskFailed(taskScheduledId: 0, failure: boom)),
            HistoryEvent(eventId: 1, timestamp: t, kind: .executionCompleted(status: .failed, result: nil, failure: boom)),
        ]
        let rewound = HistoryEvent(timestamp: t, kind: .executionRewound(reason: "again"))
        var turn = RemoteOrchestrationTurn(item: item([rewound], historyLength: past.count), history: past, now: t)
        #expect(turn.isRewindRequest)
        var renamed = started
        renamed.executionId = "fresh"
        let clean = [HistoryEvent(timestamp: t, kind: .orchestratorStarted), HistoryEvent(timestamp: t, kind: .executionStarted(renamed)), rewound]
        guard case .again = turn.apply([], customStatus: nil, rewoundHistory: clean) else { Issue.record("expected another round"); return }
        #expect(turn.executionStarted?.executionId == "x1")
        guard case .commit(let result) = turn.apply(
            [OrchestratorAction(id: 0, kind: .scheduleTask(name: "A", input: nil, attempt: 1))], customStatus: nil)
        else { Issue.record("expected a commit"); return }
        #expect(result.replaceHistory)
        #expect(result.newExecution == nil)
        #expect(result.historyToAppend.map(\.kind.typeName)
            == ["OrchestratorStarted", "ExecutionStarted", "ExecutionRewound", "OrchestratorStarted", "TaskScheduled", "OrchestratorCompleted"])
        #expect(result.activities.map(\.executionId) == ["x1"])
        #expect(result.status == .running)
    }
}
