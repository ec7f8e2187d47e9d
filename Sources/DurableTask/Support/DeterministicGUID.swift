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
        let (seconds, fraction) = floorDivide(micros, 1_000_000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = civilDate(daysSince1970: days)
        let stamp = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2) + "." + pad(fraction, 6) + "Z"
        return "\(instanceId)_\(stamp)_\(counter)"
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`), as Python's `datetime` counts; Foundation's Gregorian calendar would
    /// switch to the Julian one before 1582.
    private static func civilDate(daysSince1970: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
        let r = a % b
        return r < 0 ? (a / b - 1, r + b) : (a / b, r)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
