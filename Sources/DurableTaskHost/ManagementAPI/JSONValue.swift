import DurableTask

/// A JSON value that keeps what the management API must not change: the order of object members
/// and the exact text of numbers.
///
/// Inputs, outputs and event data pass through the API as JSON values (§6.2 of
/// `docs/MANAGEMENT-API.md`); the API parses them with ``parse(_:)`` and writes them back
/// compactly with ``serialized``.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// A number, as its literal text (`1`, `-2.5e3`).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// An object; members keep their order (and duplicates, if the text had any).
    case object([(key: String, value: JSONValue)])

    /// A number value for an integer.
    static func integer(_ value: Int) -> JSONValue { .number(String(value)) }

    /// A string value, or `null` for `nil`.
    static func string(orNull value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// The compact JSON text.
    var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// The compact JSON text as UTF-8 bytes.
    var utf8Bytes: [UInt8] { Array(serialized.utf8) }

    /// The member named `key` of an object, if any.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                Self.writeString(member.key, to: &out)
                out += ":"
                member.value.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += JSONString.quote(s)
    }
}

extension JSONValue {
    /// The value stored text stands for, by the embedding rule of §3.1: JSON text is parsed;
    /// text that is not JSON becomes a JSON string; empty or whitespace text becomes `""`;
    /// missing text becomes `null`.
    static func embedding(_ text: String?) -> JSONValue {
        guard let text else { return .null }
        if text.allSatisfy(\.isWhitespace) { return .string("") }
        return (try? parse(Array(text.utf8))) ?? .string(text)
    }
}
