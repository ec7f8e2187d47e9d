public import DurableTask

/// The example orchestrations, activities and entities, under the names `durable serve` registers.
public enum ExampleCatalog {
    /// The example orchestrator names.
    public static let orchestratorNames = [
        FunctionChaining.name, FanOutFanIn.name, MonitorJobStatus.name, BudgetApproval.name, PeriodicCleanup.name,
        CheckSiteAvailable.name, RetryFlaky.name, SubOrchestrationParent.name, BankTransfer.name,
    ]

    /// The example entity names.
    public static let entityNames = [Counter.name, Account.name]

    /// Registers every example orchestrator and activity. ``CheckSiteAvailable`` also needs the
    /// durable HTTP activity: register it with `registry.addDurableHTTP(client:configuration:)`.
    public static func register(into registry: inout TaskRegistry) {
        registry.addOrchestrator(FunctionChaining())
        registry.addOrchestrator(Hello())
        registry.addActivity(SayHello())
        registry.addOrchestrator(FanOutFanIn())
        registry.addActivity(GetWorkItems())
        registry.addActivity(ProcessItem())
        registry.addOrchestrator(MonitorJobStatus())
        registry.addActivity(GetJobStatus())
        registry.addOrchestrator(BudgetApproval())
        registry.addOrchestrator(PeriodicCleanup())
        registry.addActivity(Cleanup())
        registry.addOrchestrator(CheckSiteAvailable())
        registry.addOrchestrator(RetryFlaky())
        registry.addActivity(FlakyActivity())
        registry.addOrchestrator(SubOrchestrationParent())
        registry.addEntity(Counter())
        registry.addEntity(Account())
        registry.addOrchestrator(BankTransfer())
    }
}
