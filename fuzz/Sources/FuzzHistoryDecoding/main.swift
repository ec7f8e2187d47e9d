// libFuzzer target: history as the Redis store reads it (RedisCodec, compiled here from its
// source) and as the management API shows it (HistoryPayload and its timestamps). Any bytes
// must decode as [HistoryEvent] or throw; what decodes must write and read back the same, and
// render as JSON that the API's parser reads back to the same text.
import DurableTask
import FuzzSupport

runLibFuzzer { data, size in
    let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
    guard let history = try? RedisCodec.decode([HistoryEvent].self, text) else { return 0 }
    if let written = try? RedisCodec.encode(history) {
        let back = try? RedisCodec.decode([HistoryEvent].self, written)
        fuzzCheck(back == history, "history does not read back as written: \(text)")
    }
    let rendered = HistoryPayload.events(history, showInput: true, showOutput: true).serialized
    let reparsed = try? JSONValue.parse(Array(rendered.utf8))
    fuzzCheck(reparsed?.serialized == rendered, "the rendered history is not JSON: \(rendered)")
    return 0
}
