import Foundation
import HTTPTypes

/// What a request asks for, matched from its method and path as §2 and §9 say.
enum APIRoute: Sendable, Equatable {
    /// `POST orchestrators/{functionName}[/{instanceId}]`
    case start(functionName: String, instanceId: String?)
    /// `POST orchestrators/{functionName}/{instanceId}/signalWithStart/{eventName}` (our addition)
    case signalWithStart(functionName: String, instanceId: String, eventName: String)
    /// `GET instances`
    case list
    /// `DELETE instances`
    case purgeMany
    /// `GET instances/{instanceId}`
    case status(instanceId: String)
    /// `DELETE instances/{instanceId}`
    case purge(instanceId: String)
    /// `POST instances/{instanceId}/{operation}`
    case operation(instanceId: String, InstanceOperation)
    /// `POST instances/{instanceId}/raiseEvent/{eventName}`
    case raiseEvent(instanceId: String, eventName: String)
    /// `POST entities/{entityName}[/{entityKey}]?op=…`, or `DELETE` (operation `delete`)
    case signalEntity(name: String?, key: String, operation: String?)
    /// `GET entities/{entityName}/{entityKey}`
    case getEntity(name: String, key: String)
    /// `GET entities[/{entityName}]`
    case listEntities(name: String?)
    /// `POST entities/{entityName}/{entityKey}/breakLock?reason=…` (our addition): an operator
    /// breaks a stuck lock
    case breakEntityLock(name: String, key: String)
    /// `GET schedules` (our addition, as are the other schedule routes)
    case listSchedules
    /// `POST schedules`
    case createSchedule
    /// `GET schedules/{id}`
    case describeSchedule(id: String)
    /// `PUT schedules/{id}`
    case updateSchedule(id: String)
    /// `DELETE schedules/{id}`
    case deleteSchedule(id: String)
    /// `POST schedules/{id}/pause` or `…/resume`
    case pauseSchedule(id: String, pause: Bool)

    /// The route's name in metrics: its template, without the variable parts.
    var label: String {
        switch self {
        case .start: "start"
        case .signalWithStart: "signalWithStart"
        case .list: "listInstances"
        case .purgeMany: "purgeInstances"
        case .status: "status"
        case .purge: "purge"
        case .operation(_, let operation): operation.rawValue
        case .raiseEvent: "raiseEvent"
        case .signalEntity: "signalEntity"
        case .getEntity: "getEntity"
        case .listEntities: "listEntities"
        case .breakEntityLock: "breakEntityLock"
        case .listSchedules: "listSchedules"
        case .createSchedule: "createSchedule"
        case .describeSchedule: "describeSchedule"
        case .updateSchedule: "updateSchedule"
        case .deleteSchedule: "deleteSchedule"
        case .pauseSchedule(_, let pause): pause ? "pauseSchedule" : "resumeSchedule"
        }
    }

    /// The operations of `POST instances/{instanceId}/{operation}`.
    enum InstanceOperation: String, Sendable, CaseIterable {
        case terminate, suspend, resume, rewind, restart
    }

    /// Matches decoded path segments (relative to the base path). The first template that
    /// matches the path wins; a wrong method at that point, or no template, is `404`.
    static func match(method: HTTPRequest.Method, segments: [String]) throws(ManagementAPIError) -> APIRoute {
        guard let first = segments.first?.lowercased() else { throw .noRoute }
        let n = segments.count
        switch first {
        case "orchestrators":
            guard method == .post else { throw .noRoute }
            switch n {
            case 2: return .start(functionName: segments[1], instanceId: nil)
            case 3: return .start(functionName: segments[1], instanceId: segments[2])
            case 5 where segments[3].lowercased() == "signalwithstart":
                return .signalWithStart(functionName: segments[1], instanceId: segments[2], eventName: segments[4])
            default: throw .noRoute
            }
        case "entities":
            if n == 4, method == .post, segments[3].lowercased() == "breaklock" {
                return .breakEntityLock(name: segments[1], key: segments[2])
            }
            guard n <= 3 else { throw .noRoute }
            let name = n >= 2 ? segments[1] : nil
            let key = n == 3 ? segments[2] : ""
            switch method {
            case .post: return .signalEntity(name: name, key: key, operation: nil)
            case .delete: return .signalEntity(name: name, key: key, operation: "delete")
            case .get where n == 3: return .getEntity(name: segments[1], key: segments[2])
            case .get: return .listEntities(name: name)
            default: throw .noRoute
            }
        case "instances":
            switch (n, method) {
            case (1, .get): return .list
            case (1, .delete): return .purgeMany
            case (2, .get): return .status(instanceId: segments[1])
            case (2, .delete): return .purge(instanceId: segments[1])
            case (3, .post):
                guard let op = InstanceOperation.allCases.first(where: { $0.rawValue == segments[2].lowercased() }) else {
                    throw .noRoute
                }
                return .operation(instanceId: segments[1], op)
            case (4, .post) where segments[2].lowercased() == "raiseevent":
                return .raiseEvent(instanceId: segments[1], eventName: segments[3])
            default: throw .noRoute
            }
        case "schedules":
            switch (n, method) {
            case (1, .get): return .listSchedules
            case (1, .post): return .createSchedule
            case (2, .get): return .describeSchedule(id: segments[1])
            case (2, .put): return .updateSchedule(id: segments[1])
            case (2, .delete): return .deleteSchedule(id: segments[1])
            case (3, .post) where ["pause", "resume"].contains(segments[2].lowercased()):
                return .pauseSchedule(id: segments[1], pause: segments[2].lowercased() == "pause")
            default: throw .noRoute
            }
        default:
            throw .noRoute
        }
    }

    /// Splits a raw request path, checks that it starts with the base path (case-insensitively)
    /// and percent-decodes each remaining segment. A trailing `/` is ignored. Returns `nil` if the
    /// path is not under the base path.
    /// - Throws: `404` for an empty inner segment (`a//b`); `400` for a malformed `%` escape.
    static func segments(path: String, basePath: [String]) throws(ManagementAPIError) -> [String]? {
        var raw = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if raw.first == "" { raw.removeFirst() }
        while raw.last == "" { raw.removeLast() }
        guard raw.count >= basePath.count else { return nil }
        for (segment, expected) in zip(raw, basePath) {
            guard segment.removingPercentEncoding?.lowercased() == expected else { return nil }
        }
        var decoded: [String] = []
        for segment in raw.dropFirst(basePath.count) {
            guard !segment.isEmpty else { throw .noRoute }
            guard let value = segment.removingPercentEncoding else {
                throw .badRequest("the path segment '\(segment)' has a malformed percent escape")
            }
            decoded.append(value)
        }
        return decoded
    }
}
