import Synchronization

/// Counts Redis round trips made by a store, by purpose, so benchmarks can report trips per turn.
public final class RoundTripCounter: Sendable {
    /// What a round trip was for.
    public enum Category: Int, CaseIterable, Sendable {
        /// Taking and committing orchestration turns: ready-list pops, lock, commit, history reads, routing.
        case orchestration
        /// Fetching, renewing and completing activities.
        case activity
        /// Client calls: create, raise, read, wait, query, purge.
        case client
        /// Timers and recovery.
        case maintenance
    }

    private let orchestration = Atomic<Int>(0)
    private let activity = Atomic<Int>(0)
    private let client = Atomic<Int>(0)
    private let maintenance = Atomic<Int>(0)

    private func counter<R>(_ category: Category, _ body: (borrowing Atomic<Int>) -> R) -> R {
        switch category {
        case .orchestration: body(orchestration)
        case .activity: body(activity)
        case .client: body(client)
        case .maintenance: body(maintenance)
        }
    }

    init() {}

    func add(_ category: Category, _ n: Int = 1) { counter(category) { _ = $0.add(n, ordering: .relaxed) } }

    /// Round trips so far in one category.
    public func value(_ category: Category) -> Int { counter(category) { $0.load(ordering: .relaxed) } }

    /// Round trips so far in all categories.
    public var total: Int { Category.allCases.reduce(0) { $0 + value($1) } }
}

extension RedisOrchestrationStore {
    /// Round trips this store has made, by category.
    public var roundTrips: RoundTripCounter { counters }
}
