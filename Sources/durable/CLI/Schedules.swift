import ArgumentParser
import DurableTask
import DurableTaskHost
import Foundation
import NIOHTTP1

/// `durable schedules …`: cron and interval schedules through the management API.
struct Schedules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, create, pause, resume and delete schedules on a running host.",
        discussion: "Talks only to the host's management HTTP API (--url). " + exitCodeHelp,
        subcommands: [List.self, Show.self, Create.self, Update.self, Pause.self, Resume.self, Delete.self])

    /// The trigger of a schedule answer: `cron <expr> (<zone>)` or `every <interval>`.
    static func trigger(_ schedule: [String: Any]) -> String {
        let definition = schedule["definition"] as? [String: Any] ?? [:]
        if let cron = definition["cron"] as? String {
            let zone = (definition["timeZone"] as? String).map { $0 == "UTC" ? "" : " (\($0))" } ?? ""
            return "cron \(cron)\(zone)"
        }
        if let every = (definition["interval"] ?? definition["every"]) as? String { return "every \(every)" }
        return "-"
    }

    /// The orchestration a schedule starts.
    static func orchestration(_ schedule: [String: Any]) -> String {
        TableOutput.string(schedule["definition"] as? [String: Any] ?? [:], "orchestration")
    }

    /// The `key: value` block of a schedule answer.
    static func block(_ schedule: [String: Any]) -> String {
        let running = (schedule["running"] as? [String: Any]).map { TableOutput.string($0, "instanceId") } ?? "-"
        var pairs = [
            ("ID", TableOutput.string(schedule, "id")), ("Status", TableOutput.string(schedule, "status")),
            ("Trigger", trigger(schedule)), ("Orchestration", orchestration(schedule)),
            ("Next due", TableOutput.string(schedule, "nextDue")), ("Running", running),
            ("Started", TableOutput.value(schedule["startedCount"])), ("Skipped", TableOutput.value(schedule["skippedCount"])),
            ("Missed", TableOutput.value(schedule["missedCount"])), ("Created", TableOutput.string(schedule, "createdAt")),
            ("Updated", TableOutput.string(schedule, "updatedAt")), ("Definition", TableOutput.value(schedule["definition"])),
        ]
        if let reason = schedule["pauseReason"] as? String { pairs.insert(("Pause reason", reason), at: 2) }
        return TableOutput.block(pairs)
    }

    /// Parses a schedule answer or fails.
    static func object(_ response: APIResponse) throws(CLIError) -> [String: Any] {
        guard let object = response.json as? [String: Any] else {
            throw CLIError(code: .refused, message: "unexpected answer: \(response.text.prefix(200))")
        }
        return object
    }
}

