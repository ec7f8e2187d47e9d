/// Logger metadata keys and metric names, in one place.
enum LogKeys {
    static let instanceId = "durabletask.instance_id"
    static let taskId = "durabletask.task_id"
    static let activity = "durabletask.activity"
    static let error = "durabletask.error"
}

/// Metric names (swift-metrics).
enum MetricNames {
    static let dispatchLatency = "durabletask.dispatch.latency"
    static let turnDuration = "durabletask.orchestration.turn.duration"
    static let activityDuration = "durabletask.activity.duration"
    static let failures = "durabletask.failures"
    static let replays = "durabletask.orchestration.replays"
    static let cacheHits = "durabletask.orchestration.cache_hits"
    static let turns = "durabletask.orchestration.turns"
    static let activities = "durabletask.activity.executions"
}
