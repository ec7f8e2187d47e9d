import Foundation

/// A payload type meaning "no value": encodes as no payload at all and decodes from anything.
///
/// Use it as `Input` or `Output` of orchestrators and activities that take or return nothing.
public struct NoValue: Codable, Sendable, Hashable {
    /// Creates the empty value.
    public init() {}
    /// Decodes from any payload, ignoring it.
    public init(from decoder: any Decoder) throws {}
    /// Encodes as JSON `null` (``PayloadCoding`` writes no payload at all).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encodeNil()
    }
}

/// Serializes payloads as JSON text, the form history and stores keep them in.
///
/// Scalars (`Int`, `String`, `Bool`) take a fast path that writes and reads the same JSON
/// the Foundation coders would; everything else goes through shared `JSONEncoder`/`JSONDecoder`s.
public enum PayloadCoding {
    // Safe: the coders are configured once here and only used for encode/decode, which do not
    // mutate their configuration.
    nonisolated(unsafe) private static let encoder = JSONEncoder()
    nonisolated(unsafe) private static let decoder = JSONDecoder()

    /// Encodes a value as JSON text. ``NoValue`` encodes as `nil`.
    public static func encode<T: Encodable>(_ value: T) throws -> String? {
        switch value {
        case is NoValue: return nil
        case let v as Int: return String(v)
        case let v as Bool: return v ? "true" : "false"
        case let v as String: return JSONString.quote(v)
        default:
            let data = try encoder.encode(value)
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// Decodes JSON text. A missing payload decodes as JSON `null`.
    public static func decode<T: Decodable>(_ type: T.Type, from text: String?) throws -> T {
        if T.self == NoValue.self { return NoValue() as! T }
        if let text {
            if T.self == Int.self, let v = Int(text) { return v as! T }
            if T.self == String.self, let v = JSONString.unquoteSimple(text) { return v as! T }
            if T.self == Bool.self, text == "true" || text == "false" { return (text == "true") as! T }
        }
        let data = Data((text ?? "null").utf8)
        return try decoder.decode(T.self, from: data)
    }

    /// Encodes, turning an encoding failure into a ``DurableTaskError``.
    static func encodeOrThrow<T: Encodable>(_ value: T, what: @autoclosure () -> String) throws -> String? {
        do { return try encode(value) } catch {
            throw DurableTaskError(.serialization, "could not encode \(what()) as JSON: \(error)", underlying: error)
        }
    }

    /// Decodes, turning a decoding failure into a ``DurableTaskError``.
    static func decodeOrThrow<T: Decodable>(_ type: T.Type, from text: String?, what: @autoclosure () -> String) throws -> T {
        do { return try decode(type, from: text) } catch {
            throw DurableTaskError(
                .serialization, "could not decode \(what()) as \(T.self) from \(text ?? "null"): \(error)", underlying: error)
        }
    }
}
