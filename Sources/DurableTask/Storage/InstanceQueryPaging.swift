import Foundation

/// Orders and pages query results the way every store must: by creation time, then instance ID,
/// with an opaque continuation token naming the last item returned.
package enum InstanceQueryPaging {
    /// Encodes a position as a continuation token.
    package static func token(after metadata: OrchestrationMetadata) -> String {
        "\(DurableTime.micros(metadata.createdAt))|\(metadata.instanceId)"
    }

    /// Decodes a continuation token into (microseconds since 1970, instance ID).
    package static func position(from token: String) throws -> (micros: Int64, instanceId: String) {
        guard let bar = token.firstIndex(of: "|"), let micros = Int64(token[..<bar]) else {
            throw DurableTaskError(.invalidArgument, "invalid continuation token '\(token)'")
        }
        return (micros, String(token[token.index(after: bar)...]))
    }

    /// Sorts matching instances and cuts the requested page.
    package static func page(_ matching: [OrchestrationMetadata], query: InstanceQuery) -> InstanceQueryResult {
        func key(_ m: OrchestrationMetadata) -> (Int64, String) {
            (DurableTime.micros(m.createdAt), m.instanceId)
        }
        var sorted = matching.sorted { key($0) < key($1) }
        if let token = query.continuationToken, let after = try? position(from: token) {
            sorted.removeAll { key($0) <= (after.micros, after.instanceId) }
        }
        let size = max(1, query.pageSize)
        var page = Array(sorted.prefix(size))
        if !query.fetchInputsAndOutputs {
            for i in page.indices {
                page[i].input = nil
                page[i].output = nil
                page[i].customStatus = nil
            }
        }
        let next = sorted.count > size ? page.last.map(token(after:)) : nil
        return InstanceQueryResult(instances: page, continuationToken: next)
    }
}
