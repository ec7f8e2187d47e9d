import DequeModule
import DurableTask
import Synchronization

/// Work a store found for its dispatch loops, handed to the loops that wait for it, first come
/// first served: instance IDs its reader popped or a commit took, turns a completion leased,
/// activities fetched. It also tells the store's reader how many loops wait, so the reader
/// blocks in Redis only for them (one blocking read for all loops of a kind).
final class WorkFeed<Item: Sendable>: Sendable {
    private struct Waiter {
        let id: UInt64
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Item?, Never>
    }

    private struct State {
        var items = Deque<Item>()
        var waiters: [Waiter] = []
        var lastId: UInt64 = 0
        /// The task that ends waits at their deadlines, and when it wakes next.
        var sweeper: Task<Void, Never>?
        var sweepAt: ContinuousClock.Instant?
        /// Which sweeper is current (a replaced one leaves the state alone).
        var sweeperGeneration: UInt64 = 0
    }

    private let state = Mutex(State())
    /// Signalled whenever a loop starts waiting.
    private let demand = WakeSignal()

    init() {}

    /// Hands `items` to waiting loops in the order they came; keeps the rest for the next callers.
    func put(_ items: [Item]) {
        guard !items.isEmpty else { return }
        let handed = state.withLock { s -> [(Waiter, Item)] in
            var handed: [(Waiter, Item)] = []
            for item in items {
                if s.waiters.isEmpty {
                    s.items.append(item)
                } else {
                    handed.append((s.waiters.removeFirst(), item))
                }
            }
            return handed
        }
        for (waiter, item) in handed { waiter.continuation.resume(returning: item) }
    }

    /// The next item: one kept, or the next one put before `deadline`. `nil` at the deadline,
    /// after ``nudge()``, or when the task is cancelled.
    func next(until deadline: ContinuousClock.Instant) async -> Item? {
        let id = state.withLock { s -> UInt64 in
            s.lastId &+= 1
            return s.lastId
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Item?, Never>) in
                let outcome = state.withLock { s -> Item?? in
                    if let item = s.items.popFirst() { return .some(item) }
                    if Task.isCancelled || ContinuousClock.now >= deadline { return .some(nil) }
                    s.waiters.append(Waiter(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let outcome {
                    continuation.resume(returning: outcome)
                    return
                }
                demand.notifyAll()
                armSweeper(for: deadline)
            }
        } onCancel: {
            self.release(id)
        }
    }

    /// Wakes every waiting loop with `nil`, so each looks again (for work found another way).
    func nudge() {
        let all = state.withLock { s -> [Waiter] in
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for waiter in all { waiter.continuation.resume(returning: nil) }
    }

    /// Takes every kept item (when the store closes).
    func drain() -> [Item] {
        state.withLock { s in
            defer { s.items.removeAll() }
            return Array(s.items)
        }
    }

    /// Waits until more loops wait than there are items for them and returns how many more;
    /// returns 0 if the task is cancelled first.
    func unmetDemand() async -> Int {
        while !Task.isCancelled {
            let seen = demand.version
            let unmet = state.withLock { max(0, $0.waiters.count - $0.items.count) }
            if unmet > 0 { return unmet }
            await demand.wait(after: seen, until: .now + .seconds(3_600))
        }
        return 0
    }

    /// Resumes one waiter with `nil` (its task was cancelled).
    private func release(_ id: UInt64) {
        let waiter = state.withLock { s -> Waiter? in
            guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: nil)
    }

    /// Makes sure a sweeper wakes by `deadline`. One sweeper serves every waiter: loops wait with
    /// the same timeout, so a new deadline is rarely earlier than the planned wake-up, and a wait
    /// that ends with work costs no timer of its own.
    private func armSweeper(for deadline: ContinuousClock.Instant) {
        let replaced = state.withLock { s -> Task<Void, Never>? in
            if s.sweeper != nil, let at = s.sweepAt, at <= deadline { return nil }
            let old = s.sweeper
            s.sweeperGeneration &+= 1
            let generation = s.sweeperGeneration
            s.sweepAt = deadline
            s.sweeper = Task { await self.sweep(from: deadline, generation: generation) }
            return old
        }
        replaced?.cancel()
    }

    /// Ends the waits whose deadline passed, sleeping until the next one, while any loop waits.
    private func sweep(from first: ContinuousClock.Instant, generation: UInt64) async {
        var wake = first
        while true {
            do { try await Task.sleep(until: wake, clock: .continuous) } catch { return }
            let now = ContinuousClock.now
            let (expired, next) = state.withLock { s -> ([Waiter], ContinuousClock.Instant?) in
                guard s.sweeperGeneration == generation else { return ([], nil) }
                let expired = s.waiters.filter { $0.deadline <= now }
                s.waiters.removeAll { $0.deadline <= now }
                let next = s.waiters.map(\.deadline).min()
                s.sweepAt = next
                if next == nil { s.sweeper = nil }
                return (expired, next)
            }
            for waiter in expired { waiter.continuation.resume(returning: nil) }
            guard let next else { return }
            wake = next
        }
    }
}
