@testable import DurableTask
import Foundation
import Testing

@Suite("Retry policies", .timeLimit(.minutes(3)))
struct RetryPolicyTests {
    @Test func backoffIsExponentialAndCapped() {
        let p = RetryPolicy(maxAttempts: 10, firstRetryInterval: .seconds(1), backoffCoefficient: 2, maxRetryInterval: .seconds(5))
        #expect((1...5).map { p.delay(afterAttempt: $0) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
    }

    /// Runs an orchestrator whose activity fails once, and returns the actions after the failure.
    func afterOneFailure(_ policy: RetryPolicy) -> OrchestrationTurnOutcome {
        var driver = RunnerDriver(["O": { ctx, _ in
            let _: String = try await ctx.callActivity(named: "A", options: TaskOptions(retry: policy))
            return nil
        }])
        _ = driver.replayTurn([driver.start("O")])
        let failure = FailureDetails(errorType: "Boom", errorMessage: "no")
        return driver.replayTurn([driver.event(.taskFailed(taskScheduledId: 0, failure: failure))])
    }

    @Test func retriesOnADurableTimer() {
        let outcome = afterOneFailure(RetryPolicy(maxAttempts: 3, firstRetryInterval: .seconds(7)))
        #expect(outcome.actions.map(\.summary).first?.hasPrefix("CreateTimer") == true)
        #expect(outcome.runtimeStatus == .running)
    }

    @Test func predicateCanRefuseARetry() {
        let outcome = afterOneFailure(RetryPolicy(maxAttempts: 3, firstRetryInterval: .seconds(1), shouldRetry: { $0.cause.errorType != "Boom" }))
        #expect(outcome.runtimeStatus == .failed)
        #expect(outcome.completion?.failureDetails?.innerFailure?.errorType == "Boom")
    }

    @Test func totalTimeoutStopsRetries() {
        let outcome = afterOneFailure(RetryPolicy(maxAttempts: 5, firstRetryInterval: .seconds(10), retryTimeout: .seconds(5)))
        #expect(outcome.runtimeStatus == .failed)
        #expect(!outcome.actions.contains { $0.summary.hasPrefix("CreateTimer") })
    }

    @Test func versionReachesTheContext() {
        var driver = RunnerDriver(["O": { ctx, _ in try PayloadCoding.encode(ctx.version ?? "none") }])
        let start = HistoryEvent(timestamp: driver.clock, kind: .executionStarted(ExecutionStartedEvent(
            name: "O", instanceId: driver.instanceId, executionId: "e", input: nil, version: "2.1")))
        let outcome = driver.replayTurn([start])
        #expect(outcome.completion?.result == "\"2.1\"")
    }
}
