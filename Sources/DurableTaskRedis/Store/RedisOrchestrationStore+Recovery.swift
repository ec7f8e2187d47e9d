import DurableTask
import DurableTaskRedisClient
import Foundation
import Logging
import Metrics
import Synchronization

extension RedisOrchestrationStore {
    /// When a recovery scan wants the next one, and the earliest durable timer it saw.
    struct RecoveryPlan: Sendable {
        var nextScan: ContinuousClock.Instant
        var nextTimer: Date?
    }

    /// How long after an item comes due the scan for it runs (Redis and this process may
    /// disagree by a millisecond about "now").
    static let recoverySlack = Duration.milliseconds(20)
    /// How soon the scan runs again after it recovered something (to see what is left).
    static let recoveryRescan = Duration.milliseconds(250)
    /// How soon the scan looks again at an expired activity it asked the activity loops to take.
    static let reclaimRecheck = Duration.seconds(1)

    /// Requeues expired leases and stale ready entries, redelivers stale outbox entries and asks
    /// the activity loops to take over expired activities: everything a dead worker left that is
    /// due now.
    package func recover() async throws {
        _ = try await recoveryScan()
    }

    /// Recovers what is due now and says when the next scan is due.
    ///
    /// One pipelined round trip asks each partition whether it holds leases, queued instances or
    /// timers (`EXISTS`), an outbox entry (`XRANGE … COUNT 1`) or pending activities
    /// (`XPENDING`), with Redis' clock (`TIME`): 1 + 3 × partitions commands, the whole cost of a
    /// scan of an idle hub. Only partitions that hold something are read further. The next scan
    /// is when the earliest of those comes due (a lease expires, a queued entry or an outbox entry
    /// is a lease timeout old, a pending activity has been idle for a lease timeout), and at the
    /// latest after ``recoveryPeriod``, which is never longer than the lease timeout, so a lease a
    /// worker takes after a scan is seen before it can expire.
    func recoveryScan() async throws -> RecoveryPlan {
        let partitions = 0..<keys.partitions
        var probe: [[String]] = [["TIME"]]
        for p in partitions {
            probe.append(["EXISTS", keys.leases(p), keys.queued(p), keys.timers(p)])
            probe.append(["XRANGE", keys.outbox(p), "-", "+", "COUNT", "1"])
            probe.append(["XPENDING", keys.activities(p), "dt"])
        }
        counters.add(.maintenance)
        let replies = try await commands(probe)
        let scannedAt = ContinuousClock.now
        guard replies.count == probe.count, let time = replies[0].stringArray, time.count == 2,
            let seconds = time[0].flatMap(Int64.init), let micros = time[1].flatMap(Int64.init)
        else { throw DurableTaskError(.storeFailure, "unexpected recovery scan reply: \(replies.first ?? .null)") }
        let now = seconds * 1000 + micros / 1000
        var plan = RecoveryPlan(nextScan: scannedAt + recoveryPeriod, nextTimer: nil)
        /// Moves the next scan to `due` (Redis ms) or, when it is due already, to soon after the work done now.
        func scan(at due: Int64, elseAfter soon: Duration = Self.recoveryRescan) {
            let at = due > now ? scannedAt + .milliseconds(due - now) + Self.recoverySlack : scannedAt + soon
            plan.nextScan = min(plan.nextScan, at)
        }

        var heads: [(partition: Int, holdsKeys: Bool, pending: Int)] = []
        for p in partitions {
            let base = 1 + 3 * (p - partitions.lowerBound)
            if let entry = replies[base + 1].array?.first?.array?.first?.string, let ms = Self.entryMillis(entry) {
                let due = ms + leaseMillis
                if due <= now { try await redeliverOutbox(p, olderThan: now - leaseMillis) }
                scan(at: due)
            }
            let holdsKeys = (replies[base].int ?? 0) > 0
            let pending = replies[base + 2].array?.first?.int ?? 0
            if holdsKeys || pending > 0 { heads.append((p, holdsKeys, pending)) }
        }
        guard !heads.isEmpty else { return plan }

        var details: [[String]] = []
        for head in heads {
            if head.holdsKeys {
                details.append(["ZRANGE", keys.leases(head.partition), "0", "0", "WITHSCORES"])
                details.append(["ZRANGE", keys.queued(head.partition), "0", "0", "WITHSCORES"])
                details.append(["ZRANGE", keys.timers(head.partition), "0", "0", "WITHSCORES"])
            }
            if head.pending > 0 {
                details.append(["XPENDING", keys.activities(head.partition), "dt", "-", "+", String(Self.pendingSample)])
            }
        }
        counters.add(.maintenance)
        var replyIterator = try await commands(details).makeIterator()
        for head in heads {
            if head.holdsKeys {
                let leaseDue = Self.headScore(replyIterator.next())
                let queuedDue = Self.headScore(replyIterator.next()).map { $0 + leaseMillis }
                if let timer = Self.headScore(replyIterator.next()) {
                    let date = Date(timeIntervalSince1970: Double(timer) / 1000)
                    plan.nextTimer = min(plan.nextTimer ?? date, date)
                }
                if [leaseDue, queuedDue].contains(where: { ($0 ?? .max) <= now }) {
                    let requeued = try await run(
                        RecoverPartitionCall(keys: keys, partition: head.partition, staleAfterMilliseconds: leaseMillis, batch: 100),
                        .maintenance)
                    if requeued > 0 { Self.recoveries(.lease).increment(by: requeued) }
                }
                for due in [leaseDue, queuedDue].compactMap({ $0 }) { scan(at: due) }
            }
            if head.pending > 0 {
                // Entries: [id, consumer, idle ms, deliveries]; the most idle one expires first.
                let idle = (replyIterator.next()?.array ?? []).compactMap { $0.array?[2].int }.max() ?? 0
                let due = now + leaseMillis - Int64(idle)
                if due <= now {
                    reclaimDue.store(true, ordering: .relaxed)
                    activityFeed.nudge()
                }
                scan(at: due, elseAfter: Self.reclaimRecheck)
                // Entries beyond the sample may have been idle longer.
                if head.pending > Self.pendingSample { plan.nextScan = min(plan.nextScan, scannedAt + Self.reclaimRecheck) }
            }
        }
        return plan
    }

