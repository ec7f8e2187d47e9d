public import Foundation

/// The stored state of an instance: what clients read.
public struct OrchestrationMetadata: Codable, Sendable, Hashable {
    /// The instance ID.
    public var instanceId: String
    /// The orchestrator name.
    public var name: String
    /// The current execution ID.
    public var executionId: String
    /// The runtime status.
    public var runtimeStatus: OrchestrationStatus
    /// When the instance was created.
    public var createdAt: Date
    /// When its state last changed.
    public var lastUpdatedAt: Date
    /// The serialized input.
    public var input: String?
    /// The serialized output (terminal statuses; the reason, for `terminated`).
    public var output: String?
    /// The serialized custom status.
    public var customStatus: String?
    /// The failure, for `failed`.
    public var failureDetails: FailureDetails?
    /// The version given at start.
    public var version: String?
    /// The parent's instance ID, for sub-orchestrations.
    public var parentInstanceId: String?
    /// When the instance may start, if it was scheduled for later.
    public var scheduledStartTime: Date?

    /// Creates metadata.
    public init(
        instanceId: String, name: String, executionId: String, runtimeStatus: OrchestrationStatus,
        createdAt: Date, lastUpdatedAt: Date, input: String? = nil, output: String? = nil,
        customStatus: String? = nil, failureDetails: FailureDetails? = nil, version: String? = nil,
        parentInstanceId: String? = nil, scheduledStartTime: Date? = nil
    ) {
        self.instanceId = instanceId
        self.name = name
        self.executionId = executionId
        self.runtimeStatus = runtimeStatus
        self.createdAt = createdAt
        self.lastUpdatedAt = lastUpdatedAt
        self.input = input
        self.output = output
        self.customStatus = customStatus
        self.failureDetails = failureDetails
        self.version = version
        self.parentInstanceId = parentInstanceId
        self.scheduledStartTime = scheduledStartTime
    }

    /// Decodes the output.
    public func output<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try PayloadCoding.decodeOrThrow(T.self, from: output, what: "the output of '\(instanceId)'")
    }

    /// Decodes the input.
    public func input<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try PayloadCoding.decodeOrThrow(T.self, from: input, what: "the input of '\(instanceId)'")
    }

    /// Decodes the custom status.
    public func customStatus<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try PayloadCoding.decodeOrThrow(T.self, from: customStatus, what: "the custom status of '\(instanceId)'")
    }
}
