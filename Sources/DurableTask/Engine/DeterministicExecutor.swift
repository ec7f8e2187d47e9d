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
    // Safe: the queue and the abandoned flag are guarded by `state`'s Mutex; the owner thread
    // and the foreign-enqueue count are atomics; `spare` is used only inside `drain`, on the engine's thread.
    private struct State {
        var queue = Deque<UnownedJob>()
        var abandoned = false
    }

    private let state = Mutex(State())
    private let owner = Atomic<UInt>(0)
    private let foreign = Atomic<Int>(0)
    /// The drain buffer; touched only by the draining (engine) thread.
    private var spare = Deque<UnownedJob>()
    /// Runs jobs that arrive after the episode was abandoned, one at a time.
    private let cleanupQueue = DispatchQueue(label: "durabletask.abandoned-episode")

    private static var currentThread: UInt { UInt(bitPattern: Int(bitPattern: pthread_self())) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let onOwner = owner.load(ordering: .acquiring) == Self.currentThread
        let runElsewhere = state.withLock { s -> Bool in
            if s.abandoned && !onOwner { return true }
            s.queue.append(job)
            return false
        }
        if runElsewhere {
            cleanupQueue.async { [self] in
                job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
            }
        } else if !onOwner {
            foreign.add(1, ordering: .relaxed)
        }
    }

    /// Marks the calling thread as the engine's thread for the duration of `body`.
    func withOwnership<R>(_ body: () throws -> R) rethrows -> R {
        let previous = owner.exchange(Self.currentThread, ordering: .acquiringAndReleasing)
        defer { owner.store(previous, ordering: .releasing) }
        return try body()
    }

    /// Whether the calling thread is the engine's thread.
    var isOnOwnerThread: Bool { owner.load(ordering: .acquiring) == Self.currentThread }

    /// Runs queued jobs until the queue is empty or `limit` jobs have run. Returns the number run.
    @discardableResult
    func drain(limit: Int = 1_000_000) -> Int {
        var count = 0
        // Double buffering: swap the queue with the (empty) spare, run the spare, repeat.
        // Only the engine's thread drains, so `spare` needs no lock.
        while count < limit {
            state.withLock { swap(&$0.queue, &spare) }
            if spare.isEmpty { break }
            while let job = spare.popFirst() {
                job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
                count += 1
            }
        }
        return count
    }

    /// The number of jobs enqueued from foreign threads so far.
    var foreignEnqueues: Int { foreign.load(ordering: .relaxed) }

    /// From now on, jobs that arrive from other threads run on a private serial queue.
    func markAbandoned() {
        let leftovers = state.withLock { s -> Deque<UnownedJob> in
            s.abandoned = true
            let q = s.queue
            s.queue.removeAll()
            return q
        }
        for job in leftovers {
            cleanupQueue.async { [self] in
                job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
            }
        }
    }
}
