/// Minimal JSON string quoting, byte-compatible with what `JSONDecoder` accepts.
package enum JSONString {
    /// Quotes and escapes a string as a JSON string literal.
    package static func quote(_ s: String) -> String {
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
