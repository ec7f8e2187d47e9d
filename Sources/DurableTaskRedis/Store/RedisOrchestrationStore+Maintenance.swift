import DurableTask
import DurableTaskRedisClient
import Foundation
import Logging
import Metrics

extension RedisOrchestrationStore {
    /// Fires durable timers and recovers after dead workers, until the task is cancelled.
    ///
    /// Timers: a watcher blocks in `BLPOP` on the partitions' timer wake lists (every function that
    /// adds a timer pushes a token) and wakes the timer loop, which otherwise sleeps locally until
    /// the next due time. Redis wakes blocked clients' timeouts only on its 100 ms tick, so the
    /// precise wait happens here, and a timer fires within a few milliseconds of its due time.
    /// Recovery (expired leases, instances popped by a worker that died before locking them,
    /// outbox entries a worker could not deliver, activities whose lease expired) runs when the
    /// last scan saw something come due, and otherwise once per ``Configuration/recoveryInterval``
    /// (never less often than once per lease timeout); see ``recoveryScan()``. An idle hub costs
    /// one scan per period and one blocking read per ``Configuration/maxBlockingWait``.
    /// While Redis is unreachable both back off (100 ms doubling to 5 s, with jitter) and the
    /// store logs the outage once. Every worker runs this; the functions make the work idempotent.
    /// When it ends (the worker stopped), the store's blocking readers stop too.
    public func runMaintenance() async throws {
        let wake = WakeSignal()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.watchTimerWakeups(wake) }
            group.addTask { await self.timerAndRecoveryLoop(wake) }
            await group.next()
            group.cancelAll()
        }
        readers.stopAll()
    }

    /// Blocks on the timer wake lists and signals `wake` whenever a timer is added.
    private func watchTimerWakeups(_ wake: WakeSignal) async {
        let wakeKeys = (0..<keys.partitions).map(keys.timerWake)
        var backoff = RetryBackoff()
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                counters.add(.maintenance)
                let reply = try await blocking.withConnection { c in
                    try await c.send(["BLPOP"] + wakeKeys + [configuration.maxBlockingWait.redisSeconds])
                }
                health.succeeded(startedAt: started)
                backoff.reset()
                if !reply.isNull { wake.notifyAll() }
            } catch {
                if Task.isCancelled { break }
                health.failed(error, startedAt: started)
                await health.pause(backoff.next())
            }
        }
    }

    private func timerAndRecoveryLoop(_ wake: WakeSignal) async {
        var backoff = RetryBackoff()
        var nextScan = ContinuousClock.now
        var nextTimer: ContinuousClock.Instant?
        var timersChanged = true
        while !Task.isCancelled {
            let seen = wake.version
            let started = ContinuousClock.now
            do {
                if timersChanged || nextTimer.map({ $0 <= .now }) == true {
                    nextTimer = try await fireDueTimers().map(Self.instant)
                    timersChanged = false
                }
                if ContinuousClock.now >= nextScan {
                    let plan = try await recoveryScan()
                    nextScan = plan.nextScan
                    if let timer = plan.nextTimer.map(Self.instant) { nextTimer = min(nextTimer ?? timer, timer) }
                }
                health.succeeded(startedAt: started)
                backoff.reset()
                await wake.wait(after: seen, until: min(nextScan, nextTimer ?? nextScan))
                if wake.version != seen { timersChanged = true }
            } catch {
                if Task.isCancelled { break }
                health.failed(error, startedAt: started)
                await health.pause(backoff.next())
            }
        }
    }

    /// How late timers are delivered (``MetricNames/timerLateness``), through the process's metrics system.
    static let timerLateness = Metrics.Timer(label: MetricNames.timerLateness)

    /// The local instant of a wall-clock time.
    private static func instant(_ date: Date) -> ContinuousClock.Instant {
        .now + DurableTime.delay(seconds: date.timeIntervalSinceNow)
    }

    /// Delivers every due timer; returns the next due time, if any.
    func fireDueTimers() async throws -> Date? {
        let now = RedisCodec.millis(Date())
        counters.add(.maintenance)
        let replies = try await commands((0..<keys.partitions).map {
            ["ZRANGEBYSCORE", keys.timers($0), "-inf", now, "LIMIT", "0", "256"]
        })
        var calls: [DeliverMessageCall] = []
        let deliveredAt = Date()
        for (p, reply) in replies.enumerated() {
            for member in reply.stringArray?.compactMap({ $0 }) ?? [] {
                var message = try RedisCodec.decode(StoredMessage.self, member).message
                if let due = message.deliverAt {
                    // Clamped to 0 ... one year (a timer due in year 1 must not trap the conversion; NaN is 0).
                    let late = deliveredAt.timeIntervalSince(due)
                    Self.timerLateness.recordNanoseconds(late > 0 ? Int64(min(late, 31_536_000) * 1e9) : 0)
                }
                message.deliverAt = nil
                guard keys.partition(of: message.instanceId) == p else { continue }
                calls.append(try DeliverMessageCall(keys: keys, message: message, mode: .timer(member: member)))
            }
        }
        // Every due timer in one pipelined round trip; each delivery is its own atomic function call.
        for result in try await runPipelined(calls, .maintenance) { _ = try result.get() }
        counters.add(.maintenance)
        let heads = try await commands((0..<keys.partitions).map { ["ZRANGE", keys.timers($0), "0", "0", "WITHSCORES"] })
        let due = heads.compactMap { $0.stringArray?.last.flatMap { $0 }.flatMap(Double.init) }.min()
        return due.map { Date(timeIntervalSince1970: $0 / 1000) }
    }
}
