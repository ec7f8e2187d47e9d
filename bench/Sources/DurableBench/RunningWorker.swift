import DurableTask

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