extension Schedules {
    /// `schedules list`.
    struct List: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "List schedules (ID, STATUS, TRIGGER, ORCHESTRATION, NEXT DUE, STARTED).", discussion: exitCodeHelp)

        @OptionGroup var options: CommonOptions
        @OptionGroup var paging: PagingOptions

        @Option(help: "Only schedule IDs that start with this prefix.")
        var prefix: String?

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let (items, next, json) = try await paging.fetch(client, ["schedules"], query: [("prefix", prefix)])
            if options.json {
                output(json)
            } else {
                let rows = items.compactMap { $0 as? [String: Any] }.map { item in
                    [TableOutput.string(item, "id"), TableOutput.string(item, "status"), Schedules.trigger(item),
                     Schedules.orchestration(item), TableOutput.string(item, "nextDue"), TableOutput.value(item["startedCount"])]
                }
                output(TableOutput.table(["ID", "STATUS", "TRIGGER", "ORCHESTRATION", "NEXT DUE", "STARTED"], rows))
            }
            PagingOptions.printNext(next, json: options.json)
        }
    }

    /// `schedules show`.
    struct Show: ManagementCommand {
        static let configuration = CommandConfiguration(abstract: "Show a schedule.", discussion: exitCodeHelp)
        @OptionGroup var options: CommonOptions
        @Argument(help: "The schedule ID.") var id: String

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let response = try await client.send(.GET, ["schedules", id])
            output(options.json ? response.text : Schedules.block(try Schedules.object(response)))
        }
    }

    /// `schedules create`.
    struct Create: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a schedule from a JSON definition or a `durable serve --schedule` spec.",
            discussion: """
                Give exactly one of --definition (the JSON form of docs/MANAGEMENT-API.md §4.14) and --spec \
                (key=value pairs, as durable serve --schedule takes: \
                'id=cleanup,every=5m,orchestration=PeriodicCleanup,input={"days":7}'; one spec may hold several \
                schedules, each starting at id=). 
                """ + exitCodeHelp)

        @OptionGroup var options: CommonOptions

        @Option(help: "The schedule as a JSON object.")
        var definition: String?

        @Option(help: "The schedule as a key=value,... spec (keys: id, cron, timeZone, every, orchestration, input, version, instanceId, overlap, catchUp, catchUpWindow, startAt, endAt, jitter).")
        var spec: String?

        @Flag(help: "Create it paused.")
        var paused = false

        func validate() throws {
            _ = try bodies()
        }

        /// The JSON bodies to POST, one per schedule.
        func bodies() throws -> [String] { try Self.bodies(definition: definition, spec: spec) }

        /// The JSON bodies of exactly one of a `--definition` and a `--spec`.
        static func bodies(definition: String?, spec: String?) throws -> [String] {
            guard (definition == nil) != (spec == nil) else { throw ValidationError("give exactly one of --definition and --spec") }
            if let definition {
                guard (try? JSONSerialization.jsonObject(with: Data(definition.utf8))) is [String: Any] else {
                    throw ValidationError("--definition must be a JSON object, not '\(definition)'")
                }
                return [definition]
            }
            let parsed: [ScheduleDefinition]
            do {
                parsed = try ScheduleSpec.parse(spec ?? "")
            } catch let error as HostError {
                throw ValidationError(error.message.replacingOccurrences(of: "--schedule", with: "--spec"))
            } catch {
                throw ValidationError("--spec: \(error)")
            }
            guard !parsed.isEmpty else { throw ValidationError("--spec holds no schedule") }
            return try parsed.map(Self.body)
        }

        /// The JSON form of a definition, with `input` moved from JSON text to the JSON value.
        static func body(_ definition: ScheduleDefinition) throws -> String {
            let data = try JSONEncoder().encode(definition)
            guard var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ValidationError("cannot encode the schedule \(definition.id)")
            }
            if let input = object["input"] as? String {
                object["input"] = try JSONSerialization.jsonObject(with: Data(input.utf8), options: [.fragmentsAllowed])
            }
            return jsonText(object)
        }

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let bodies: [String]
            do { bodies = try self.bodies() } catch { throw CLIError(code: .usage, message: "\(error)") }
            for body in bodies {
                let response = try await client.send(.POST, ["schedules"], query: [("paused", paused ? "true" : nil)], json: body)
                if options.json {
                    output(response.text)
                } else {
                    let object = try Schedules.object(response)
                    output("Created schedule \(TableOutput.string(object, "id")) (\(TableOutput.string(object, "status")), next due \(TableOutput.string(object, "nextDue")))")
                }
            }
        }
    }

    /// `schedules update`.
    struct Update: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a schedule's definition (its status, live run and tick history stay).",
            discussion: "Give exactly one of --definition and --spec, as for create; the schedule is the one its id names. "
                + exitCodeHelp)

        @OptionGroup var options: CommonOptions

        @Option(help: "The schedule as a JSON object (with its id).")
        var definition: String?

        @Option(help: "The schedule as a key=value,... spec, as create takes.")
        var spec: String?

        func validate() throws {
            _ = try Create.bodies(definition: definition, spec: spec)
        }

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let bodies: [String]
            do { bodies = try Create.bodies(definition: definition, spec: spec) } catch {
                throw CLIError(code: .usage, message: "\(error)")
            }
            for body in bodies {
                let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
                guard let id = object?["id"] as? String, !id.isEmpty else {
                    throw CLIError(code: .usage, message: "the definition names no id")
                }
                let response = try await client.send(.PUT, ["schedules", id], json: body)
                output(options.json ? response.text : "Updated schedule \(id)")
            }
        }
    }

    /// `schedules pause`.
    struct Pause: ManagementCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a schedule (no ticks until resumed).", discussion: exitCodeHelp)
        @OptionGroup var options: CommonOptions
        @Argument(help: "The schedule ID.") var id: String
        @Option(help: "Why; shown as its pause reason.") var reason: String?

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let response = try await client.send(.POST, ["schedules", id, "pause"], query: [("reason", reason)])
            output(options.json ? response.text : "Paused schedule \(id)")
        }
    }

    /// `schedules resume`.
    struct Resume: ManagementCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused schedule.", discussion: exitCodeHelp)
        @OptionGroup var options: CommonOptions
        @Argument(help: "The schedule ID.") var id: String

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let response = try await client.send(.POST, ["schedules", id, "resume"])
            output(options.json ? response.text : "Resumed schedule \(id)")
        }
    }

    /// `schedules delete`.
    struct Delete: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a schedule (runs it started go on).", discussion: exitCodeHelp)
        @OptionGroup var options: CommonOptions
        @Argument(help: "The schedule ID.") var id: String

        func execute(_ client: ManagementClient) async throws(CLIError) {
            _ = try await client.send(.DELETE, ["schedules", id])
            if !options.json { output("Deleted schedule \(id)") }
        }
    }
}
