import DurableTask
import Foundation
import HTTPTypes
import Hummingbird

extension ManagementAPI {
    /// §4.6: `POST instances/{instanceId}/raiseEvent/{eventName}`; checks in the order §4.6 lists.
    func raiseEvent(_ id: String, name: String, _ call: inout APICall) async throws -> Response {
        // Refused before anything is read: an entity, or a name the engine reserves (the client's rule).
        do {
            try ExternalEvent.validate(to: id, name: name)
        } catch let error as DurableTaskError {
            throw ManagementAPIError.badRequest(error.message)
        }
        guard let metadata = try await client.getInstance(id) else { throw ManagementAPIError.noInstance(id) }
        guard metadata.runtimeStatus.isLive else {
            throw ManagementAPIError.gone("instance '\(id)' has finished (\(metadata.runtimeStatus.rawValue))")
        }
        let mediaType = call.request.headers[.contentType]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            throw ManagementAPIError(.badRequest, .unsupportedMediaType, "Only application/json request content is supported")
        }
        guard let value = try await call.jsonBody() else {
            throw ManagementAPIError.invalidJSON("the body is empty; send JSON (null for no data)")
        }
        try await client.raiseEvent(id, name: name, rawInput: value.serialized)
        return APIResponses.empty(.accepted)
    }

    /// §4.7 and §4.8 with the §9 decisions: terminate, suspend, resume, rewind, restart.
    func perform(_ operation: APIRoute.InstanceOperation, on id: String, _ call: inout APICall) async throws -> Response {
        if operation == .restart { return try await restart(id, call) }
        guard let metadata = try await client.getInstance(id) else { throw ManagementAPIError.noInstance(id) }
        let status = metadata.runtimeStatus
        let reason = call.query["reason"]
        func finished() -> ManagementAPIError { .gone("instance '\(id)' has finished (\(status.rawValue))") }
        switch operation {
        case .terminate:
            guard status.isLive else { throw finished() }
            try await client.terminate(id, reason: reason)
        case .suspend:
            guard status.isLive else { throw finished() }
            guard status != .suspended else { throw ManagementAPIError.invalidState("instance '\(id)' is already suspended") }
            try await client.suspend(id, reason: reason)
        case .resume:
            guard status.isLive else { throw finished() }
            guard status == .suspended else {
                throw ManagementAPIError.invalidState("instance '\(id)' is \(status.rawValue), not suspended")
            }
            try await client.resume(id, reason: reason)
        case .rewind:
            switch status {
            case .failed:
                try await client.rewind(id, reason: reason)
            case .completed, .terminated, .canceled: throw finished()
            default: throw ManagementAPIError.invalidState("only a failed instance can be rewound; '\(id)' is \(status.rawValue)")
            }
        case .restart:
            break
        }
        return APIResponses.empty(.accepted)
    }

    /// §4.8: restarts with the stored name and input, under a new ID (default) or the same one
    /// (`restartWithNewInstanceId=false`, which is `409 conflict` while the instance is live).
    func restart(_ id: String, _ call: APICall) async throws -> Response {
        let newId = call.query.bool("restartWithNewInstanceId", default: true)
        let started = try await client.restart(id, newInstanceId: newId)
        return try await startedResponse(started, call)
    }
}
