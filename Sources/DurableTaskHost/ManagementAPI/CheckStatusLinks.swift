/// The check-status payload of §3.2 and the links in it.
struct CheckStatusLinks: Sendable {
    /// `{scheme}://{authority}` + base path.
    var base: String
    /// `taskHub=…&connection=…[&code=…]`, already encoded.
    var query: String

    init(origin: String, basePath: String, taskHub: String, connection: String, key: String?) {
        var path = basePath
        while path.hasSuffix("/") { path.removeLast() }
        base = origin + path
        query = "taskHub=\(Self.formEncode(taskHub))&connection=\(Self.formEncode(connection))"
        if let key { query += "&code=\(Self.formEncode(key))" }
    }

    /// `B/instances/{id}`. The ID is percent-encoded with a space as `%20`, not `+`: this server
    /// reads a `+` in a path segment literally (§9), and DF's decoder reads `%20` as well.
    func instance(_ id: String) -> String { base + "/instances/" + Self.percentEncode(id, spaceAsPlus: false) }

    /// `statusQueryGetUri`.
    func statusQuery(_ id: String) -> String { instance(id) + "?" + query }

    /// The members, in DF's order.
    func payload(_ id: String) -> JSONValue {
        let i = instance(id)
        return .object([
            ("id", .string(id)),
            ("statusQueryGetUri", .string("\(i)?\(query)")),
            ("sendEventPostUri", .string("\(i)/raiseEvent/{eventName}?\(query)")),
            ("terminatePostUri", .string("\(i)/terminate?reason={text}&\(query)")),
            ("purgeHistoryDeleteUri", .string("\(i)?\(query)")),
            ("restartPostUri", .string("\(i)/restart?\(query)")),
            ("suspendPostUri", .string("\(i)/suspend?reason={text}&\(query)")),
            ("resumePostUri", .string("\(i)/resume?reason={text}&\(query)")),
        ])
    }

    /// Form-URL-encoding: unreserved characters stay, a space becomes `+`, every other byte `%XX`.
    static func formEncode(_ text: String) -> String { percentEncode(text, spaceAsPlus: true) }

    /// Unreserved characters stay, every other byte becomes `%XX` (a space `+` if `spaceAsPlus`).
    static func percentEncode(_ text: String, spaceAsPlus: Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " ") where spaceAsPlus: out += "+"
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
