public import DurableTask

/// Calls ``FunctionChaining`` as a sub-orchestration and returns its output.
public struct SubOrchestrationParent: Orchestrator {
    /// Creates the orchestrator.
    public init() {}

    /// Runs the child.
    public func run(context: OrchestrationContext, input: NoValue) async throws -> [String] {
        try await context.callSubOrchestrator(FunctionChaining.self)
    }
}
