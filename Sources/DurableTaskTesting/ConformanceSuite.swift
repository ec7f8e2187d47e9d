public import DurableTask

/// Options a conformance scenario asks of the store it gets.
public struct StoreOptions: Sendable {
    /// The lease timeout the store must use.
    public var leaseTimeout: Duration

    /// Creates options.
    public init(leaseTimeout: Duration = .seconds(30)) {
        self.leaseTimeout = leaseTimeout
    }
}

/// Makes a fresh, empty store (its own task hub) for one scenario.
public typealias StoreFactory = @Sendable (StoreOptions) async throws -> any OrchestrationStore

/// One end-to-end behaviour every store must show.
public struct ConformanceScenario: Sendable, CustomStringConvertible {
    /// The scenario's name.
    public let name: String
    let body: @Sendable (StoreFactory) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (StoreFactory) async throws -> Void) {
        self.name = name
        self.body = body
    }

    /// Runs the scenario against stores from `makeStore`. Throws on any failed requirement.
    public func run(_ makeStore: StoreFactory) async throws {
        try await body(makeStore)
    }

    /// The scenario's name, as test reports show it.
    public var description: String { name }
}

/// The conformance suite: every store must pass every scenario.
///
/// ```swift
/// @Test(arguments: ConformanceSuite.scenarios)
/// func conformance(_ scenario: ConformanceScenario) async throws {
///     try await scenario.run { options in MyStore(leaseTimeout: options.leaseTimeout) }
/// }
/// ```
public enum ConformanceSuite {
    /// All scenarios.
    public static var scenarios: [ConformanceScenario] {
        basics + events + lifecycle + instances + leases + entities + entityLocks + poison + schedules
    }

    /// Runs `body` on a fresh store with one worker.
    static func withHost<R: Sendable>(
        _ makeStore: StoreFactory, options: StoreOptions = StoreOptions(), workers: Int = 1,
        configuration: DurableTaskWorker.Configuration = .init(lockWaitTimeout: .milliseconds(200)),
        _ body: (TestHost) async throws -> R
    ) async throws -> R {
        let store = try await makeStore(options)
        try await store.createTaskHub()
        return try await TestHost.run(store: store, workerCount: workers, configuration: configuration, body)
    }
}
