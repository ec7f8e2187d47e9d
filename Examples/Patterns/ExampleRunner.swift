package import DurableTask
import Logging

/// Runs one example on the in-memory store and prints its result: what each example target does.
package enum ExampleRunner {
    /// Starts `name` with `input`, runs `interact` while it runs (e.g. to raise events), waits for
    /// it to finish and prints `name → status: output`. Returns the finished instance.
    @discardableResult
    package static func run(
        _ name: String, input: some Encodable & Sendable = NoValue(), timeout: Duration = .seconds(60),
        register: (inout TaskRegistry) -> Void = { _ in },
        interact: @Sendable (DurableTaskClient, String) async throws -> Void = { _, _ in }
    ) async throws -> OrchestrationMetadata {
        var registry = TaskRegistry()
        ExampleCatalog.register(into: &registry)
        register(&registry)
        var logger = Logger(label: name)
        logger.logLevel = .warning
        let store = InMemoryOrchestrationStore()
        let worker = DurableTaskWorker(store: store, registry: registry, logger: logger)
        let client = DurableTaskClient(store: store)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            defer { worker.stop() }
            let id = try await client.scheduleNewOrchestration(named: name, input: input)
            try await interact(client, id)
            let done = try await client.waitForInstanceCompletion(id, timeout: timeout)
            if let failure = done.failureDetails {
                print("\(name) → \(done.runtimeStatus.rawValue): \(failure)")
            } else {
                print("\(name) → \(done.runtimeStatus.rawValue): \(done.output ?? "null")")
            }
            worker.stop()
            try await group.waitForAll()
            return done
        }
    }
}
