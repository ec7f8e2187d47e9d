import DurableTask
import DurableTaskRedis
import Metrics
import Synchronization

/// Turns what the Redis store reads or counts into metrics at scrape time: round trips by
/// purpose (counters, advanced by the change since the last scrape) and the backlog per partition
/// (gauges).
final class StoreMetrics: Sendable {
    private let store: RedisOrchestrationStore
    private let reported = Mutex<[RoundTripCounter.Category: Int]>([:])

    init(store: RedisOrchestrationStore) {
        self.store = store
    }

    func refresh() async {
        for category in RoundTripCounter.Category.allCases {
            let now = store.roundTrips.value(category)
            let delta = reported.withLock { seen in
                defer { seen[category] = now }
                return now - (seen[category] ?? 0)
            }
            if delta > 0 {
                Counter(label: MetricNames.redisRoundTrips, dimensions: [("purpose", Self.name(category))]).increment(by: delta)
            }
        }
        guard let backlog = try? await store.backlog() else { return }
        for partition in backlog {
            let labels = [("partition", String(partition.partition))]
            Gauge(label: MetricNames.backlogReady, dimensions: labels).record(partition.readyInstances)
            Gauge(label: MetricNames.backlogActivities, dimensions: labels).record(partition.pendingActivities)
            Gauge(label: MetricNames.backlogTimersDue, dimensions: labels).record(partition.timersDue)
        }
    }

    private static func name(_ category: RoundTripCounter.Category) -> String {
        switch category {
        case .orchestration: "orchestration"
        case .activity: "activity"
        case .client: "client"
        case .maintenance: "maintenance"
        }
    }
}
