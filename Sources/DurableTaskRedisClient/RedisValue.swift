/// A reply from the Redis server.
///
/// Every hiredis reply is converted into a `RedisValue` exactly once, on the
/// connection's I/O thread, and the C reply object is freed right after. No C
/// types appear in this type or its API.
public enum RedisValue: Sendable, Hashable {
    /// A bulk string (`$`), binary safe.
    case bulkString([UInt8])
    /// A status / simple string reply (`+OK`, `+PONG`, `+QUEUED`).
    case status(String)
    /// An integer reply (`:`).
    case integer(Int64)
    /// An array reply (`*`), possibly nested and possibly containing `.null` or `.error` elements.
    case array([RedisValue])
    /// A null bulk string or null array (`$-1`, `*-1`).
    case null
    /// An error reply (`-ERR ...`). `send` throws these as ``RedisError`` with code
    /// ``RedisError/Code/serverError``; they appear as values only inside pipelines,
    /// nested arrays (for example `EXEC` results) or when requested explicitly.
    case error(String)
}

extension RedisValue {
    /// The value as text: a bulk string decoded as UTF-8 (invalid sequences are
    /// replaced with U+FFFD), a status string, or an integer rendered in decimal.
    /// `nil` for arrays, null and errors.
    public var string: String? {
        switch self {
        case .bulkString(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        case .integer(let value): return String(value)
        case .array, .null, .error: return nil
        }
    }

    /// The raw bytes of a bulk string or status reply; `nil` for every other kind.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes): return bytes
        case .status(let text): return Array(text.utf8)
        case .integer, .array, .null, .error: return nil
        }
    }

    /// The value as an integer: an integer reply, or a bulk/status string holding a
    /// decimal integer (as returned by `GET` of a counter). `nil` otherwise.
    public var int: Int? {
        switch self {
        case .integer(let value): return Int(exactly: value)
        case .bulkString(let bytes): return Int(String(decoding: bytes, as: UTF8.self))
        case .status(let text): return Int(text)
        case .array, .null, .error: return nil
        }
    }

    /// The value as a 64-bit integer, with the same rules as ``int``.
    public var int64: Int64? {
        switch self {
        case .integer(let value): return value
        case .bulkString(let bytes): return Int64(String(decoding: bytes, as: UTF8.self))
        case .status(let text): return Int64(text)
        case .array, .null, .error: return nil
        }
    }

    /// The value as a floating point number (for scores such as `ZSCORE`); `nil` if not numeric.
    public var double: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .bulkString(let bytes): return Double(String(decoding: bytes, as: UTF8.self))
        case .status(let text): return Double(text)
        case .array, .null, .error: return nil
        }
    }

    /// The elements of an array reply; `nil` for every other kind.
    public var array: [RedisValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The elements of an array reply as strings (null elements become `nil`);
    /// `nil` if this is not an array.
    public var stringArray: [String?]? {
        array?.map { $0.string }
    }

    /// `true` for a null reply.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The message of an error reply (for example `"NOSCRIPT No matching script..."`); `nil` otherwise.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }

    /// Throws a ``RedisError`` with code ``RedisError/Code/serverError`` if this is an
    /// error reply, otherwise returns `self`. Useful for elements of a pipeline result.
    @discardableResult
    public func throwingServerError() throws(RedisError) -> RedisValue {
        if case .error(let message) = self { throw RedisError.server(message) }
        return self
    }
}

extension RedisValue: CustomStringConvertible {
    /// A debug-friendly rendering, similar to `redis-cli` output.
    public var description: String {
        switch self {
        case .bulkString(let bytes): return "\"\(String(decoding: bytes, as: UTF8.self))\""
        case .status(let text): return text
        case .integer(let value): return "(integer) \(value)"
        case .array(let elements): return "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .null: return "(nil)"
        case .error(let message): return "(error) \(message)"
        }
    }
}

extension RedisValue: ExpressibleByStringLiteral {
    /// Creates a bulk string from a literal, handy when comparing replies in tests.
    public init(stringLiteral value: String) {
        self = .bulkString(Array(value.utf8))
    }
}

extension RedisValue: ExpressibleByIntegerLiteral {
    /// Creates an integer reply from a literal.
    public init(integerLiteral value: Int64) {
        self = .integer(value)
    }
}
