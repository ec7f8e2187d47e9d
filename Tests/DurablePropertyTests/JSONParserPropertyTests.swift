@testable import DurableTaskHost
import Foundation
import PropertyBased
import Testing

/// The management API's JSON parser on anything a client may send: a value it wrote parses
/// back to itself; any bytes parse or throw ``JSONSyntaxError`` (never trap, never recurse
/// without bound); and what it accepts, Foundation's parser accepts too.
@Suite("Property: management API JSON parser", .timeLimit(.minutes(1)))
struct JSONParserPropertyTests {
    static func value(depth: Int = 0, using rng: inout some RandomNumberGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth < 4 ? 8 : 5), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .integer(Extreme.int(using: &rng))
        case 3: return .number(["1e308", "-1e-308", "0.5", "-0", "1E+2", "123456789012345678901234567890"].randomElement(using: &rng)!)
        case 4: return .string(RandomText.string(maxLength: 10, using: &rng))
        case 5:
            var items: [JSONValue] = []
            for _ in 0..<Int.random(in: 0...4, using: &rng) { items.append(value(depth: depth + 1, using: &rng)) }
            return .array(items)
        default:
            var members: [(key: String, value: JSONValue)] = []
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                members.append((RandomText.string(maxLength: 6, using: &rng), value(depth: depth + 1, using: &rng)))
            }
            return .object(members)
        }
    }

    static let values = generator { (rng: inout Randomness) -> JSONValue in value(using: &rng) }

    /// JSON-ish bytes: a damaged serialized value, or random bytes.
    static let bytes = generator { (rng: inout Randomness) -> [UInt8] in randomBytes(using: &rng) }

    static func randomBytes(using rng: inout some RandomNumberGenerator) -> [UInt8] {
        guard Int.random(in: 0..<4, using: &rng) == 0 else { return RandomText.mutate(value(using: &rng).utf8Bytes, using: &rng) }
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 0...32, using: &rng) { bytes.append(UInt8.random(in: 0...255, using: &rng)) }
        return bytes
    }

    @Test func writtenValuesParseBackToThemselves() async {
        await propertyCheck(count: 1000, input: Self.values) { value in
            let text = value.serialized
            let reparsed = try JSONValue.parse(Array(text.utf8))
            #expect(reparsed.serialized == text)
        }
    }

    @Test func anyBytesParseOrThrow() async {
        await propertyCheck(count: 3000, input: Self.bytes) { bytes in
            let value: JSONValue
            do { value = try JSONValue.parse(bytes) } catch { return }
            // Accepted text is JSON: it reparses to the same value, and Foundation reads it.
            let reparsed = try JSONValue.parse(value.utf8Bytes)
            #expect(reparsed.serialized == value.serialized)
            do {
                _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            } catch where "\(error)".contains("is not representable in Swift") {
                // RFC 8259 allows any number; Foundation refuses those beyond a Double (1e400). The
                // API passes such numbers through as text, and the orchestration's decoder refuses them.
            } catch {
                Issue.record("Foundation refuses what the parser accepted, \(String(decoding: bytes, as: UTF8.self)): \(error)")
            }
        }
    }

    /// Nesting past the limit is an error, not a stack overflow, in arrays, objects and a mix.
    @Test(arguments: ["[", "{\"a\":", "[{\"\":"])
    func deepNestingThrows(opener: String) {
        let text = String(repeating: opener, count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array(text.utf8)) }
        let justInside = String(repeating: "[", count: JSONValue.maxDepth) + String(repeating: "]", count: JSONValue.maxDepth)
        #expect(throws: Never.self) { try JSONValue.parse(Array(justInside.utf8)) }
    }
}
