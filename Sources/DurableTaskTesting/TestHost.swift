public import DurableTask
public import Logging
import Synchronization

/// A store with workers and a client, for tests. Workers run in a task group that the
/// host's scope owns; leaving the scope stops them.
public struct TestHost: Sendable {
    /// The store under test.
    public let store: any OrchestrationStore
    /// A client on the store.
    public let client: DurableTaskClient
    /// The registry the workers use.
    public let registry: TaskRegistry
    /// Shared state the test orchestrations and activities write to.
    public let probe: TestProbe

    /// Runs `body` with `workerCount` workers serving `store`.
    ///
    /// The registry holds the conformance suite's test orchestrations and activities, plus what
    /// `register` adds.
    /// - Parameter logger: the workers' logger; by default one that discards everything.
    public static func run<R: Sendable>(
        store: any OrchestrationStore, workerCount: Int = 1,
        configuration: DurableTaskWorker.Configuration = .init(lockWaitTimeout: .milliseconds(200)),
        probe: TestProbe = TestProbe(),
        register: (inout TaskRegistry) -> Void = { _ in },
        logger: Logger = Logger(label: "durabletask.test", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ body: (TestHost) async throws -> R
    ) async throws -> R {
        var registry = TestOrchestrations.registry(probe: probe)
        register(&registry)
        let host = TestHost(store: store, client: DurableTaskClient(store: store), registry: registry, probe: probe)
        let workers = (0..<workerCount).map { _ in
            DurableTaskWorker(store: store, registry: registry, configuration: configuration, logger: logger)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in workers { group.addTask { try await worker.run() } }
            defer {
                for worker in workers { worker.stop() }
                group.cancelAll()
            }
            return try await body(host)
        }
    }

    /// Starts an orchestration by name and waits for it to finish.
    public func runToCompletion(
        _ name: String, input: some Encodable = NoValue(), instanceId: String? = nil, timeout: Duration = .seconds(20)
    ) async throws -> OrchestrationMetadata {
        let id = try await client.scheduleNewOrchestration(
            named: name, input: input, options: .init(instanceId: instanceId))
        return try await client.waitForInstanceCompletion(id, timeout: timeout)
    }
}

/// Shared, thread-safe state for test orchestrations and activities (attempt counts and the like).
public final class TestProbe: Sendable {
    private let counters = Mutex<[String: Int]>([:])

    /// Creates an empty probe.
    public init() {}

    /// Increments a counter and returns its new value.
    @discardableResult
    public func increment(_ key: String) -> Int {
        counters.withLock { c in
            c[key, default: 0] += 1
            return c[key]!
        }
    }

    /// Reads a counter.
    public func count(_ key: String) -> Int { counters.withLock { $0[key] ?? 0 } }
}
