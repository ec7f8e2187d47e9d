import SwiftProtobuf
import DurableTask

/// What one connected worker said it can run (`GetWorkItemsRequest.workItemFilters`). A worker
/// that sent no filters takes every kind of work.
struct WorkItemFilters: Sendable {
    /// Orchestrator names and, per name, the accepted versions (empty: any version). `nil`: any.
    var orchestrations: [String: Set<String>]?
    /// Activity names and versions. `nil`: any. Activities are matched by name only: the engine
    /// records no version for an activity (an orchestration's activities run under its version).
    var activities: [String: Set<String>]?
    /// Entity names, lowercased. `nil`: any.
    var entities: Set<String>?

    /// No filters: everything.
    static let all = WorkItemFilters()

    init(orchestrations: [String: Set<String>]? = nil, activities: [String: Set<String>]? = nil, entities: Set<String>? = nil) {
        self.orchestrations = orchestrations
        self.activities = activities
        self.entities = entities
    }

    /// Reads the request's filters; a request without them takes everything.
    init(_ request: ProtoGetWorkItemsRequest) {
        guard request.hasWorkItemFilters else {
            self = .all
            return
        }
        let f = request.workItemFilters
        orchestrations = Dictionary(f.orchestrations.map { ($0.name, Set($0.versions)) }, uniquingKeysWith: { $0.union($1) })
        activities = Dictionary(f.activities.map { ($0.name, Set($0.versions)) }, uniquingKeysWith: { $0.union($1) })
        entities = Set(f.entities.map { $0.name.lowercased() })
    }

    func accepts(orchestration name: String, version: String?) -> Bool {
        Self.matches(orchestrations, name, version)
    }

    func accepts(activity name: String) -> Bool {
        activities.map { $0[name] != nil } ?? true
    }

    func accepts(entity name: String) -> Bool {
        entities?.contains(name.lowercased()) ?? true
    }

    private static func matches(_ table: [String: Set<String>]?, _ name: String, _ version: String?) -> Bool {
        guard let table else { return true }
        guard let versions = table[name] else { return false }
        return versions.isEmpty || versions.contains(version ?? "")
    }
}
