import DurableTask
import Foundation
import HTTPTypes
import Hummingbird

extension ManagementAPI {
    /// §4.3: `GET instances`, one page; the next page's token is in `x-ms-continuation-token`,
    /// which is left out on the last page (§9).
    func list(_ call: APICall) async throws -> Response {
        let q = call.query
        let pageSize = try q.top()
        let query = InstanceQuery(
            statuses: q.runtimeStatuses(), createdFrom: try q.timestamp("createdTimeFrom"),
            createdTo: try q.timestamp("createdTimeTo"), instanceIdPrefix: q["instanceIdPrefix"], pageSize: pageSize,
            continuationToken: call.continuationToken)
        let page = try await client.queryInstances(query)
        let showInput = q.bool("showInput", default: true)
        var headers = HTTPFields()
        if let next = page.continuationToken { headers[APIResponses.continuationToken] = next }
        return APIResponses.json(
            .array(page.instances.map { StatusPayload.object($0, showInput: showInput) }), status: .ok, headers: headers)
    }

    /// §4.4: `DELETE instances/{instanceId}`. The store refuses a live instance: `409 invalid_state`.
    func purge(_ id: String) async throws -> Response {
        let deleted: Bool
        do {
            deleted = try await client.purgeInstance(id)
        } catch let error as DurableTaskError where error.code == .invalidArgument {
            throw ManagementAPIError.invalidState(error.message)
        }
        guard deleted else { throw ManagementAPIError.noInstance(id) }
        return APIResponses.json(.object([("instancesDeleted", .integer(1))]), status: .ok)
    }

    /// §4.5: `DELETE instances?createdTimeFrom=…`. Deletes finished instances only (§9).
    func purgeMany(_ call: APICall) async throws -> Response {
        let q = call.query
        guard let from = try q.timestamp("createdTimeFrom") else {
            throw ManagementAPIError.badRequest("Please provide value for 'createdTimeFrom' parameter.")
        }
        let to = try q.timestamp("createdTimeTo") ?? Date()
        var filter = PurgeInstancesFilter(createdFrom: from, createdTo: to)
        if let statuses = q.runtimeStatuses() { filter = PurgeInstancesFilter(createdFrom: from, createdTo: to, statuses: statuses) }
        let count = filter.statuses.isEmpty ? 0 : try await client.purgeInstances(filter)
        guard count > 0 else { throw ManagementAPIError.notFound("no finished instance matched the filter") }
        return APIResponses.json(.object([("instancesDeleted", .integer(count))]), status: .ok)
    }
}
