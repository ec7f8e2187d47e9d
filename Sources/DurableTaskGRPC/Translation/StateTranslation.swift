import DurableTask
import Foundation
import SwiftProtobuf

/// Instance state and queries on the wire.
enum StateTranslation {
    /// The wire state of an instance; inputs, outputs and custom status only when asked for.
    static func proto(_ m: OrchestrationMetadata, withPayloads: Bool) -> ProtoOrchestrationState {
        var s = ProtoOrchestrationState()
        s.instanceID = m.instanceId
        s.name = m.name
        if let version = m.version { s.version = .init(version) }
        s.orchestrationStatus = m.runtimeStatus.proto
        if let at = m.scheduledStartTime { s.scheduledStartTimestamp = .clamped(at) }
        s.createdTimestamp = .clamped(m.createdAt)
        s.lastUpdatedTimestamp = .clamped(m.lastUpdatedAt)
        if m.runtimeStatus.isTerminal { s.completedTimestamp = .clamped(m.lastUpdatedAt) }
        if withPayloads {
            if let input = m.input { s.input = .init(input) }
            if let output = m.output { s.output = .init(output) }
            if let custom = m.customStatus { s.customStatus = .init(custom) }
        }
        if let failure = m.failureDetails { s.failureDetails = failure.proto }
        s.executionID = .init(m.executionId)
        if let parent = m.parentInstanceId { s.parentInstanceID = .init(parent) }
        return s
    }

    /// The statuses a wire list names; `nil` for an empty list (any status).
    static func statuses(_ list: [ProtoOrchestrationStatus]) -> Set<OrchestrationStatus>? {
        let statuses = Set(list.compactMap(OrchestrationStatus.init))
        return statuses.isEmpty ? nil : statuses
    }

    /// The wire form of an entity's metadata.
    static func proto(_ e: EntityMetadata, includeState: Bool) -> ProtoEntityMetadata {
        var m = ProtoEntityMetadata()
        m.instanceID = e.id.instanceId
        m.lastModifiedTime = .clamped(e.lastModifiedTime)
        m.backlogQueueSize = Int32(clamping: e.backlog)
        if let holder = e.lockedBy { m.lockedBy = .init(holder) }
        if includeState, let state = e.state { m.serializedState = .init(state) }
        return m
    }

    /// Reads a `grpc-timeout` header value (`"100m"`, `"30S"`, ...): the call's deadline.
    static func timeout(_ header: String?) -> Duration? {
        // The header is the caller's: at most 8 digits by the gRPC spec, and never trusted to fit.
        guard let header, let unit = header.last, header.count <= 9, let amount = Int64(header.dropLast()), amount >= 0
        else { return nil }
        switch unit {
        case "H": return .seconds(amount * 3600)
        case "M": return .seconds(amount * 60)
        case "S": return .seconds(amount)
        case "m": return .milliseconds(amount)
        case "u": return .microseconds(amount)
        case "n": return .nanoseconds(amount)
        default: return nil
        }
    }
}
