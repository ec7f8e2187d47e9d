@testable import DurableTask
import Foundation
import Testing

@Suite("Payload coding fast paths agree with Foundation", .timeLimit(.minutes(3)))
struct PayloadCodingTests {
    @Test(arguments: ["", "plain", "with \"quotes\"", "back\\slash", "new\nline\ttab\r", "\u{01}\u{1F}", "Tōkyō 東京 🚀", "/slash"])
    func stringsRoundTrip(_ value: String) throws {
        let fast = try #require(try PayloadCoding.encode(value))
        #expect(try JSONDecoder().decode(String.self, from: Data(fast.utf8)) == value)
        let foundation = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        #expect(try PayloadCoding.decode(String.self, from: foundation) == value)
        #expect(try PayloadCoding.decode(String.self, from: fast) == value)
    }

    @Test(arguments: [0, -1, 42, Int.max, Int.min])
    func intsRoundTrip(_ value: Int) throws {
        let text = try PayloadCoding.encode(value)
        #expect(text == String(decoding: try JSONEncoder().encode(value), as: UTF8.self))
        #expect(try PayloadCoding.decode(Int.self, from: text) == value)
    }

    @Test func nonScalarsAndFallbacks() throws {
        #expect(try PayloadCoding.decode(Int.self, from: "1e2") == 100)
        #expect(try PayloadCoding.decode([Int].self, from: try PayloadCoding.encode([1, 2])) == [1, 2])
        #expect(try PayloadCoding.encode(NoValue()) == nil)
        #expect(try PayloadCoding.decode(Bool.self, from: "true") == true)
        #expect(try PayloadCoding.decode(String?.self, from: nil) == nil)
        #expect(throws: (any Error).self) { try PayloadCoding.decode(Int.self, from: "\"x\"") }
    }
}