    /// How many pending activities per partition a scan reads to find the most idle one.
    static let pendingSample = 100

    /// The longest time between two recovery scans: ``Configuration/recoveryInterval``, never
    /// longer than the lease timeout.
    var recoveryPeriod: Duration { min(configuration.recoveryInterval, configuration.leaseTimeout) }

    /// Redelivers a partition's outbox entries written before `cutoff` (Redis ms): a worker
    /// committed them and died before delivering them.
    private func redeliverOutbox(_ p: Int, olderThan cutoff: Int64) async throws {
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
            logger.notice("redelivering outbox entries of a worker that did not deliver them", metadata: [LogKeys.count: "\(entries.count)"])
            Self.recoveries(.outbox).increment(by: entries.count)
            try await route(entries)
        }
    }

    /// The score of a `ZRANGE … 0 0 WITHSCORES` reply, in ms.
    private static func headScore(_ reply: RedisValue?) -> Int64? {
        guard let pair = reply?.stringArray, pair.count == 2, let score = pair[1].flatMap(Double.init) else { return nil }
        return Int64(score)
    }

    /// The milliseconds part of a stream entry ID (`<ms>-<seq>`).
    private static func entryMillis(_ id: String) -> Int64? {
        id.split(separator: "-").first.flatMap { Int64($0) }
    }
}

extension RedisOrchestrationStore {
    /// What recovery took over from a dead worker (``MetricNames/recoveries``).
    enum RecoveryKind: String {
        /// Instances whose lease expired, or that were popped and never locked, requeued.
        case lease
        /// Outbox entries redelivered.
        case outbox
        /// Activities whose lease expired, claimed again.
        case activity
    }

    static func recoveries(_ kind: RecoveryKind) -> Counter {
        Counter(label: MetricNames.recoveries, dimensions: [("kind", kind.rawValue)])
    }
}
