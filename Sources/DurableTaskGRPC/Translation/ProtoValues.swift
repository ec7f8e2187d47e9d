import DurableTask
import Foundation
import SwiftProtobuf

// Small conversions between the wire's wrapper types and Swift values.

extension Google_Protobuf_Timestamp {
    /// Converts a time that may be far from now without trapping: times beyond what a
    /// `Timestamp` holds are clamped to its range (years 1 to 9999).
    static func clamped(_ date: Date) -> Google_Protobuf_Timestamp {
        let seconds = date.timeIntervalSince1970
        let lowest = -62_135_596_800.0, highest = 253_402_300_799.0
        guard seconds.isFinite else { return Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: seconds > 0 ? highest : lowest)) }
        return Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: min(max(seconds, lowest), highest)))
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
