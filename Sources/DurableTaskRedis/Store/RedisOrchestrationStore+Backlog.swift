import DurableTask
import DurableTaskRedisClient
import Foundation

/// The work waiting in one partition.
public struct PartitionBacklog: Sendable, Hashable {
    /// The partition.
    public var partition: Int
    /// Instances with messages waiting for a turn (queued for the ready list, not yet leased).
    public var readyInstances: Int
    /// Activities in the partition's stream: waiting for a worker or running.
    public var pendingActivities: Int
    /// Durable timers whose due time has passed but which are not delivered yet.
    public var timersDue: Int
}

extension RedisOrchestrationStore {
    /// The backlog of every partition, read in one pipelined round trip.
    public func backlog() async throws -> [PartitionBacklog] {
        let now = RedisCodec.millis(Date())
        var probe: [[String]] = []
        for p in 0..<keys.partitions {
            probe.append(["ZCARD", keys.queued(p)])
            probe.append(["XLEN", keys.activities(p)])
            probe.append(["ZCOUNT", keys.timers(p), "-inf", now])
        }
        counters.add(.client)
        let replies = try await commands(probe)
        guard replies.count == probe.count else {
            throw DurableTaskError(.storeFailure, "unexpected backlog reply: \(replies.count) of \(probe.count) answers")
        }
        return (0..<keys.partitions).map { p in
            PartitionBacklog(
                partition: p, readyInstances: replies[3 * p].int ?? 0, pendingActivities: replies[3 * p + 1].int ?? 0,
                timersDue: replies[3 * p + 2].int ?? 0)
        }
    }
}
