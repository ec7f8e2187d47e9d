import DurableTask
import Foundation
import HTTPTypes
import Hummingbird

extension ManagementAPI {
    /// §4.1: `POST orchestrators/{functionName}[/{instanceId}]`. A live ID is `409 conflict`,
    /// decided atomically by the store (reuse policy `.fail`); a finished one is replaced.
    func start(name: String, instanceId: String?, _ call: inout APICall) async throws -> Response {
        let name = try resolveOrchestrator(name)
        if let instanceId { try Self.validateInstanceID(instanceId) }
        let input = try await call.jsonBody()?.serialized
        let result = try await client.scheduleNewOrchestration(
            named: name, rawInput: input, options: .init(instanceId: instanceId, reusePolicy: .fail))
        return try await startedResponse(result.instanceId, call)
    }

    /// Our addition: `POST orchestrators/{functionName}/{instanceId}/signalWithStart/{eventName}`
    /// with an optional body `{"input": any, "eventData": any}`. One atomic store operation raises
    /// the event on the live instance, or starts the instance and then gives it the event. The
    /// header `x-durable-created` says which happened. The client validates the instance ID (after
    /// the body is read); its `invalidArgument` is answered `400 invalid_instance_id`.
    func signalWithStart(name: String, instanceId: String, eventName: String, _ call: inout APICall) async throws -> Response {
        let name = try resolveOrchestrator(name)
        // The event name's rule is raise-event's (§4.6), refused before the body is read.
        do {
            try ExternalEvent.validate(name: eventName)
        } catch let error as DurableTaskError {
            throw ManagementAPIError.badRequest(error.message)
        }
        var input: String?
        var eventData: String?
        if let body = try await call.jsonBody() {
            guard case .object(let members) = body else {
                throw ManagementAPIError.badRequest(#"the body must be a JSON object: {"input": …, "eventData": …}"#)
            }
            for member in members {
                switch member.key {
                case "input": input = member.value.serialized
                case "eventData": eventData = member.value.serialized
                default: throw ManagementAPIError.badRequest("unknown body member '\(member.key)'; expected 'input' and 'eventData'")
                }
            }
        }
        let result: CreateInstanceResult
        do {
            result = try await client.signalWithStart(
                orchestratorNamed: name, instanceId: instanceId, rawInput: input, eventName: eventName, rawEventPayload: eventData)
        } catch let error as DurableTaskError where error.code == .invalidArgument {
            throw ManagementAPIError(.badRequest, .invalidInstanceID, error.message)
        }
        var response = checkStatus(result.instanceId, call)
        response.headers[APIResponses.durableCreated] = result.created ? "true" : "false"
        return response
    }

    /// The answer to a start or restart: the check-status `202`, or in wait mode (a `timeout`
    /// query value) the finished instance's answer.
    func startedResponse(_ id: String, _ call: APICall) async throws -> Response {
        guard let timeout = call.query.seconds("timeout") else { return checkStatus(id, call) }
        if let interval = call.query.seconds("pollingInterval"), interval > timeout {
            throw ManagementAPIError.badRequest(
                "pollingInterval (\(interval) s) must not be greater than timeout (\(timeout) s); instance '\(id)' was started")
        }
        let metadata: OrchestrationMetadata
        do {
            metadata = try await client.waitForInstanceCompletion(id, timeout: Self.duration(seconds: timeout))
        } catch let error as DurableTaskError where error.code == .timeout {
            return checkStatus(id, call)
        }
        if metadata.runtimeStatus == .completed {
            return APIResponses.json(.embedding(metadata.output), status: .ok)
        }
        return try await statusResponse(metadata, call, failureAsServerError: false)
    }

    /// §3.2: `202` with the check-status payload, `Location` and `Retry-After: 10`.
    func checkStatus(_ id: String, _ call: APICall) -> Response {
        let links = call.links
        return APIResponses.json(
            links.payload(id), status: .accepted, headers: [.location: links.statusQuery(id), .retryAfter: "10"])
    }

    /// The registered name for `name`: the exact name, else the one name equal to it ignoring
    /// case (DF function names are case-insensitive).
    func resolveOrchestrator(_ name: String) throws(ManagementAPIError) -> String {
        guard let names = configuration.orchestratorNames, !names.contains(name) else { return name }
        let matches = names.filter { $0.caseInsensitiveCompare(name) == .orderedSame }
        guard matches.count == 1, let match = matches.first else {
            throw ManagementAPIError(.badRequest, .unknownFunction, "no orchestrator named '\(name)' is registered")
        }
        return match
    }

    /// §6.3, for IDs of instances being started.
    static func validateInstanceID(_ id: String) throws(ManagementAPIError) {
        do {
            try InstanceID.validateForStart(id)
        } catch {
            let message = (error as? DurableTaskError)?.message ?? "\(error)"
            throw ManagementAPIError(.badRequest, .invalidInstanceID, message)
        }
    }

    /// A wait of `seconds`, clamped to 0...86400.
    static func duration(seconds: Double) -> Duration {
        .milliseconds(Int64((min(max(seconds, 0), 86_400) * 1000).rounded()))
    }
}
