// libFuzzer target: the management API's JSON parser (compiled here from its source file) on
// any bytes. It must throw JSONSyntaxError or return a value whose compact text parses back to
// the same text; it must never trap or recurse without bound.
import FuzzSupport

runLibFuzzer { data, size in
    let bytes = fuzzInput(data, size)
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    let text = value.serialized
    let again = try? JSONValue.parse(Array(text.utf8))
    fuzzCheck(again?.serialized == text, "accepted text does not round-trip: \(String(decoding: bytes, as: UTF8.self)) → \(text)")
    return 0
}
