import DurableTask
import Foundation
import SwiftProtobuf

// Small conversions between the wire's wrapper types and Swift values.

extension Google_Protobuf_Timestamp {
    /// The time, clamped to years 1 to 9999 as the engine keeps times. Never traps, unlike
    /// SwiftProtobuf's `date`, whose `seconds - 978307200` overflows for seconds near `Int64.min`:
    /// one such timestamp from a client (a scheduled start, a timer) crashed the host.
    var clampedDate: Date {
        // SwiftProtobuf's arithmetic, checked: the same Date for every time that has one.
        let (since2001, overflow) = seconds.subtractingReportingOverflow(Int64(Date.timeIntervalBetween1970AndReferenceDate))
        guard !overflow else { return DurableTime.earliest }
        return DurableTime.clamped(Date(timeIntervalSinceReferenceDate: TimeInterval(since2001) + TimeInterval(nanos) / 1e9))
    }

    /// Converts a time to whole microseconds (the SDKs print turn times to the microsecond and
    /// derive IDs from them) without trapping: times beyond what a `Timestamp` holds are clamped
    /// to its range (years 1 to 9999).
    static func clamped(_ date: Date) -> Google_Protobuf_Timestamp {
        let lowest = -62_135_596_800.0, highest = 253_402_300_799.0
        var seconds = date.timeIntervalSince1970
        if !seconds.isFinite { seconds = seconds > 0 ? highest : lowest }
        seconds = min(max(seconds, lowest), highest)
        let micros = (seconds * 1_000_000).rounded()
        let whole = (micros / 1_000_000).rounded(.down)
        var t = Google_Protobuf_Timestamp()
        t.seconds = Int64(whole)
        t.nanos = Int32(min(999_999, max(0, micros - whole * 1_000_000))) * 1000
        return t
    }
}

extension OrchestrationStatus {
    /// The wire status.
    var proto: ProtoOrchestrationStatus {
        switch self {
        case .pending: .pending
        case .running: .running
        case .completed: .completed
        case .continuedAsNew: .continuedAsNew
        case .failed: .failed
        case .canceled: .canceled
        case .terminated: .terminated
        case .suspended: .suspended
        }
    }

    /// The status a wire status names; `nil` for values this build does not know.
    init?(_ proto: ProtoOrchestrationStatus) {
        switch proto {
        case .pending: self = .pending
        case .running: self = .running
        case .completed: self = .completed
        case .continuedAsNew: self = .continuedAsNew
        case .failed: self = .failed
        case .canceled: self = .canceled
        case .terminated: self = .terminated
        case .suspended: self = .suspended
        default: return nil
        }
    }
}

extension FailureDetails {
    /// The wire form.
    var proto: ProtoTaskFailureDetails {
        var details = ProtoTaskFailureDetails()
        details.errorType = errorType
        details.errorMessage = errorMessage
        if let stackTrace { details.stackTrace = Google_Protobuf_StringValue(stackTrace) }
        details.isNonRetriable = isNonRetriable
        if let inner = innerFailure { details.innerFailure = inner.proto }
        return details
    }

    /// Reads the wire form.
    init(_ proto: ProtoTaskFailureDetails) {
        self.init(
            errorType: proto.errorType, errorMessage: proto.errorMessage,
            stackTrace: proto.hasStackTrace ? proto.stackTrace.value : nil,
            innerFailure: proto.hasInnerFailure ? FailureDetails(proto.innerFailure) : nil,
            isNonRetriable: proto.isNonRetriable)
    }
}
