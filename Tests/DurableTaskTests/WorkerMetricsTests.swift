import DurableTask
import DurableTaskTesting
import Logging
import MetricsTestKit
import Testing

/// The worker reports turns, cache hits vs replays, activities, failures and durations through swift-metrics.
@Suite("Worker metrics", .timeLimit(.minutes(3)))
struct WorkerMetricsTests {
    func run(cacheCapacity: Int, _ names: [String]) async throws -> TestMetrics {
        let metrics = TestMetrics()
        let store = InMemoryOrchestrationStore()
        let worker = DurableTaskWorker(
            store: store, registry: TestOrchestrations.registry(probe: TestProbe()),
            configuration: .init(runnerCacheCapacity: cacheCapacity, lockWaitTimeout: .milliseconds(50)),
            logger: Logger(label: "t"), metricsFactory: metrics)
        let client = DurableTaskClient(store: store)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            for name in names {
                let id = try await client.scheduleNewOrchestration(named: name)
                _ = try await client.waitForInstanceCompletion(id)
            }
            worker.stop()
            try await group.waitForAll()
        }
        return metrics
    }

    @Test func cachedWorkerCountsHitsAndActivities() async throws {
        // Chain: 4 turns (start + 3 activity results), 3 activities. Uncaught: 2 turns, 1 failed activity.
        let m = try await run(cacheCapacity: 100, ["Chain", "Uncaught"])
        #expect(m.counterTotal(label: MetricNames.turns) == 6)
        #expect(m.counterTotal(label: MetricNames.replays) == 2, "only each instance's first turn builds a runner")
        #expect(m.counterTotal(label: MetricNames.cacheHits) == 4)
        #expect(m.counterTotal(label: MetricNames.activities) == 4)
        #expect(m.counterTotal(label: MetricNames.failures, dimensions: [("kind", "activity")]) == 1)
        #expect(m.counterTotal(label: MetricNames.failures, dimensions: [("kind", "orchestration")]) == 1)
        let turnTimer = try m.expectTimer(MetricNames.turnDuration)
        #expect(turnTimer.values.count == 6)
        #expect(try m.expectTimer(MetricNames.activityDuration).values.count == 4)
        #expect(try m.expectTimer(MetricNames.dispatchLatency).values.count == 6)
    }

    @Test func uncachedWorkerReplaysEveryTurn() async throws {
        let m = try await run(cacheCapacity: 0, ["Chain"])
        #expect(m.counterTotal(label: MetricNames.replays) == 4)
        #expect(m.counterTotal(label: MetricNames.cacheHits) == 0)
    }
}
