package import Logging
import Synchronization

/// Whether something that loops keep retrying (the store, Redis) works. It logs once when it
/// starts failing and once when it works again, not once per attempt, and wakes the loops that
/// back off as soon as one of them succeeds.
///
/// An attempt only changes the state if it started after the last change: a call that began
/// before an outage and succeeds during it (or failed before the recovery and reports after
/// it) does not flap the state.
package final class OutageMonitor: Sendable {
    private struct State {
        var down = false
        var changedAt = ContinuousClock.now
    }

    private let logger: Logger
    private let downMessage: Logger.Message
    private let upMessage: Logger.Message
    /// Mirrors `state.down`, so a success while nothing is down costs one atomic load.
    private let down = Atomic<Bool>(false)
    private let state = Mutex(State())
    private let wake = WakeSignal()

    /// - Parameters:
    ///   - down: logged (error) on the first failure after a success.
    ///   - up: logged (notice) on the first success after a failure.
    package init(down: Logger.Message, up: Logger.Message, logger: Logger) {
        self.logger = logger
        self.downMessage = down
        self.upMessage = up
    }

    /// Whether the last state change was to failing.
    package var isDown: Bool { down.load(ordering: .relaxed) }

    /// Records that an attempt begun at `started` failed; logs only if this makes the state change.
    package func failed(_ error: any Error, startedAt started: ContinuousClock.Instant) {
        guard !isDown, change(to: true, startedAt: started) else { return }
        logger.error(downMessage, metadata: [LogKeys.error: "\(error)"])
    }

    /// Records that an attempt begun at `started` succeeded; logs, and wakes the loops in
    /// ``pause(_:)``, only if this makes the state change. Cheap when nothing is down.
    package func succeeded(startedAt started: ContinuousClock.Instant) {
        guard isDown, change(to: false, startedAt: started) else { return }
        logger.notice(upMessage)
        wake.notifyAll()
    }

    /// Waits `delay`, or less: until an attempt succeeds, ``interrupt()`` is called, or the task
    /// is cancelled.
    package func pause(_ delay: Duration) async {
        let seen = wake.version
        guard isDown else { return }
        await wake.wait(after: seen, until: .now + delay)
    }

    /// Ends every ``pause(_:)`` now (on shutdown).
    package func interrupt() { wake.notifyAll() }

    private func change(to failing: Bool, startedAt started: ContinuousClock.Instant) -> Bool {
        state.withLock { s in
            guard s.down != failing, started >= s.changedAt else { return false }
            s.down = failing
            s.changedAt = .now
            down.store(failing, ordering: .relaxed)
            return true
        }
    }
}
