public import DurableTask
import DurableTaskHTTP

/// Durable HTTP: GETs the URL given as input and outputs the final status code. A 202 with a
/// Location header is polled on durable timers until the answer is not 202.
public struct CheckSiteAvailable: Orchestrator {
    /// Creates the orchestrator.
    public init() {}

    /// Runs the check.
    public func run(context: OrchestrationContext, input: String) async throws -> Int {
        let response = try await context.callHttp(
            method: "GET", url: input,
            options: DurableHTTPOptions(timeout: .seconds(60), pollingInterval: .seconds(1)))
        return response.statusCode
    }
}
