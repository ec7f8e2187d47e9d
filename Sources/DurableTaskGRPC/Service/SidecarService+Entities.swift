import DurableTask
import Foundation
import GRPCCore
import SwiftProtobuf

extension SidecarService {
    func signalEntity(request: ProtoSignalEntityRequest, context: ServerContext) async throws -> ProtoSignalEntityResponse {
        try await RPCErrors.mapping {
            guard let entity = EntityID(instanceId: request.instanceID) else {
                throw RPCErrors.invalid("'\(request.instanceID)' is not an entity ID (@name@key)")
            }
            try entity.validate()
            try await client.signalEntity(
                entity, operation: request.name, rawInput: request.hasInput ? request.input.value : nil,
                at: request.hasScheduledTime ? request.scheduledTime.clampedDate : nil)
            return ProtoSignalEntityResponse()
        }
    }

    func getEntity(request: ProtoGetEntityRequest, context: ServerContext) async throws -> ProtoGetEntityResponse {
        try await RPCErrors.mapping {
            guard let entity = EntityID(instanceId: request.instanceID) else {
                throw RPCErrors.invalid("'\(request.instanceID)' is not an entity ID (@name@key)")
            }
            var response = ProtoGetEntityResponse()
            if let metadata = try await client.getEntity(entity) {
                response.exists = true
                response.entity = StateTranslation.proto(metadata, includeState: request.includeState)
            }
            return response
        }
    }

    func queryEntities(request: ProtoQueryEntitiesRequest, context: ServerContext) async throws -> ProtoQueryEntitiesResponse {
        try await RPCErrors.mapping {
            let q = request.query
            var prefix: String?
            if q.hasInstanceIDStartsWith, !q.instanceIDStartsWith.value.isEmpty {
                // The SDKs send "@name" or "@name@key-prefix"; the core filters by name prefix.
                let text = q.instanceIDStartsWith.value
                prefix = String(text.drop(while: { $0 == "@" }))
            }
            let query = EntityQuery(
                namePrefix: prefix, lastModifiedFrom: q.hasLastModifiedFrom ? q.lastModifiedFrom.clampedDate : nil,
                lastModifiedTo: q.hasLastModifiedTo ? q.lastModifiedTo.clampedDate : nil,
                pageSize: q.hasPageSize && q.pageSize.value > 0 ? Int(q.pageSize.value) : 100,
                continuationToken: q.hasContinuationToken && !q.continuationToken.value.isEmpty ? q.continuationToken.value : nil,
                includeState: q.includeState)
            let page = try await client.queryEntities(query)
            var response = ProtoQueryEntitiesResponse()
            response.entities = page.entities.map { StateTranslation.proto($0, includeState: q.includeState) }
            if let token = page.continuationToken { response.continuationToken = .init(token) }
            return response
        }
    }

    func cleanEntityStorage(request: ProtoCleanEntityStorageRequest, context: ServerContext) async throws
        -> ProtoCleanEntityStorageResponse
    {
        try await RPCErrors.mapping {
            let result = try await client.cleanEntityStorage(
                removeEmptyEntities: request.removeEmptyEntities, releaseOrphanedLocks: request.releaseOrphanedLocks)
            var response = ProtoCleanEntityStorageResponse()
            response.emptyEntitiesRemoved = Int32(clamping: result.emptyEntitiesRemoved)
            response.orphanedLocksReleased = Int32(clamping: result.orphanedLocksReleased)
            return response
        }
    }
}
