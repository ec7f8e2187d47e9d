// libFuzzer target: the time codecs. The first 8 bytes are a Double (any bit pattern: NaN,
// infinities, 1e308) of seconds since 1970; the rest is text for the parsers. DurableTime,
// the Redis codec's milliseconds (compiled here from its source) and the API's timestamps
// must take every value without trapping and stay inside years 1 to 9999.
import DurableTask
import Foundation
import FuzzSupport

runLibFuzzer { data, size in
    let bytes = fuzzInput(data, size)
    var bits: UInt64 = 0
    for byte in bytes.prefix(8) { bits = bits << 8 | UInt64(byte) }
    let seconds = Double(bitPattern: bits)
    let date = Date(timeIntervalSince1970: seconds)
    let range = DurableTime.earliest...DurableTime.latest

    let clamped = DurableTime.clamped(date)
    fuzzCheck(range.contains(clamped), "clamped(\(seconds)) is out of range")
    _ = DurableTime.micros(date)
    let delay = DurableTime.delay(seconds: seconds)
    fuzzCheck(delay >= .zero && delay <= .seconds(DurableTime.maxDelaySeconds), "delay(\(seconds)) = \(delay)")

    let stored = RedisCodec.date(millis: RedisCodec.millis(date))
    fuzzCheck(stored.map { abs($0.timeIntervalSince(clamped)) < 0.001 } == true, "millis of \(seconds) do not read back")

    let shown = APITimestamps.parse(APITimestamps.precise(date))
    fuzzCheck(shown.map { abs($0.timeIntervalSince(clamped)) < 0.001 } == true, "precise(\(seconds)) does not parse back")
    fuzzCheck(APITimestamps.parse(APITimestamps.seconds(date)) != nil, "seconds(\(seconds)) does not parse back")

    let text = String(decoding: bytes.dropFirst(8), as: UTF8.self)
    if let parsed = APITimestamps.parse(text) { fuzzCheck(parsed.timeIntervalSince1970.isFinite, "parse(\(text)) is not finite") }
    if let read = RedisCodec.date(millis: text) { fuzzCheck(read.timeIntervalSince1970.isFinite, "date(millis: \(text))") }
    return 0
}
