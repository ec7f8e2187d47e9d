import DurableTask
@testable import DurableTaskHost
@testable import DurableTaskRedis
import Foundation
import PropertyBased
import Testing

/// History as the Redis store keeps it (JSON) and the management API shows it: every event
/// reads back as written, and any text, however damaged, reads as history or throws, and what
/// reads renders as JSON.
@Suite("Property: history decoding", .timeLimit(.minutes(1)))
struct HistoryDecodingPropertyTests {
    static let histories = generator { (rng: inout Randomness) -> [HistoryEvent] in RandomHistory.events(using: &rng) }

    /// The damaged JSON of a random history.
    static let damaged = generator { (rng: inout Randomness) -> [UInt8] in
        let text = (try? RedisCodec.encode(RandomHistory.events(using: &rng))) ?? "[]"
        return RandomText.mutate(Array(text.utf8), using: &rng)
    }

    @Test func everyEventRoundTrips() async {
        await propertyCheck(count: 500, input: Self.histories) { history in
            let back = try RedisCodec.decode([HistoryEvent].self, try RedisCodec.encode(history))
            #expect(back == history)
            try expectRendersAsJSON(back)
        }
    }

    @Test func damagedHistoryReadsOrThrows() async {
        await propertyCheck(count: 2000, input: Self.damaged) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            guard let history = try? RedisCodec.decode([HistoryEvent].self, text) else { return }
            try expectRendersAsJSON(history)
            // What was read writes and reads back the same.
            #expect(try RedisCodec.decode([HistoryEvent].self, try RedisCodec.encode(history)) == history)
        }
    }

    /// What the API shows of a history (with inputs and outputs) is well-formed JSON.
    private func expectRendersAsJSON(_ history: [HistoryEvent]) throws {
        let rendered = HistoryPayload.events(history, showInput: true, showOutput: true)
        let reparsed = try JSONValue.parse(rendered.utf8Bytes)
        #expect(reparsed.serialized == rendered.serialized)
    }
}
