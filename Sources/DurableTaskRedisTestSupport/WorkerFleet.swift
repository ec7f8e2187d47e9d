import Foundation

/// Several `durable-test-worker` processes on one task hub, with a supervisor's restart: each
/// worker that died (or was killed) is started again by ``restartDead()``.
///
/// `@unchecked Sendable`: all mutable state is guarded by `lock`; ``restartDead()`` is called
/// by one task at a time.
public final class WorkerFleet: @unchecked Sendable {
    /// The arguments every worker gets.
    public let url: String, hub: String, partitions: Int, leaseMs: Int
    /// Extra environment for every worker (e.g. `DURABLE_CHAOS_RUN_LOG`).
    public let environment: [String: String]
    private let lock = NSLock()
    private var _workers: [WorkerProcess] = []
    private var _deaths = 0

    /// Starts `size` workers; they serve once each printed "ready" (see ``waitUntilReady(timeout:)``).
    public init(url: String, hub: String, partitions: Int, leaseMs: Int, size: Int, environment: [String: String] = [:]) async throws {
        (self.url, self.hub, self.partitions, self.leaseMs, self.environment) = (url, hub, partitions, leaseMs, environment)
        for _ in 0..<size {
            let worker = try await startOne()
            lock.withLock { _workers.append(worker) }
        }
    }

    /// The current workers, one per slot.
    public var workers: [WorkerProcess] { lock.withLock { _workers } }
    /// How many workers ``restartDead()`` found dead, in total.
    public var deaths: Int { lock.withLock { _deaths } }

    private func startOne() async throws -> WorkerProcess {
        try await WorkerProcess.start(url: url, hub: hub, partitions: partitions, leaseMs: leaseMs, environment: environment)
    }

    /// Waits until every current worker printed "ready".
    public func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        for w in workers { try await w.waitForLine("ready", timeout: timeout) }
    }

    /// Restarts the workers that exited; returns how many did.
    @discardableResult
    public func restartDead() async throws -> Int {
        var died = 0
        for (slot, worker) in workers.enumerated() where worker.hasExited {
            let replacement = try await startOne()
            lock.withLock { _workers[slot] = replacement }
            died += 1
        }
        lock.withLock { _deaths += died }
        return died
    }

    /// SIGKILLs every worker (by PID), without waiting (for `defer`).
    public func stop() { for w in workers { w.killNow() } }
}
