public import Foundation

/// Name-based, deterministic UUIDs: the same inputs give the same UUID in every process.
enum DeterministicGUID {
    /// Derives a UUID (version 5 layout) from a name using two FNV-1a 64-bit hashes.
    static func make(name: String) -> UUID {
        let a = fnv1a(name.utf8, seed: 0xcbf2_9ce4_8422_2325)
        let b = fnv1a(name.utf8, seed: 0x8422_2325_cbf2_9ce4 ^ a)
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: a >> (UInt64(i) * 8))
            bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (UInt64(i) * 8))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    private static func fnv1a(_ bytes: String.UTF8View, seed: UInt64) -> UInt64 {
        var h = seed
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}
