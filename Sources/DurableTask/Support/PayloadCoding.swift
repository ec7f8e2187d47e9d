import Foundation

/// A payload type meaning "no value": encodes as no payload at all and decodes from anything.
///
/// Use it as `Input` or `Output` of orchestrators and activities that take or return nothing.
public struct NoValue: Codable, Sendable, Hashable {
    /// Creates the empty value.
    public init() {}
    public init(from decoder: any Decoder) throws {}
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encodeNil()
    }
}

/// Serializes payloads as JSON text, the form history and stores keep them in.
public enum PayloadCoding {
    /// Encodes a value as JSON text. ``NoValue`` encodes as `nil`.
    public static func encode<T: Encodable>(_ value: T) throws -> String? {
        if value is NoValue { return nil }
        let data = try JSONEncoder().encode(value)
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes JSON text. A missing payload decodes as JSON `null`.
    public static func decode<T: Decodable>(_ type: T.Type, from text: String?) throws -> T {
        if T.self == NoValue.self { return NoValue() as! T }
        let data = Data((text ?? "null").utf8)
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Encodes, turning an encoding failure into a ``DurableTaskError``.
    static func encodeOrThrow<T: Encodable>(_ value: T, what: String) throws -> String? {
        do { return try encode(value) } catch {
            throw DurableTaskError(.serialization, "could not encode \(what) as JSON: \(error)", underlying: error)
        }
    }

    /// Decodes, turning a decoding failure into a ``DurableTaskError``.
    static func decodeOrThrow<T: Decodable>(_ type: T.Type, from text: String?, what: String) throws -> T {
        do { return try decode(type, from: text) } catch {
            throw DurableTaskError(
                .serialization, "could not decode \(what) as \(T.self) from \(text ?? "null"): \(error)", underlying: error)
        }
    }
}
