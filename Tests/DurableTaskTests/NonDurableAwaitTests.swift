@testable import DurableTask
import Dispatch
import Foundation
import Testing

@Suite("Non-durable awaits fail loudly", .timeLimit(.minutes(3)))
struct NonDurableAwaitTests {
    func runToFailure(_ body: @escaping OrchestratorFunction) -> FailureDetails? {
        var driver = RunnerDriver(["O": body])
        let outcome = driver.replayTurn([driver.start("O")])
        #expect(outcome.runtimeStatus == .failed)
        return outcome.completion?.failureDetails
    }

    @Test func taskSleepFails() {
        let failure = runToFailure { _, _ in
            try await Task.sleep(for: .milliseconds(20))
            return nil
        }
        #expect(failure?.errorType == EngineFailure.nonDurableAwait)
        #expect(failure?.errorMessage.contains("Task.sleep") == true)
    }

    @Test func taskDetachedFails() {
        let failure = runToFailure { _, _ in
            let value = await Task.detached { 42 }.value
            return String(value)
        }
        #expect(failure?.errorType == EngineFailure.nonDurableAwait)
    }

    @Test func continuationResumedFromAnotherThreadFails() {
        let failure = runToFailure { _, _ in
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + 0.01) { c.resume() }
            }
            return nil
        }
        #expect(failure?.errorType == EngineFailure.nonDurableAwait)
    }

    @Test func sleepBesideADurableAwaitIsCaughtWhenTheDurableWorkCompletes() {
        // An activity is pending too, so the first turn cannot tell; once it completes, the
        // orchestrator is left waiting on the sleep alone and fails.
        var driver = RunnerDriver(["O": { ctx, _ in
            async let a: String = ctx.callActivity(named: "A")
            try await Task.sleep(for: .seconds(3600))
            return try await a
        }])
        let first = driver.replayTurn([driver.start("O")])
        #expect(first.runtimeStatus == .running)
        let second = driver.replayTurn([driver.event(.taskCompleted(taskScheduledId: 0, result: "\"a\""))])
        #expect(second.completion?.failureDetails?.errorType == EngineFailure.nonDurableAwait)
    }

    @Test func contextUsedFromADetachedTaskFails() {
        let failure = runToFailure { ctx, _ in
            let result = await Task.detached { () -> String in
                do {
                    let _: String = try await ctx.callActivity(named: "A")
                    return "no error"
                } catch { return "error" }
            }.value
            return try PayloadCoding.encode(result)
        }
        #expect([EngineFailure.contextMisuse, EngineFailure.nonDurableAwait].contains(failure?.errorType ?? ""))
    }
}
