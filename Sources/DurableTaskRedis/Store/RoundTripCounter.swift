import Synchronization

/// Counts Redis round trips made by the store (benchmarks read it to report trips per turn).
public final class RoundTripCounter: Sendable {
    private let count = Atomic<Int>(0)

    init() {}

    func add(_ n: Int = 1) { count.add(n, ordering: .relaxed) }

    /// Round trips so far.
    public var value: Int { count.load(ordering: .relaxed) }
}

extension RedisOrchestrationStore {
    /// Round trips this store has made (scripts, reads and blocking waits).
    public var roundTrips: RoundTripCounter { counters }
}
