import DurableTask
import HTTPTypes
import Hummingbird

extension ManagementAPI {
    /// §4.2: `GET instances/{instanceId}`.
    func status(_ id: String, _ call: APICall) async throws -> Response {
        guard let metadata = try await client.getInstance(id) else { throw ManagementAPIError.noInstance(id) }
        let serverError = call.query.bool("returnInternalServerErrorOnFailure", default: false)
        return try await statusResponse(metadata, call, failureAsServerError: serverError)
    }

    /// The status object with `200` (finished), `202` + `Location` (the request URL) +
    /// `Retry-After: 5` (live), or `500` (failed, when asked for).
    func statusResponse(_ m: OrchestrationMetadata, _ call: APICall, failureAsServerError: Bool) async throws -> Response {
        let showInput = call.query.bool("showInput", default: true)
        var history: JSONValue?
        if call.query.bool("showHistory", default: false), m.runtimeStatus != .pending {
            let events = try await client.getHistory(m.instanceId)
            history = HistoryPayload.events(
                events, showInput: showInput, showOutput: call.query.bool("showHistoryOutput", default: false))
        }
        let body = StatusPayload.object(m, showInput: showInput, historyEvents: history)
        if m.runtimeStatus == .failed && failureAsServerError {
            return APIResponses.json(body, status: .internalServerError)
        }
        if m.runtimeStatus.isTerminal {
            return APIResponses.json(body, status: .ok)
        }
        return APIResponses.json(body, status: .accepted, headers: [.location: call.requestURL, .retryAfter: "5"])
    }
}
