import DurableTask
import DurableTaskRedis
import Logging

/// Runs `body` while `worker` serves, then stops the worker.
func whileRunning<T: Sendable>(_ worker: DurableTaskWorker, _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await worker.run() }
        defer {
            worker.stop()
            group.cancelAll()
        }
        return try await body()
    }
}

/// A task hub on a Redis: a store for the worker, one for the client, and the worker (8
/// orchestration and 16 activity loops) serving `registry`.
struct BenchHub {
    let workerStore: RedisOrchestrationStore
    let clientStore: RedisOrchestrationStore
    let worker: DurableTaskWorker
    let client: DurableTaskClient

    static func connect(url: String, hub: String, registry: TaskRegistry, logger: Logger) async throws -> BenchHub {
        let configuration = RedisOrchestrationStore.Configuration(taskHub: hub, partitions: 4)
        let workerStore = try await RedisOrchestrationStore.connect(url: url, configuration: configuration, poolSize: 2, logger: logger)
        let clientStore = try await RedisOrchestrationStore.connect(url: url, configuration: configuration, poolSize: 2, logger: logger)
        try await workerStore.createTaskHub()
        let worker = DurableTaskWorker(
            store: workerStore, registry: registry,
            configuration: .init(orchestrationConcurrency: 8, activityConcurrency: 16), logger: logger)
        return BenchHub(workerStore: workerStore, clientStore: clientStore, worker: worker, client: DurableTaskClient(store: clientStore))
    }

    /// Runs `body` while the worker serves.
    func serving<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await whileRunning(worker, body)
    }

    func close() async {
        await workerStore.close()
        await clientStore.close()
    }
}
