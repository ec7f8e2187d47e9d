public import DurableTask

/// Activity: fails its first two attempts for each instance, then succeeds.
public struct FlakyActivity: Activity {
    /// Creates the activity.
    public init() {}

    /// Throws on attempts 1 and 2; returns `succeeded after <n> attempts` after.
    public func run(input: NoValue, context: ActivityContext) async throws -> String {
        guard context.attempt >= 3 else {
            throw ApplicationError(type: "FlakyFailure", message: "attempt \(context.attempt) fails on purpose")
        }
        return "succeeded after \(context.attempt) attempts"
    }
}

/// Calls ``FlakyActivity`` under a retry policy of 3 attempts. Output "succeeded after 3 attempts".
public struct RetryFlaky: Orchestrator {
    /// Creates the orchestrator.
    public init() {}

    /// The retry policy: 3 attempts, 100 ms apart, doubling.
    static let retry = RetryPolicy(maxAttempts: 3, firstRetryInterval: .milliseconds(100), backoffCoefficient: 2)

    /// Runs the call.
    public func run(context: OrchestrationContext, input: NoValue) async throws -> String {
        try await context.callActivity(FlakyActivity.self, options: TaskOptions(retry: Self.retry))
    }
}
