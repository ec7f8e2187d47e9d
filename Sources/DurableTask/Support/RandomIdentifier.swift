package import Foundation

/// Random identifiers (instance IDs, execution IDs, lease tokens, nonces) drawn from
/// `SystemRandomNumberGenerator`, which asks the kernel (`getrandom`) and needs no file
/// descriptor.
///
/// Foundation's `UUID()` on Linux reads `/dev/urandom`; in a process that has run out of
/// descriptors it returns the same all-zero UUID every time, so instance IDs and fencing
/// tokens would collide exactly when the process is under the most stress.
package enum RandomIdentifier {
    /// A random version-4 UUID.
    package static func uuid() -> UUID {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: high >> (8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: low >> (8 * UInt64(i)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
    }

    /// A random UUID in its usual text form (upper-case, with dashes), like `UUID().uuidString`.
    package static func uuidString() -> String {
        uuid().uuidString
    }

    /// 32 lower-case hexadecimal digits: the form of a generated instance ID.
    package static func compact() -> String {
        uuidString().replacingOccurrences(of: "-", with: "").lowercased()
    }
}
