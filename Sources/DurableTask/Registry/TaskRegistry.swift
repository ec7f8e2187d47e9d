/// The orchestrators and activities a worker can run, by registered name.
public struct TaskRegistry: Sendable {
    private(set) var orchestrators: [String: OrchestratorFunction] = [:]
    private(set) var activities: [String: ActivityFunction] = [:]

    /// Creates an empty registry.
    public init() {}

    /// Registers a typed orchestrator under its ``Orchestrator/name``.
    public mutating func addOrchestrator<O: Orchestrator>(_ orchestrator: O) {
        orchestrators[O.name] = orchestrator.function
    }

    /// Registers an untyped orchestrator over JSON payload text.
    public mutating func addOrchestrator(named name: String, _ function: @escaping OrchestratorFunction) {
        orchestrators[name] = function
    }

    /// Registers a typed activity under its ``Activity/name``.
    public mutating func addActivity<A: Activity>(_ activity: A) {
        activities[A.name] = activity.function
    }

    /// Registers an untyped activity over JSON payload text.
    public mutating func addActivity(named name: String, _ function: @escaping ActivityFunction) {
        activities[name] = function
    }

    /// The orchestrator registered under `name`.
    public func orchestrator(named name: String) -> OrchestratorFunction? { orchestrators[name] }

    /// The activity registered under `name`.
    public func activity(named name: String) -> ActivityFunction? { activities[name] }

    /// The registered orchestrator names.
    public var orchestratorNames: [String] { orchestrators.keys.sorted() }

    /// The registered activity names.
    public var activityNames: [String] { activities.keys.sorted() }
}
