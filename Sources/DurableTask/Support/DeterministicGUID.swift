import Crypto
import Foundation

/// Name-based, deterministic UUIDs (RFC 4122 §4.3, version 5): the same inputs give the same
/// UUID in every process, and the same as the Durable Task SDKs give.
enum DeterministicGUID {
    /// RFC 4122 Appendix C's namespace for ISO OIDs.
    static let oidNamespace = UUID(uuid: (
        0x6b, 0xa7, 0xb8, 0x12, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8))

    /// The namespace of orchestration GUIDs, as durabletask-python's `new_uuid` derives it:
    /// `uuid5(NAMESPACE_OID, "9e952958-5e33-4daf-827f-2fa12937b875")`, which is
    /// 5bf3dc27-d91d-5ea7-9c3e-9f1f2ae7c309. (durabletask-dotnet hashes under the UUID
    /// 9e952958-… itself, and Durable Functions' in-process `NewGuid` under 9e952959-…, so the
    /// .NET SDKs give other GUIDs for the same inputs; we follow the Python SDK.)
    static let orchestrationNamespace = version5(namespace: oidNamespace, name: "9e952958-5e33-4daf-827f-2fa12937b875")

    /// The UUID version 5 of `name` in `namespace`: SHA-1 over the namespace's 16 bytes and then
    /// the name's UTF-8 bytes; the first 16 bytes of the digest, with version nibble 5 and variant `10`.
    static func version5(namespace: UUID, name: String) -> UUID {
        var hasher = Insecure.SHA1()
        withUnsafeBytes(of: namespace.uuid) { hasher.update(bufferPointer: $0) }
        hasher.update(data: Array(name.utf8))
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// The GUID number `counter` (from 0) of an orchestration episode whose current time is `time`.
    static func orchestrationGUID(instanceId: String, time: Date, counter: Int) -> UUID {
        version5(namespace: orchestrationNamespace, name: orchestrationName(instanceId: instanceId, time: time, counter: counter))
    }

    /// The name hashed for an orchestration GUID, durabletask-python's
    /// `f"{instance_id}_{current_utc_datetime.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}_{counter}"`,
    /// for example `order-7_2023-11-14T22:13:20.123456Z_0`.
    ///
    /// The time has exactly six fractional digits, Python's `%f`, not the seven of .NET's `"o"`
    /// format: our Python test suite runs the real Python SDK, and the sidecar hands that SDK turn
    /// times rounded to whole microseconds, as ``DurableTime/micros(_:)`` rounds them here. The
    /// year has four digits (ISO 8601); only a time before the year 1000 would print otherwise
    /// in CPython on glibc, which does not pad `%Y`.
    static func orchestrationName(instanceId: String, time: Date, counter: Int) -> String {
        let micros = DurableTime.micros(time)
        let (seconds, fraction) = CivilTime.floorDivide(micros, 1_000_000)
        let stamp = CivilTime.dateTime(seconds: seconds) + "." + CivilTime.pad(fraction, 6) + "Z"
        return "\(instanceId)_\(stamp)_\(counter)"
    }
}
