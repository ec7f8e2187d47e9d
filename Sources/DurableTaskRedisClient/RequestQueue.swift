import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The state a connection shares between calling tasks and its I/O thread: the queue
/// of waiting requests, the closing flag, the current socket (so `close()` can wake a
/// thread blocked in a read) and the thread-exit waiters.
///
/// `@unchecked Sendable`: every stored `var` is read and written only while `lock`
/// is held; `hasPending` is an atomic.
final class RequestQueue: @unchecked Sendable {
    private let lock = ConditionLock()
    private var pending: [ConnectionRequest] = []
    private var closing = false
    private var workerWaiting = false
    private var socket: Int32 = -1
    private var exited = false
    private var exitWaiters: [UnsafeContinuation<Void, Never>] = []
    /// Mirrors `!pending.isEmpty` (written under the lock) so the I/O thread can check
    /// for newcomers between replies without taking the lock.
    private let hasPending = Atomic<Bool>(false)

    static let closedError = RedisError(code: .connectionClosed, message: "the connection has been closed")

    init() {
        pending.reserveCapacity(64)
    }

    /// Adds a request and wakes the I/O thread if it is parked. Fails the request at
    /// once if the connection is closing.
    @inline(__always)
    func enqueue(_ request: ConnectionRequest) {
        lock.lock()
        if closing {
            lock.unlock()
            request.fail(Self.closedError)
            return
        }
        pending.append(request)
        hasPending.store(true, ordering: .relaxed)
        let wake = workerWaiting
        workerWaiting = false
        lock.unlock()
        if wake { lock.signal() }
    }

    /// Called by the I/O thread: parks until at least one request is queued or the
    /// connection is closing, then moves every queued request into `batch` (which
    /// must be empty). Returns `false` when closing (the batch still gets the requests).
    func takeAll(into batch: inout [ConnectionRequest]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        while pending.isEmpty && !closing {
            workerWaiting = true
            lock.wait()
        }
        workerWaiting = false
        swap(&pending, &batch)
        hasPending.store(false, ordering: .relaxed)
        return !closing
    }

    /// Moves every queued request into `batch` without waiting.
    func takeAllNow(into batch: inout [ConnectionRequest]) {
        lock.withLock {
            batch.append(contentsOf: pending)
            pending.removeAll(keepingCapacity: true)
            hasPending.store(false, ordering: .relaxed)
        }
    }

    /// A lock-free hint that requests are queued (may be momentarily stale).
    @inline(__always)
    var mayHavePending: Bool {
        hasPending.load(ordering: .relaxed)
    }

    /// Whether `close()` has been requested.
    var isClosing: Bool {
        lock.withLock { closing }
    }

    /// Marks the connection closing, wakes the I/O thread and shuts the socket down so
    /// a blocked read (for example `BLPOP 0`) returns. Idempotent.
    func requestClose() {
        lock.lock()
        if closing {
            lock.unlock()
            return
        }
        closing = true
        if socket >= 0 {
            shutdown(socket, Int32(SHUT_RDWR))
        }
        lock.unlock()
        lock.broadcast()
    }

    /// Records the connected socket (or -1 before the I/O thread frees it). The thread
    /// must publish -1 *before* closing the descriptor, so `requestClose` never shuts
    /// down a reused descriptor. Returns `false` if the connection is already closing.
    @discardableResult
    func publishSocket(_ descriptor: Int32) -> Bool {
        lock.withLock {
            socket = descriptor
            return !closing
        }
    }

    /// Sleeps the I/O thread for `nanoseconds` unless the connection starts closing.
    /// Returns `false` if it is closing.
    func sleep(nanoseconds: UInt64) -> Bool {
        let deadline = monotonicNanoseconds() + nanoseconds
        lock.lock()
        defer { lock.unlock() }
        while !closing && monotonicNanoseconds() < deadline {
            lock.wait(untilMonotonicNanoseconds: deadline)
        }
        return !closing
    }

    /// Called by the I/O thread as its last action: rejects new requests and resumes
    /// everyone waiting in ``waitForExit()``.
    func markExited() {
        let waiters: [UnsafeContinuation<Void, Never>] = lock.withLock {
            closing = true
            exited = true
            socket = -1
            defer { exitWaiters = [] }
            return exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Suspends until the I/O thread has exited.
    func waitForExit() async {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            lock.lock()
            if exited {
                lock.unlock()
                continuation.resume()
            } else {
                exitWaiters.append(continuation)
                lock.unlock()
            }
        }
    }
}
