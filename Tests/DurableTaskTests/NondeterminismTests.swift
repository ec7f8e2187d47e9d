@testable import DurableTask
import Foundation
import Testing

@Suite("Non-determinism detection", .timeLimit(.minutes(3)))
struct NondeterminismTests {
    static let v1: OrchestratorFunction = { ctx, _ in
        let _: String = try await ctx.callActivity(named: "A", input: "x")
        let _: String = try await ctx.callActivity(named: "A", input: "y")
        return nil
    }

    /// Records a history with v1 up to its second activity, then replays it with `v2`.
    func replay(with v2: @escaping OrchestratorFunction) -> OrchestrationTurnOutcome {
        var driver = RunnerDriver(["O": Self.v1])
        _ = driver.replayTurn([driver.start("O")])
        _ = driver.replayTurn([driver.event(.taskCompleted(taskScheduledId: 0, result: "\"a\""))])
        driver.functions["O"] = v2
        return driver.replayTurn([driver.event(.taskCompleted(taskScheduledId: 1, result: "\"b\""))])
    }

    @Test func differentActivityNameFailsNamingBoth() {
        let outcome = replay(with: { ctx, _ in
            let _: String = try await ctx.callActivity(named: "A", input: "x")
            let _: String = try await ctx.callActivity(named: "B", input: "y")
            return nil
        })
        #expect(outcome.runtimeStatus == .failed)
        let failure = outcome.completion?.failureDetails
        #expect(failure?.errorType == EngineFailure.nonDeterministic)
        #expect(failure?.errorMessage.contains("TaskScheduled 'A' #1") == true, "\(failure?.errorMessage ?? "")")
        #expect(failure?.errorMessage.contains("ScheduleTask 'B' #1") == true)
    }

    @Test func timerInsteadOfActivityFails() {
        let outcome = replay(with: { ctx, _ in
            let _: String = try await ctx.callActivity(named: "A", input: "x")
            try await ctx.createTimer(for: .seconds(1))
            return nil
        })
        #expect(outcome.completion?.failureDetails?.errorType == EngineFailure.nonDeterministic)
        #expect(outcome.completion?.failureDetails?.errorMessage.contains("CreateTimer") == true)
    }

    @Test func missingActionFails() {
        let outcome = replay(with: { _, _ in
            try PayloadCoding.encode("done early")
        })
        // The code now completes at once; history says it scheduled task #0.
        #expect(outcome.completion?.failureDetails?.errorType == EngineFailure.nonDeterministic)
        #expect(outcome.completion?.failureDetails?.errorMessage.contains("finishes before producing action #0") == true)
    }

    @Test func sameCodeReplaysCleanly() {
        let outcome = replay(with: Self.v1)
        #expect(outcome.runtimeStatus == .completed)
    }
}
