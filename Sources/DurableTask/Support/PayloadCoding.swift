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

/// Minimal JSON string quoting, byte-compatible with what `JSONDecoder` accepts.
public enum JSONString {
    /// Quotes and escapes a string as a JSON string literal.
    public static func quote(_ s: String) -> String {
        var needsEscape = false
        for b in s.utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
            needsEscape = true
            break
        }
        if !needsEscape { return "\"" + s + "\"" }
        var out = "\""
        out.reserveCapacity(s.utf8.count + 8)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Returns the content of a JSON string literal that has no escapes, else `nil`.
    static func unquoteSimple(_ text: String) -> String? {
        let bytes = text.utf8
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") else { return nil }
        let inner = bytes.dropFirst().dropLast()
        for b in inner where b == UInt8(ascii: "\\") || b == UInt8(ascii: "\"") || b < 0x20 { return nil }
        return String(decoding: inner, as: UTF8.self)
    }
}
