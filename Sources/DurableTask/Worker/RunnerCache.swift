import Synchronization

/// A bounded LRU cache of suspended orchestration runners, so a new event resumes an
/// instance without replaying its history. Evicted runners are abandoned (nothing leaks).
final class RunnerCache: Sendable {
    private struct Entry {
        var runner: OrchestrationRunner
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var clock: UInt64 = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Removes and returns the runner for an instance, if cached.
    func take(_ instanceId: String) -> OrchestrationRunner? {
        state.withLock { $0.entries.removeValue(forKey: instanceId)?.runner }
    }

    /// Caches a runner, evicting the least recently used ones beyond capacity.
    func put(_ runner: OrchestrationRunner) {
        guard capacity > 0 else {
            runner.abandon()
            return
        }
        let evicted = state.withLock { s -> [OrchestrationRunner] in
            s.clock += 1
            s.entries[runner.instanceId] = Entry(runner: runner, lastUse: s.clock)
            var out: [OrchestrationRunner] = []
            while s.entries.count > capacity {
                guard let oldest = s.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) else { break }
                s.entries.removeValue(forKey: oldest.key)
                out.append(oldest.value.runner)
            }
            return out
        }
        for r in evicted { r.abandon() }
    }

    /// Removes and abandons `runner` if it is still cached. If another turn took it meanwhile,
    /// that turn owns it (and discards it when its history length does not match the store).
    func remove(_ runner: OrchestrationRunner) {
        let removed = state.withLock { s -> Bool in
            guard s.entries[runner.instanceId]?.runner === runner else { return false }
            s.entries.removeValue(forKey: runner.instanceId)
            return true
        }
        if removed { runner.abandon() }
    }

    /// Abandons every cached runner.
    func removeAll() {
        let all = state.withLock { s -> [OrchestrationRunner] in
            let r = s.entries.values.map(\.runner)
            s.entries.removeAll()
            return r
        }
        for r in all { r.abandon() }
    }

    var count: Int { state.withLock { $0.entries.count } }
}
