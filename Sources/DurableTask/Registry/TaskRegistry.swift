/// The orchestrators, activities and entities a worker can run, by registered name.
public struct TaskRegistry: Sendable {
    private(set) var orchestrators: [String: OrchestratorFunction] = [:]
    private(set) var activities: [String: ActivityFunction] = [:]
    private(set) var entities: [String: EntityFunction] = [:]

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

    /// Registers a typed entity under its ``Entity/name`` (case-insensitive).
    public mutating func addEntity<E: Entity>(_ entity: E) {
        entities[E.name.lowercased()] = entity.function
    }

    /// Registers an untyped entity over JSON text (case-insensitive name).
    public mutating func addEntity(named name: String, _ function: @escaping EntityFunction) {
        entities[name.lowercased()] = function
    }

    /// The entity registered under `name` (case-insensitive).
    public func entity(named name: String) -> EntityFunction? { entities[name.lowercased()] }

    /// The registered entity names, lowercased.
    public var entityNames: [String] { entities.keys.sorted() }

    /// The orchestrator registered under `name`.
    public func orchestrator(named name: String) -> OrchestratorFunction? { orchestrators[name] }

    /// The activity registered under `name`.
    public func activity(named name: String) -> ActivityFunction? { activities[name] }

    /// The registered orchestrator names.
    public var orchestratorNames: [String] { orchestrators.keys.sorted() }

    /// The registered activity names.
    public var activityNames: [String] { activities.keys.sorted() }
}
