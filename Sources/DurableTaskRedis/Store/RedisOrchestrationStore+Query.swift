public import DurableTask
import DurableTaskRedisClient
import Foundation

extension RedisOrchestrationStore {
    /// Queries the secondary indexes of every partition (no keyspace SCAN), filters candidates by
    /// their stored state, and merges partitions in (created time, instance ID) order.
    public func queryInstances(_ query: InstanceQuery) async throws -> InstanceQueryResult {
        // Creation times are stored with millisecond precision; widen the bounds to match.
        var query = query
        query.createdFrom = query.createdFrom.map { Date(timeIntervalSince1970: ($0.timeIntervalSince1970 * 1000).rounded(.down) / 1000) }
        query.createdTo = query.createdTo.map { Date(timeIntervalSince1970: ($0.timeIntervalSince1970 * 1000).rounded(.up) / 1000) }
        var after: (micros: Int64, instanceId: String)?
        if let token = query.continuationToken { after = try InstanceQueryPaging.position(from: token) }
        let want = max(1, query.pageSize) + 1
        var matches: [OrchestrationMetadata] = []
        for p in 0..<keys.partitions {
            matches += try await queryPartition(p, query, after: after, want: want)
        }
        var unfiltered = query
        unfiltered.continuationToken = nil
        return InstanceQueryPaging.page(matches, query: unfiltered)
    }

    /// The first `want` matches in one partition after the token position.
    private func queryPartition(
        _ p: Int, _ query: InstanceQuery, after: (micros: Int64, instanceId: String)?, want: Int
    ) async throws -> [OrchestrationMetadata] {
        // The index to walk: per status, per name, or by creation time.
        let indexes: [String]
        if let statuses = query.statuses {
            indexes = statuses.map { keys.statusIndex(p, $0.rawValue) }
        } else if let name = query.name {
            indexes = [keys.nameIndex(p, name)]
        } else {
            indexes = [keys.createdIndex(p)]
        }
        var minScore = query.createdFrom.map(RedisCodec.millis) ?? "-inf"
        if let after { minScore = String(max(Int64(minScore) ?? Int64.min, after.micros / 1000)) }
        let maxScore = query.createdTo.map(RedisCodec.millis) ?? "+inf"
        var found: [OrchestrationMetadata] = []
        for index in indexes {
            var offset = 0
            let chunk = max(want, 100)
            let before = found.count
            while found.count - before < want {
                counters.add(.client)
                let reply = try await command(["ZRANGEBYSCORE", index, minScore, maxScore, "LIMIT", String(offset), String(chunk)])
                guard let ids = reply.stringArray?.compactMap({ $0 }), !ids.isEmpty else { break }
                offset += ids.count
                let candidates = ids.filter { id in query.instanceIdPrefix.map { id.hasPrefix($0) } ?? true }
                if !candidates.isEmpty {
                    counters.add(.client)
                    let replies = try await commands(candidates.map { ["HMGET", keys.instance($0)] + InstanceFields.names })
                    for (id, r) in zip(candidates, replies) {
                        guard let fields = r.stringArray, let m = try InstanceFields.metadata(id: id, fields) else { continue }
                        guard query.matches(m) else { continue }
                        if let after, (Self.micros(m.createdAt), m.instanceId) <= (after.micros, after.instanceId) { continue }
                        found.append(m)
                    }
                }
                if ids.count < chunk { break }
            }
        }
        return found
    }

    static func micros(_ date: Date) -> Int64 { DurableTime.micros(date) }
}
