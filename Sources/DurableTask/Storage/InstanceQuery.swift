public import Foundation

/// A filter and page request for ``OrchestrationStore/queryInstances(_:)``.
///
/// Results are ordered by creation time, then instance ID.
public struct InstanceQuery: Sendable, Hashable {
    /// Only these statuses (`nil`: any).
    public var statuses: Set<OrchestrationStatus>?
    /// Created at or after this time.
    public var createdFrom: Date?
    /// Created at or before this time.
    public var createdTo: Date?
    /// Only instances of this orchestrator name.
    public var name: String?
    /// Only instance IDs starting with this prefix.
    public var instanceIdPrefix: String?
    /// The maximum number of instances per page.
    public var pageSize: Int
    /// The token from the previous page, or `nil` for the first page.
    public var continuationToken: String?
    /// Whether to return inputs, outputs and custom statuses.
    public var fetchInputsAndOutputs: Bool

    /// Creates a query.
    public init(
        statuses: Set<OrchestrationStatus>? = nil, createdFrom: Date? = nil, createdTo: Date? = nil,
        name: String? = nil, instanceIdPrefix: String? = nil, pageSize: Int = 100,
        continuationToken: String? = nil, fetchInputsAndOutputs: Bool = true
    ) {
        self.statuses = statuses
        self.createdFrom = createdFrom
        self.createdTo = createdTo
        self.name = name
        self.instanceIdPrefix = instanceIdPrefix
        self.pageSize = pageSize
        self.continuationToken = continuationToken
        self.fetchInputsAndOutputs = fetchInputsAndOutputs
    }

    /// Whether metadata passes the filter (ignoring paging).
    package func matches(_ m: OrchestrationMetadata) -> Bool {
        if let statuses, !statuses.contains(m.runtimeStatus) { return false }
        if let createdFrom, m.createdAt < createdFrom { return false }
        if let createdTo, m.createdAt > createdTo { return false }
        if let name, m.name != name { return false }
        if let instanceIdPrefix, !m.instanceId.hasPrefix(instanceIdPrefix) { return false }
        return true
    }
}

/// One page of query results.
public struct InstanceQueryResult: Sendable {
    /// The instances on this page.
    public var instances: [OrchestrationMetadata]
    /// Pass this to get the next page; `nil` when there are no more.
    public var continuationToken: String?

    /// Creates a page.
    public init(instances: [OrchestrationMetadata], continuationToken: String?) {
        self.instances = instances
        self.continuationToken = continuationToken
    }
}

/// Which finished instances ``OrchestrationStore/purgeInstances(_:)`` deletes.
public struct PurgeInstancesFilter: Sendable, Hashable {
    /// Created at or after this time.
    public var createdFrom: Date?
    /// Created at or before this time.
    public var createdTo: Date?
    /// Only these statuses; must be terminal. Default: completed, failed, terminated, canceled.
    public var statuses: Set<OrchestrationStatus>

    /// Creates a filter.
    public init(
        createdFrom: Date? = nil, createdTo: Date? = nil,
        statuses: Set<OrchestrationStatus> = [.completed, .failed, .terminated, .canceled]
    ) {
        self.createdFrom = createdFrom
        self.createdTo = createdTo
        self.statuses = statuses.filter(\.isTerminal)
    }
}
