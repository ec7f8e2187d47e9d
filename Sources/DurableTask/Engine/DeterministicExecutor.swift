import Dispatch
import DequeModule
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The executor orchestrator code runs on.
///
/// Jobs are queued FIFO and run only when the engine drains the queue, on the engine's
/// own thread, so `async let`, task groups and the engine's own `whenAll` interleave in
/// the same order on every replay. Quiescence is exact: the queue is empty.
///
/// A job enqueued from any thread other than the one currently running the engine means
/// that orchestrator code awaited something non-durable (`Task.sleep`, `Task.detached`,
/// an actor, a continuation resumed elsewhere). Such enqueues are counted so the engine
/// can fail the instance loudly.
final class DeterministicExecutor: TaskExecutor, SerialExecutor, @unchecked Sendable {
    // Safe: all mutable state lives in `state`, guarded by its Mutex.
    private struct State {
        var queue = Deque<UnownedJob>()
        var owner: pthread_t?
        var foreignEnqueues = 0
        var abandoned = false
    }

    private let state = Mutex(State())
    /// Runs jobs that arrive after the episode was abandoned, one at a time.
    private let cleanupQueue = DispatchQueue(label: "durabletask.abandoned-episode")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let runElsewhere = state.withLock { s -> Bool in
            let onOwner = s.owner.map { pthread_equal($0, pthread_self()) != 0 } ?? false
            if s.abandoned && !onOwner { return true }
            if !onOwner { s.foreignEnqueues += 1 }
            s.queue.append(job)
            return false
        }
        if runElsewhere {
            cleanupQueue.async { [self] in
                job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
            }
        }
    }

    /// Marks the calling thread as the engine's thread for the duration of `body`.
    func withOwnership<R>(_ body: () throws -> R) rethrows -> R {
        let previous = state.withLock { s -> pthread_t? in
            let p = s.owner
            s.owner = pthread_self()
            return p
        }
        defer { state.withLock { $0.owner = previous } }
        return try body()
    }

    /// Whether the calling thread is the engine's thread.
    var isOnOwnerThread: Bool {
        state.withLock { s in s.owner.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    /// Runs queued jobs until the queue is empty or `limit` jobs have run. Returns the number run.
    @discardableResult
    func drain(limit: Int = 1_000_000) -> Int {
        var count = 0
        while count < limit {
            guard let job = state.withLock({ $0.queue.popFirst() }) else { break }
            job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
            count += 1
        }
        return count
    }

    /// The number of jobs enqueued from foreign threads so far.
    var foreignEnqueues: Int { state.withLock { $0.foreignEnqueues } }

    /// From now on, jobs that arrive from other threads run on a private serial queue.
    func markAbandoned() {
        let leftovers = state.withLock { s -> Deque<UnownedJob> in
            s.abandoned = true
            return s.owner == nil ? s.queue : []
        }
        if !leftovers.isEmpty {
            state.withLock { $0.queue.removeAll() }
            for job in leftovers {
                cleanupQueue.async { [self] in
                    job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
                }
            }
        }
    }
}
