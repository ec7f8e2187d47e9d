public import DurableTask
import Foundation
import Logging

extension RedisOrchestrationStore {
    /// Fires durable timers and recovers after dead workers, until the task is cancelled.
    ///
    /// Timers: a watcher blocks in `BLPOP` on the partitions' timer wake lists (every script that
    /// adds a timer pushes a token) and wakes the timer loop, which otherwise sleeps locally until
    /// the next due time. Redis wakes blocked clients' timeouts only on its 100 ms tick, so the
    /// precise wait happens here, and a timer fires within a few milliseconds of its due time.
    /// Recovery (expired leases, instances popped by a worker that died before locking them,
    /// outbox entries a worker could not deliver) runs once per ``Configuration/recoveryInterval``.
    /// Every worker runs this; the scripts make the work idempotent.
    public func runMaintenance() async throws {
        let wake = WakeSignal()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.watchTimerWakeups(wake) }
            group.addTask { await self.timerAndRecoveryLoop(wake) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Blocks on the timer wake lists and signals `wake` whenever a timer is added.
    private func watchTimerWakeups(_ wake: WakeSignal) async {
        let wakeKeys = (0..<keys.partitions).map(keys.timerWake)
        while !Task.isCancelled {
            do {
                counters.add(.maintenance)
                let reply = try await blocking.withConnection { c in
                    try await c.send(["BLPOP"] + wakeKeys + [configuration.maxBlockingWait.redisSeconds])
                }
                if !reply.isNull { wake.notifyAll() }
            } catch {
                if Task.isCancelled { break }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func timerAndRecoveryLoop(_ wake: WakeSignal) async {
        var lastRecovery = ContinuousClock.now - configuration.recoveryInterval
        while !Task.isCancelled {
            do {
                let seen = wake.version
                let nextDue = try await fireDueTimers()
                if ContinuousClock.now - lastRecovery >= configuration.recoveryInterval {
                    try await recover()
                    lastRecovery = ContinuousClock.now
                }
                var until = lastRecovery + configuration.recoveryInterval
                if let nextDue {
                    let untilDue = DurableTime.delay(seconds: nextDue.timeIntervalSinceNow)
                    until = min(until, ContinuousClock.now + untilDue)
                }
                await wake.wait(after: seen, until: until)
            } catch {
                if Task.isCancelled { break }
                logger.error("maintenance loop failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Delivers every due timer; returns the next due time, if any.
    func fireDueTimers() async throws -> Date? {
        let now = RedisCodec.millis(Date())
        counters.add(.maintenance)
        let replies = try await commands((0..<keys.partitions).map {
            ["ZRANGEBYSCORE", keys.timers($0), "-inf", now, "LIMIT", "0", "256"]
        })
        var calls: [(instance: String, name: String?, arguments: [String])] = []
        for (p, reply) in replies.enumerated() {
            for member in reply.stringArray?.compactMap({ $0 }) ?? [] {
                var message = try RedisCodec.decode(StoredMessage.self, member).message
                message.deliverAt = nil
                guard keys.partition(of: message.instanceId) == p else { continue }
                calls.append((message.instanceId, startName(message), try deliverArguments(message, mode: "timer", token: member)))
            }
        }
        // Every due timer in one pipelined round trip; each delivery is its own atomic script.
        for result in try await runPipelined(LuaScripts.deliverMessage, .maintenance, calls) { _ = try result.get() }
        counters.add(.maintenance)
        let heads = try await commands((0..<keys.partitions).map { ["ZRANGE", keys.timers($0), "0", "0", "WITHSCORES"] })
        let due = heads.compactMap { $0.stringArray?.last.flatMap { $0 }.flatMap(Double.init) }.min()
        return due.map { Date(timeIntervalSince1970: $0 / 1000) }
    }

    /// Requeues expired leases and stale ready entries, and redelivers stale outbox entries.
    public func recover() async throws {
        for p in 0..<keys.partitions {
            counters.add(.maintenance)
            _ = try await pool.eval(
                LuaScripts.recoverPartition, keys: [keys.ready(p), keys.queued(p), keys.leases(p)],
                arguments: [String(leaseMillis), "100"])
            let cutoff = Int64(Date().timeIntervalSince1970 * 1000) - leaseMillis
            counters.add(.maintenance)
            let reply = try await command(["XRANGE", keys.outbox(p), "-", "\(cutoff)", "COUNT", "100"])
            var entries: [(partition: Int, entryId: String, message: OrchestrationMessage)] = []
            for e in reply.array ?? [] {
                guard let pair = e.array, pair.count == 2, let entryId = pair[0].string, let f = pair[1].stringArray,
                    let index = f.firstIndex(of: "m"), index + 1 < f.count, let json = f[index + 1]
                else { continue }
                entries.append((p, entryId, try RedisCodec.decode(OrchestrationMessage.self, json)))
            }
            if !entries.isEmpty {
                logger.notice("redelivering outbox entries of a worker that did not deliver them", metadata: ["count": "\(entries.count)"])
                try await route(entries)
            }
        }
    }
}
