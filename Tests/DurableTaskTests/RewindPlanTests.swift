@testable import DurableTask
import Foundation
import Testing

/// How a rewind rewrites a failed history.
@Suite("Rewind plan", .timeLimit(.minutes(3)))
struct RewindPlanTests {
    let t = Date(timeIntervalSince1970: 1_000)
    func e(_ kind: HistoryEvent.Kind, id: Int = -1) -> HistoryEvent { HistoryEvent(eventId: id, timestamp: t, kind: kind) }
    var start: HistoryEvent {
        e(.executionStarted(ExecutionStartedEvent(name: "O", instanceId: "i", executionId: "x", input: nil)))
    }
    let boom = FailureDetails(errorType: "Boom", errorMessage: "boom")
    var failedEnd: HistoryEvent { e(.executionCompleted(status: .failed, result: nil, failure: boom)) }

    @Test func theFailureThatEndedTheExecutionIsRetried() {
        let history = [start, e(.taskScheduled(name: "A", input: "1", attempt: 1), id: 0), e(.taskFailed(taskScheduledId: 0, failure: boom)), failedEnd]
        let plan = RewindPlan(history)
        #expect(plan.history.map(\.kind.typeName) == ["ExecutionStarted", "TaskScheduled"])
        guard case .activity(0, "A", "1", 1)? = plan.retry else {
            Issue.record("expected activity A #0 to run again, got \(String(describing: plan.retry))")
            return
        }
    }

    /// Under a retry policy only the last attempt's failure goes; the caught earlier attempts and
    /// their retry timers stay, so the replay matches them.
    @Test func onlyTheLastAttemptOfARetryIsRetried() {
        let history = [
            start, e(.taskScheduled(name: "A", input: nil, attempt: 1), id: 0), e(.taskFailed(taskScheduledId: 0, failure: boom)),
            e(.timerCreated(fireAt: t), id: 1), e(.timerFired(timerId: 1, fireAt: t)),
            e(.taskScheduled(name: "A", input: nil, attempt: 2), id: 2), e(.taskFailed(taskScheduledId: 2, failure: boom)), failedEnd,
        ]
        let plan = RewindPlan(history)
        #expect(plan.history.count == history.count - 2)
        #expect(plan.history.filter(\.isTaskFailure).count == 1)
        guard case .activity(2, "A", nil, 2)? = plan.retry else {
            Issue.record("expected attempt 2 (#2) to run again, got \(String(describing: plan.retry))")
            return
        }
    }

    /// A failure the code caught before scheduling more is not what ended the execution.
    @Test func aCaughtFailureStays() {
        let history = [
            start, e(.taskScheduled(name: "A", input: nil, attempt: 1), id: 0), e(.taskFailed(taskScheduledId: 0, failure: boom)),
            e(.taskScheduled(name: "B", input: nil, attempt: 1), id: 1), e(.taskCompleted(taskScheduledId: 1, result: nil)), failedEnd,
        ]
        let plan = RewindPlan(history)
        #expect(plan.history == Array(history.dropLast()))
        #expect(plan.retry == nil)
    }

    @Test func aFailedChildRunsAgain() {
        let history = [
            start, e(.subOrchestrationInstanceCreated(name: "C", instanceId: "child", input: "2"), id: 0),
            e(.subOrchestrationInstanceFailed(taskScheduledId: 0, failure: boom)), failedEnd,
        ]
        guard case .subOrchestration(0, "C", "child", "2")? = RewindPlan(history).retry else {
            Issue.record("expected child C to run again")
            return
        }
    }

    @Test func aHistoryThatDidNotFailIsLeftAlone() {
        let history = [start, e(.executionCompleted(status: .completed, result: "1", failure: nil))]
        let plan = RewindPlan(history)
        #expect(plan.history == history)
        #expect(plan.retry == nil)
    }
}
