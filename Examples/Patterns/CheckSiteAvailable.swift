public import DurableTask

/// Durable HTTP: GETs the URL given as input and outputs the final status code.
public struct CheckSiteAvailable: Orchestrator {
    /// Creates the orchestrator.
    public init() {}

    /// Runs the check.
    public func run(context: OrchestrationContext, input: String) async throws -> Int {
        throw ApplicationError(type: "NotYetAvailable", message: "durable HTTP is being built", isNonRetriable: true)
    }
}
