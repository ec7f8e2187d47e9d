import Synchronization

/// A versioned broadcast signal: waiters sleep until the version moves past the one they saw,
/// a deadline passes, or their task is cancelled. No polling. Stores use it to wake their own
/// waiting loops.
package final class WakeSignal: Sendable {
    private struct State {
        var version: UInt64 = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Creates a signal.
    package init() {}

    /// The current version; pass it to ``wait(after:until:)`` to avoid lost wake-ups.
    package var version: UInt64 { state.withLock { $0.version } }

    /// Wakes every waiter.
    package func notifyAll() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.version &+= 1
            let w = Array(s.waiters.values)
            s.waiters.removeAll()
            return w
        }
        for w in waiters { w.resume() }
    }

    /// Returns when the version differs from `seen`, at `deadline`, or on cancellation.
    package func wait(after seen: UInt64, until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForNotify(after: seen) }
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForNotify(after seen: UInt64) async {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiter &+= 1
            return s.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.version != seen || Task.isCancelled { return true }
                    s.waiters[id] = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            let c = state.withLock { $0.waiters.removeValue(forKey: id) }
            c?.resume()
        }
    }
}
