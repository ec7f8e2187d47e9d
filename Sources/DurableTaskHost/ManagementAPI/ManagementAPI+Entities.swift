import DurableTask
import Foundation
import HTTPTypes
import Hummingbird

extension ManagementAPI {
    /// §4.9: `POST entities/{name}/{key}?op=…` (or `DELETE`, operation `delete`) signals; `202`.
    func signalEntity(name: String?, key: String, operation: String?, _ call: inout APICall) async throws -> Response {
        guard let name, !name.isEmpty else { throw ManagementAPIError.badRequest("the entity name is missing: use entities/{name}/{key}") }
        let id = EntityID(name: name, key: key)
        do { try id.validate() } catch let error as DurableTaskError { throw ManagementAPIError.badRequest(error.message) }
        if let known = configuration.entityNames, !known.contains(id.name) {
            throw ManagementAPIError(.badRequest, .unknownFunction, "no entity named '\(name)' is registered")
        }
        let bytes = try await call.body()
        var input: JSONValue?
        if !bytes.isEmpty {
            let mediaType = call.request.headers[.contentType]?.split(separator: ";").first?
                .trimmingCharacters(in: .whitespaces).lowercased()
            if mediaType == "application/json" {
                do { input = try JSONValue.parse(bytes) } catch {
                    throw ManagementAPIError.invalidJSON("Could not parse JSON content: \(error)")
                }
            } else {
                // Any other content is sent as a JSON string.
                input = .string(String(decoding: bytes, as: UTF8.self))
            }
        }
        try await client.signalEntity(id, operation: operation ?? call.query["op"] ?? "", rawInput: input?.serialized)
        return APIResponses.empty(.accepted)
    }

    /// `POST entities/{name}/{key}/breakLock?reason=…`: breaks the entity's lock, whoever holds it;
    /// the entity records the break with the reason. `202`.
    func breakEntityLock(name: String, key: String, _ call: APICall) async throws -> Response {
        let id = EntityID(name: name, key: key == "$" ? "" : key)
        do { try id.validate() } catch let error as DurableTaskError { throw ManagementAPIError.badRequest(error.message) }
        let reason = call.query["reason"] ?? "broken through the management API"
        try await client.breakEntityLock(id, reason: reason)
        return APIResponses.empty(.accepted)
    }

    /// §4.10: `GET entities/{name}/{key}`: `200` with the state itself; `404` if none. Key `$` is the empty key.
    func getEntity(name: String, key: String) async throws -> Response {
        let id = EntityID(name: name, key: key == "$" ? "" : key)
        guard let entity = try await client.getEntity(id) else {
            throw ManagementAPIError.notFound("entity \(id) does not exist or has no state")
        }
        return APIResponses.json(JSONValue.embedding(entity.state), status: .ok)
    }

    /// §4.11: `GET entities[/{name}]`: one page of entities with state; paging as for instances.
    func listEntities(name: String?, _ call: APICall) async throws -> Response {
        let q = call.query
        let pageSize = try q.top()
        let fetchState = q.bool("fetchState", default: false)
        // A name filter matches the whole name: the query's prefix ends at the key separator.
        let query = EntityQuery(
            namePrefix: name.map { $0.lowercased() + "@" }, lastModifiedFrom: try q.timestamp("lastOperationTimeFrom"),
            lastModifiedTo: try q.timestamp("lastOperationTimeTo") ?? Date(), pageSize: pageSize,
            continuationToken: call.continuationToken, includeState: fetchState)
        let page = try await client.queryEntities(query)
        var headers = HTTPFields()
        if let next = page.continuationToken { headers[APIResponses.continuationToken] = next }
        let items = page.entities.map { entity -> JSONValue in
            .object([
                ("entityId", .object([("name", .string(entity.id.name)), ("key", .string(entity.id.key))])),
                ("lastOperationTime", .string(APITimestamps.precise(entity.lastModifiedTime))),
                ("state", fetchState ? JSONValue.embedding(entity.state) : .null),
                ("lockedBy", .string(orNull: entity.lockedBy)),
            ])
        }
        return APIResponses.json(.array(items), status: .ok, headers: headers)
    }
}
