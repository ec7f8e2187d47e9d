public import DurableTask

/// The input of ``BudgetApproval``.
public struct BudgetApprovalInput: Codable, Sendable, Hashable {
    /// How long to wait for the `Approval` event, from 0 to 10,000 years in seconds; 3600 when absent.
    public var timeoutSeconds: Double?

    /// Creates an input.
    public init(timeoutSeconds: Double? = nil) { self.timeoutSeconds = timeoutSeconds }
}

/// Human interaction: waits for the external event `Approval` (a Bool). Output "Approved" or
/// "Rejected"; "Escalated" if no decision arrives within the timeout.
public struct BudgetApproval: Orchestrator {
    /// Creates the orchestrator.
    public init() {}

    /// Runs the approval.
    public func run(context: OrchestrationContext, input: BudgetApprovalInput?) async throws -> String {
        let timeout = try CheckedInput.seconds(input?.timeoutSeconds ?? 3600, named: "timeoutSeconds")
        try context.setCustomStatus("Waiting for approval")
        do {
            let approved = try await context.waitForExternalEvent("Approval", as: Bool.self, timeout: .seconds(timeout))
            return approved ? "Approved" : "Rejected"
        } catch is ExternalEventTimeoutError {
            return "Escalated"
        }
    }
}
