/// Logger metadata keys of the core module, in one place (metric names are below).
enum LogKeys {
    static let instanceId = "durabletask.instance_id"
    static let taskId = "durabletask.task_id"
    static let activity = "durabletask.activity"
    static let error = "durabletask.error"
    /// The registered orchestrator names, when a worker starts.
    static let orchestrators = "orchestrators"
    /// The registered activity names, when a worker starts.
    static let activities = "activities"
    /// The operation of an entity.
    static let entityOperation = "entity.operation"
    /// The instance that asked for an entity lock.
    static let entityLockParent = "entity.lock.parent"
    /// The orchestration that held a broken entity lock.
    static let entityLockHolder = "entity.lock.holder"
    /// Why an entity lock was broken.
    static let entityLockReason = "entity.lock.reason"
}

/// Metric names (swift-metrics).
public enum MetricNames {
    /// The `dispatchLatency` metric.
    public static let dispatchLatency = "durabletask.dispatch.latency"
    /// The `turnDuration` metric.
    public static let turnDuration = "durabletask.orchestration.turn.duration"
    /// The `activityDuration` metric.
    public static let activityDuration = "durabletask.activity.duration"
    /// The `failures` metric.
    public static let failures = "durabletask.failures"
    /// The `replays` metric.
    public static let replays = "durabletask.orchestration.replays"
    /// The `cacheHits` metric.
    public static let cacheHits = "durabletask.orchestration.cache_hits"
    /// The `turns` metric.
    public static let turns = "durabletask.orchestration.turns"
    /// The `entityOperations` metric: entity operations run.
    public static let entityOperations = "durabletask.entity.operations"
    /// The `activities` metric.
    public static let activities = "durabletask.activity.executions"
    /// The `poisonItems` metric: work items failed for reaching the poison limit.
    public static let poisonItems = "durabletask.poison.items"
}
