/// Identifies a durable entity: a name (case-insensitive, stored lowercased) and a key.
///
/// Its instance ID has the Durable Functions form `@name@key`, so entities show up in instance
/// queries like orchestrations do.
public struct EntityID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The entity name, lowercased.
    public let name: String
    /// The key.
    public let key: String

    /// Creates an ID; the name is lowercased.
    public init(name: String, key: String) {
        self.name = name.lowercased()
        self.key = key
    }

    /// Parses `@name@key`; `nil` for anything else.
    ///
    /// The `@`s are found among Unicode scalars, not characters, as ``isEntity(_:)`` does: in
    /// `"@\u{301}x@y"` the first character is `@́`, yet the ID is an entity's (name `\u{301}x`).
    public init?(instanceId: String) {
        let scalars = instanceId.unicodeScalars
        guard scalars.first == "@" else { return nil }
        let rest = scalars.dropFirst()
        guard let at = rest.firstIndex(of: "@") else { return nil }
        self.init(name: String(rest[..<at]), key: String(rest[rest.index(after: at)...]))
    }

    /// `@name@key`.
    public var instanceId: String { "@\(name)@\(key)" }

    /// The entity's instance ID, `@name@key`.
    public var description: String { instanceId }

    /// Orders entity IDs by their instance IDs: the one global order in which locks are taken.
    public static func < (a: EntityID, b: EntityID) -> Bool { a.instanceId < b.instanceId }

    /// Whether an instance ID names an entity (starts with `@`).
    public static func isEntity(_ instanceId: String) -> Bool { instanceId.utf8.first == UInt8(ascii: "@") }

    /// Throws `invalidArgument` unless the name is non-empty and has no `@`, the instance ID
    /// (`@name@key`) is at most ``InstanceID/maxLength`` UTF-16 code units long, and neither part
    /// contains a control character, `/`, `\`, `#` or `?`.
    public func validate() throws {
        guard !name.isEmpty, !name.unicodeScalars.contains("@") else {
            throw DurableTaskError(.invalidArgument, "entity name '\(name)' must be non-empty and must not contain '@'")
        }
        guard instanceId.utf16.count <= InstanceID.maxLength else {
            throw DurableTaskError(
                .invalidArgument, "entity ID '@\(name)@\(key.prefix(32))…' is longer than \(InstanceID.maxLength) UTF-16 code units")
        }
        for part in [name, key] {
            for scalar in part.unicodeScalars where Self.isForbidden(scalar) {
                throw DurableTaskError(.invalidArgument, "entity ID '\(instanceId)' contains a forbidden character (control, /, \\, # or ?)")
            }
        }
    }

    /// Control characters (C0, DEL, C1), `/`, `\`, `#` and `?`.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || "/\\#?".unicodeScalars.contains(scalar)
    }
}
