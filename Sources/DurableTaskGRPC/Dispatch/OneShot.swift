import SwiftProtobuf
import Synchronization

/// A signal that fires once; one task waits for it, with a time limit.
final class OneShot: Sendable {
    private struct State {
        var fired = false
        var cancelled = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Fires the signal; later calls do nothing.
    func fire() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard !s.fired else { return nil }
            s.fired = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Waits until the signal fires, the time limit passes or the task is cancelled.
    /// - Returns: whether the signal fired.
    func wait(timeout: Duration) async -> Bool {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                        let resumeNow = self.state.withLock { s -> Bool in
                            if s.fired || s.cancelled { return true }
                            s.waiter = c
                            return false
                        }
                        if resumeNow { c.resume() }
                    }
                } onCancel: {
                    let waiter = self.state.withLock { s -> CheckedContinuation<Void, Never>? in
                        s.cancelled = true
                        defer { s.waiter = nil }
                        return s.waiter
                    }
                    waiter?.resume()
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return state.withLock { $0.fired }
    }
}
