import Foundation
import PropertyBased

/// The property library's source of random numbers, as a concrete type: the generators below
/// hand it to generic code instead of the library's existential (which crashed the compiler).
struct Randomness: RandomNumberGenerator {
    var source: any SeededRandomNumberGenerator
    mutating func next() -> UInt64 { source.next() }
}

/// A generator (without shrinking) of what `make` builds from random numbers.
func generator<T>(_ make: @Sendable @escaping (inout Randomness) -> T) -> Generator<T, Shrink.None<T>> {
    Generator { rng in
        var randomness = Randomness(source: rng)
        let value = make(&randomness)
        rng = randomness.source
        return value
    }
}

/// Generators biased towards the values that break code: the limits of `Int` and `Double`,
/// the edges of the stored time range, and arbitrary bit patterns.
enum Extreme {
    /// Integers at and next to the limits.
    static let intValues: [Int] = [
        .min, .min + 1, -1_000_000_007, -1, 0, 1, 2, 255, 256, 65_536, Int(Int32.max), Int(Int32.max) + 1,
        Int(UInt32.max), 1 << 53, (1 << 53) + 1, .max / 2, .max / 2 + 1, .max - 1, .max,
    ]

    /// Doubles at the limits of `Double`, `Duration`, `Int64` milliseconds and the years 1–9999.
    static let doubleValues: [Double] = [
        0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1e-300, 0.0005, 0.001, 1, -1,
        62_135_596_800, -62_135_596_800, -62_135_596_801, 253_402_300_799, 253_402_300_800,
        315_576_000_000, 315_576_000_001, 9.2e11, 9.3e11, 9.2e15, 9.3e15, 9.2e18, 9.3e18, 1.7e20, 1.8e20,
        1e300, -1e300, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity, .nan,
    ]

    /// Mostly a listed integer, else any `Int`.
    static func int(using rng: inout some RandomNumberGenerator) -> Int {
        Bool.random(using: &rng) ? intValues.randomElement(using: &rng)! : Int.random(in: .min ... .max, using: &rng)
    }

    /// Mostly a listed double, else any bit pattern (NaNs and infinities included) or an ordinary value.
    static func double(using rng: inout some RandomNumberGenerator) -> Double {
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: doubleValues.randomElement(using: &rng)!
        case 1: Double(bitPattern: UInt64.random(in: .min ... .max, using: &rng))
        default: Double.random(in: -1e12...1e12, using: &rng)
        }
    }

    /// A finite ``double(using:)``.
    static func finiteDouble(using rng: inout some RandomNumberGenerator) -> Double {
        var value = Double.nan
        while !value.isFinite { value = double(using: &rng) }
        return value
    }

    /// A date ``finiteDouble(using:)`` seconds from 1970 (a `Date` from JSON is always finite).
    static func date(using rng: inout some RandomNumberGenerator) -> Date {
        Date(timeIntervalSince1970: finiteDouble(using: &rng))
    }

    static let ints = generator { (rng: inout Randomness) -> Int in int(using: &rng) }
    static let doubles = generator { (rng: inout Randomness) -> Double in double(using: &rng) }
    static let dates = generator { (rng: inout Randomness) -> Date in date(using: &rng) }
}

/// Text generators for parsers.
enum RandomText {
    /// A Unicode scalar, weighted towards what parsers and validators treat specially.
    static func scalar(using rng: inout some RandomNumberGenerator) -> Unicode.Scalar {
        let special: [Unicode.Scalar] = [
            "\0", "\t", "\n", "\r", "\u{1F}", " ", "\"", "\\", "/", "#", "?", "@", ".", "|", ":", "{", "}", "[", "]", ",",
            "\u{7F}", "\u{80}", "\u{9F}", "\u{A0}", "\u{FEFF}", "\u{FFFD}", "\u{10FFFF}", "é", "😀",
        ]
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return special.randomElement(using: &rng)!
        case 1: return Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &rng))
        default:
            while true {
                if let s = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &rng)) { return s }
            }
        }
    }

    /// A string of 0 to `maxLength` scalars from ``scalar(using:)``.
    static func string(maxLength: Int, using rng: inout some RandomNumberGenerator) -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...maxLength, using: &rng) { s.append(scalar(using: &rng)) }
        return String(s)
    }

    /// Strings of 0 to `maxLength` scalars.
    static func strings(maxLength: Int) -> Generator<String, Shrink.None<String>> {
        generator { rng in string(maxLength: maxLength, using: &rng) }
    }

    /// Mutates UTF-8 text the way a fuzzer would: flips, inserts, deletes or overwrites bytes, cuts
    /// the text, or splices in a token that tends to break JSON readers.
    static func mutate(_ bytes: [UInt8], using rng: inout some RandomNumberGenerator) -> [UInt8] {
        let tokens = [
            "1e308", "-1e308", "1e400", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "1.7976931348623157e309", "-0", "0.0000000000000000000001", "null", "true", "\"\\ud800\"", "\"\\u0000\"",
            "{}", "[]", "[[[[[[[[", "\"", "\\", ",", ":",
        ].map { Array($0.utf8) }
        var out = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let at = out.isEmpty ? 0 : Int.random(in: 0..<out.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0 where !out.isEmpty: out[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            case 1: out.insert(UInt8.random(in: 0...255, using: &rng), at: at)
            case 2 where !out.isEmpty: out.remove(at: at)
            case 3: out = Array(out.prefix(at))
            case 4 where !out.isEmpty:
                // Replace the number (or word) at `at` with a token.
                var end = at
                while end < out.count, !",:]} ".utf8.contains(out[end]) { end += 1 }
                out.replaceSubrange(at..<end, with: tokens.randomElement(using: &rng)!)
            default: out.insert(contentsOf: tokens.randomElement(using: &rng)!, at: at)
            }
        }
        return out
    }
}
