/// Every metric the engine, the Redis store and the host report, in one place. The names follow
/// Prometheus conventions (snake case, a `durabletask_` prefix, `_total` for counters, `_seconds`
/// for durations), since swift-metrics hands them to the backend as they are; `durable serve`
/// exports them at `GET /metrics` through swift-prometheus.
public enum MetricNames {
    // MARK: Worker (DurableTaskWorker)

    /// Histogram: from a work item's enqueue to the start of its processing.
    public static let dispatchLatency = "durabletask_dispatch_latency_seconds"
    /// Histogram: one orchestration turn, from lease to commit.
    public static let turnDuration = "durabletask_orchestration_turn_duration_seconds"
    /// Histogram: one activity execution.
    public static let activityDuration = "durabletask_activity_duration_seconds"
    /// Counter, label `kind` (`orchestration`, `activity`): executions that failed.
    public static let failures = "durabletask_failures_total"
    /// Counter: turns that replayed the history (a runner-cache miss).
    public static let replays = "durabletask_orchestration_replays_total"
    /// Counter: turns served by a cached runner.
    public static let cacheHits = "durabletask_orchestration_cache_hits_total"
    /// Counter: orchestration turns committed.
    public static let turns = "durabletask_orchestration_turns_total"
    /// Counter: entity batches committed.
    public static let entityBatches = "durabletask_entity_batches_total"
    /// Counter: entity operations run.
    public static let entityOperations = "durabletask_entity_operations_total"
    /// Counter: activity executions completed (successfully or not).
    public static let activities = "durabletask_activity_executions_total"
    /// Counter: work items failed for reaching the poison limit.
    public static let poisonItems = "durabletask_poison_items_total"
    /// Counter, label `kind` (`orchestration`, `activity`): results not committed because the
    /// work item's lease had expired or moved to another worker.
    public static let leaseLosses = "durabletask_lease_losses_total"

    // MARK: Redis store

    /// Histogram: how late durable timers were delivered, after their due time.
    public static let timerLateness = "durabletask_timer_lateness_seconds"
    /// Counter, label `purpose` (`orchestration`, `activity`, `client`, `maintenance`): Redis round trips.
    public static let redisRoundTrips = "durabletask_redis_round_trips_total"
    /// Counter, label `kind` (`lease`, `outbox`, `activity`): work recovered after a dead worker.
    public static let recoveries = "durabletask_recoveries_total"
    /// Gauge, label `partition`: instances ready to run.
    public static let backlogReady = "durabletask_backlog_ready_instances"
    /// Gauge, label `partition`: activities waiting or running.
    public static let backlogActivities = "durabletask_backlog_pending_activities"
    /// Gauge, label `partition`: durable timers already due.
    public static let backlogTimersDue = "durabletask_backlog_timers_due"

    // MARK: Host

    /// Counter, labels `route` and `code`: management API requests.
    public static let httpRequests = "durabletask_http_requests_total"
    /// Counter, labels `method` and `code`: gRPC sidecar requests.
    public static let grpcRequests = "durabletask_grpc_requests_total"
}
