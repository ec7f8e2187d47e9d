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
