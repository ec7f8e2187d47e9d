import DurableTask
import Foundation
import HTTPTypes
import Hummingbird

/// `schedules` (our addition, see docs/MANAGEMENT-API.md): create, read, update, pause, resume,
/// delete and list schedules. Bodies and answers use the JSON form of ``ScheduleDefinition``,
/// with `input` as a JSON value.
extension ManagementAPI {
    /// `POST schedules`: creates the schedule the body defines; `201` with it, `409` if the ID is taken.
    func createSchedule(_ call: inout APICall) async throws -> Response {
        let definition = try await Self.scheduleDefinition(from: &call, id: nil)
        let paused = call.query.bool("paused", default: false)
        let schedule = try await client.createSchedule(definition, paused: paused)
        return APIResponses.json(Self.json(schedule), status: .created)
    }

    /// `PUT schedules/{id}`: replaces the definition; `200` with the schedule, `404` if none.
    func updateSchedule(_ id: String, _ call: inout APICall) async throws -> Response {
        let definition = try await Self.scheduleDefinition(from: &call, id: id)
        return APIResponses.json(Self.json(try await client.updateSchedule(definition)), status: .ok)
    }

    /// `GET schedules/{id}`: `200` with the schedule, `404` if none.
    func describeSchedule(_ id: String) async throws -> Response {
        guard let schedule = try await client.describeSchedule(id) else { throw ManagementAPIError.notFound("no schedule has the ID '\(id)'") }
        return APIResponses.json(Self.json(schedule), status: .ok)
    }

    /// `POST schedules/{id}/pause?reason=…` and `POST schedules/{id}/resume`: `200` with the schedule.
    func pauseOrResumeSchedule(_ id: String, pause: Bool, _ call: APICall) async throws -> Response {
        let schedule = pause ? try await client.pauseSchedule(id, reason: call.query["reason"]) : try await client.resumeSchedule(id)
        return APIResponses.json(Self.json(schedule), status: .ok)
    }

    /// `DELETE schedules/{id}`: `204`; runs it started go on.
    func deleteSchedule(_ id: String) async throws -> Response {
        try await client.deleteSchedule(id)
        return APIResponses.empty(.noContent)
    }

    /// `GET schedules[?prefix=…&top=…]`: one page of schedules in ID order; paging as for instances.
    func listSchedules(_ call: APICall) async throws -> Response {
        let page = try await client.listSchedules(
            idPrefix: call.query["prefix"] ?? "", pageSize: try call.query.top(), continuationToken: call.continuationToken)
        var headers = HTTPFields()
        if let next = page.continuationToken { headers[APIResponses.continuationToken] = next }
        return APIResponses.json(.array(page.schedules.map(Self.json)), status: .ok, headers: headers)
    }

    /// Reads a definition from the body: a JSON object whose `input` is any JSON value. On
    /// `PUT schedules/{id}` the ID comes from the path (a different `id` in the body is refused).
    static func scheduleDefinition(from call: inout APICall, id: String?) async throws -> ScheduleDefinition {
        guard case .object(var members) = try await call.jsonBody() else {
            throw ManagementAPIError.badRequest("the body must be a JSON object defining the schedule")
        }
        if let index = members.firstIndex(where: { $0.key == "input" }) {
            let input = members[index].value
            if case .null = input {} else { members[index].value = .string(input.serialized) }
        }
        if let id {
            if let given = members.first(where: { $0.key == "id" })?.value, given.serialized != JSONValue.string(id).serialized {
                throw ManagementAPIError.badRequest("the body's id is not the schedule ID of the path ('\(id)')")
            }
            members.removeAll { $0.key == "id" }
            members.append((key: "id", value: .string(id)))
        }
        return try ScheduleDefinitionReader.decode(JSONValue.object(members).serialized)
    }

    /// The JSON answer for a schedule.
    static func json(_ schedule: ScheduleDescription) -> JSONValue {
        var definition = (try? ScheduleDefinitionReader.encode(schedule.definition)) ?? .null
        if case .object(var members) = definition {
            members.removeAll { $0.key == "input" }
            members.append((key: "input", value: JSONValue.embedding(schedule.definition.input)))
            definition = .object(members)
        }
        func time(_ date: Date?) -> JSONValue { date.map { .string(ScheduleTime.format($0)) } ?? .null }
        let running: JSONValue = schedule.running.map {
            .object([("instanceId", .string($0.instanceId)), ("executionId", .string($0.executionId)), ("tick", time($0.tick))])
        } ?? .null
        let ticks = schedule.recentTicks.map { tick -> JSONValue in
            .object([
                ("due", time(tick.due)), ("handledAt", time(tick.handledAt)), ("outcome", .string(tick.outcome.rawValue)),
                ("instanceId", .string(orNull: tick.instanceId)),
            ])
        }
        return .object([
            ("id", .string(schedule.definition.id)), ("status", .string(schedule.status.rawValue)),
            ("pauseReason", .string(orNull: schedule.pauseReason)), ("nextDue", time(schedule.nextDue)), ("running", running),
            ("buffered", time(schedule.buffered)), ("startedCount", .integer(schedule.startedCount)),
            ("skippedCount", .integer(schedule.skippedCount)), ("missedCount", .integer(schedule.missedCount)),
            ("createdAt", time(schedule.createdAt)), ("updatedAt", time(schedule.updatedAt)),
            ("revision", .integer(schedule.revision)), ("definition", definition), ("recentTicks", .array(ticks)),
        ])
    }
}

/// Turns the JSON form of a definition into one and back, with decoding errors as `400`s that
/// name the field.
enum ScheduleDefinitionReader {
    static func decode(_ text: String) throws -> ScheduleDefinition {
        do {
            return try JSONDecoder().decode(ScheduleDefinition.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw ManagementAPIError.badRequest("the schedule definition is invalid: \(ScheduleDefinition.describe(error))")
        }
    }

    static func encode(_ definition: ScheduleDefinition) throws -> JSONValue {
        try JSONValue.parse(Array(try JSONEncoder().encode(definition)))
    }
}
