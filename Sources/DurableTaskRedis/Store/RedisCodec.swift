import DurableTask
import Foundation

/// JSON forms of what the store keeps in Redis.
enum RedisCodec {
    // Safe: configured once, then only used to encode/decode.
    nonisolated(unsafe) static let encoder = JSONEncoder()
    nonisolated(unsafe) static let decoder = JSONDecoder()

    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        do {
            return try decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw DurableTaskError(.storeFailure, "corrupt \(T.self) in Redis: \(error)", underlying: error)
        }
    }

    static func millis(_ date: Date) -> String { String(DurableTime.millis(date)) }

    static func date(millis text: String?) -> Date? {
        guard let text, let ms = Int64(text) else { return nil }
        return Date(timeIntervalSince1970: Double(ms) / 1000)
    }
}

/// A message waiting in the timers ZSET or the outbox: the message plus a nonce that makes the
/// member unique.
struct StoredMessage: Codable, Sendable {
    var nonce: String
    var message: OrchestrationMessage
}

/// The instance hash fields `getInstance` reads, in HMGET order.
enum InstanceFields {
    static let names = ["n", "e", "s", "in", "out", "cs", "fd", "ct", "ut", "pi", "st", "v"]

    /// Builds metadata from an HMGET reply in ``names`` order; `nil` if the instance does not exist.
    static func metadata(id: String, _ f: [String?]) throws -> OrchestrationMetadata? {
        guard f.count == names.count, let statusText = f[2] else { return nil }
        guard let status = OrchestrationStatus(rawValue: statusText) else {
            throw DurableTaskError(.storeFailure, "unknown status '\(statusText)' for '\(id)'")
        }
        func nonEmpty(_ s: String?) -> String? { (s?.isEmpty ?? true) ? nil : s }
        return OrchestrationMetadata(
            instanceId: id, name: f[0] ?? "", executionId: f[1] ?? "", runtimeStatus: status,
            createdAt: RedisCodec.date(millis: f[7]) ?? Date(timeIntervalSince1970: 0),
            lastUpdatedAt: RedisCodec.date(millis: f[8]) ?? Date(timeIntervalSince1970: 0),
            input: nonEmpty(f[3]), output: f[4], customStatus: f[5],
            failureDetails: try f[6].map { try RedisCodec.decode(FailureDetails.self, $0) },
            version: nonEmpty(f[11]), parentInstanceId: nonEmpty(f[9]), scheduledStartTime: RedisCodec.date(millis: f[10]))
    }
}
