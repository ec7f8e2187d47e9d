import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1

/// `durable instances …`: orchestration instances through the management API.
struct Instances: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, inspect, start and control orchestration instances on a running host.",
        discussion: "Talks only to the host's management HTTP API (--url). " + exitCodeHelp,
        subcommands: [
            List.self, Show.self, History.self, Start.self, Raise.self, Terminate.self, Suspend.self, Resume.self,
            Rewind.self, Restart.self, Purge.self,
        ])

    /// The runtime statuses of docs/MANAGEMENT-API.md §5.
    static let statuses = ["Pending", "Running", "ContinuedAsNew", "Suspended", "Completed", "Failed", "Terminated", "Canceled"]
    /// The finished ones.
    static let terminal: Set<String> = ["Completed", "Failed", "Terminated", "Canceled"]

    /// Table rows for status objects: ID, NAME, STATUS, CREATED, UPDATED.
    static func table(_ items: [Any]) -> String {
        let rows = items.compactMap { $0 as? [String: Any] }.map { item in
            ["instanceId", "name", "runtimeStatus", "createdTime", "lastUpdatedTime"].map { TableOutput.string(item, $0) }
        }
        return TableOutput.table(["ID", "NAME", "STATUS", "CREATED", "UPDATED"], rows)
    }

    /// The `key: value` block of a status object.
    static func block(_ item: [String: Any]) -> String {
        let status = TableOutput.string(item, "runtimeStatus")
        var pairs = [
            ("Instance ID", TableOutput.string(item, "instanceId")), ("Name", TableOutput.string(item, "name")),
            ("Status", status), ("Created", TableOutput.string(item, "createdTime")),
            ("Updated", TableOutput.string(item, "lastUpdatedTime")), ("Input", TableOutput.value(item["input"])),
            ("Custom status", TableOutput.value(item["customStatus"])),
        ]
        if status == "Failed" {
            pairs.append(("Failure", TableOutput.value(item["output"], bareStrings: true)))
        } else {
            pairs.append(("Output", TableOutput.value(item["output"])))
        }
        return TableOutput.block(pairs)
    }

    /// Checks an ISO 8601 time (a date, or a date and time with an offset or `Z`).
    static func validateTime(_ text: String?, option: String) throws {
        guard let text else { return }
        let formats: [ISO8601DateFormatter.Options] = [
            [.withFullDate], [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
        ]
        let valid = formats.contains { options in
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            return formatter.date(from: text) != nil
        }
        if !valid { throw ValidationError("\(option) must be an ISO 8601 time such as 2026-12-03 or 2026-12-03T10:00:00Z, not '\(text)'") }
    }
}

extension Instances {
    /// `instances list`.
    struct List: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "List instances (ID, NAME, STATUS, CREATED, UPDATED).", discussion: exitCodeHelp)

        @OptionGroup var options: CommonOptions
        @OptionGroup var paging: PagingOptions

        @Option(help: "Only this runtime status (repeatable): \(Instances.statuses.joined(separator: ", ")).")
        var status: [String] = []

        @Option(help: "Only instances of this orchestrator name (filtered here, per page).")
        var name: String?

        @Option(help: "Only instances created at or after this ISO 8601 time.")
        var createdFrom: String?

        @Option(help: "Only instances created at or before this ISO 8601 time.")
        var createdTo: String?

        @Option(help: "Only instance IDs that start with this prefix.")
        var prefix: String?

        func validate() throws {
            for value in status where !Instances.statuses.contains(where: { $0.caseInsensitiveCompare(value) == .orderedSame }) {
                throw ValidationError("unknown --status '\(value)' (one of \(Instances.statuses.joined(separator: ", ")))")
            }
            try Instances.validateTime(createdFrom, option: "--created-from")
            try Instances.validateTime(createdTo, option: "--created-to")
        }

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let statuses = status.compactMap { value in Instances.statuses.first { $0.caseInsensitiveCompare(value) == .orderedSame } }
            let query: [(String, String?)] = [
                ("runtimeStatus", statuses.isEmpty ? nil : statuses.joined(separator: ",")), ("createdTimeFrom", createdFrom),
                ("createdTimeTo", createdTo), ("instanceIdPrefix", prefix), ("showInput", "false"),
            ]
            var (items, next, json) = try await paging.fetch(client, ["instances"], query: query)
            if let name {
                // The API has no name filter; DF's clients filter the same way.
                items = items.filter { (($0 as? [String: Any])?["name"] as? String)?.caseInsensitiveCompare(name) == .orderedSame }
                json = jsonText(items)
            }
            output(options.json ? json : Instances.table(items))
            PagingOptions.printNext(next, json: options.json)
        }
    }

    /// `instances show`.
    struct Show: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an instance's status, input, output, custom status and failure.",
            discussion: """
                With --watch, polls the status (every 0.25 s, backing off to 2 s), prints each status change, \
                and ends when the instance finishes: exit 0 if it Completed, 5 if it ended Failed, Terminated \
                or Canceled, 6 if --timeout ran out first.
                """ + " " + exitCodeHelp)

        @OptionGroup var options: CommonOptions

        @Argument(help: "The instance ID.")
        var id: String

        @Flag(help: "Follow the instance until it finishes, printing each status change.")
        var watch = false

        @Option(help: "With --watch: give up after this long (e.g. 90s, 5m, 1h; a bare number is seconds). Default: 5m")
        var timeout: String = "5m"

        func validate() throws {
            guard let seconds = Self.seconds(timeout), seconds > 0, seconds <= 7 * 86_400 else {
                throw ValidationError("--timeout must be a duration such as 30s, 5m or 1h (at most 7 days), not '\(timeout)'")
            }
        }

        /// Seconds in `text`: a number with an optional unit `ms`, `s`, `m` or `h`.
        static func seconds(_ text: String) -> Double? {
            let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
            for (unit, factor) in units where text.hasSuffix(unit) {
                return Double(text.dropLast(unit.count)).map { $0 * factor }
            }
            return Double(text)
        }

        func execute(_ client: ManagementClient) async throws(CLIError) {
            guard watch else {
                let response = try await client.send(.GET, ["instances", id])
                guard let item = response.json as? [String: Any] else { throw CLIError(code: .refused, message: "unexpected answer: \(response.text.prefix(200))") }
                output(options.json ? response.text : Instances.block(item))
                return
            }
            try await follow(client)
        }

        /// Polls until the instance finishes or the timeout runs out.
        private func follow(_ client: ManagementClient) async throws(CLIError) {
            let deadline = ContinuousClock.now + .seconds(Self.seconds(timeout) ?? 300)
            var interval = Duration.milliseconds(250)
            var last: String?
            while true {
                var bounded = client
                let left = deadline - ContinuousClock.now
                bounded.timeout = .milliseconds(max(1000, min(30_000, Int64(left.components.seconds) * 1000)))
                let response = try await bounded.send(.GET, ["instances", id])
                guard let item = response.json as? [String: Any], let status = item["runtimeStatus"] as? String else {
                    throw CLIError(code: .refused, message: "unexpected answer: \(response.text.prefix(200))")
                }
                if status != last, !options.json {
                    output("\(Self.now())  \(status)")
                }
                last = status
                if Instances.terminal.contains(status) {
                    output(options.json ? response.text : "\n" + Instances.block(item))
                    if status != "Completed" { throw CLIError(code: .endedUnsuccessfully, message: "instance '\(id)' ended \(status)") }
                    return
                }
                guard ContinuousClock.now + interval < deadline else {
                    throw CLIError(code: .watchTimedOut, message: "instance '\(id)' is still \(status) after \(timeout) (--timeout)")
                }
                try? await Task.sleep(for: interval)
                interval = min(interval * 1.5, .seconds(2))
            }
        }

        private static func now() -> String {
            let formatter = ISO8601DateFormatter()
            return formatter.string(from: Date())
        }
    }

    /// `instances history`.
    struct History: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an instance's history events (TIME, EVENT, NAME, DETAIL).", discussion: exitCodeHelp)

        @OptionGroup var options: CommonOptions

        @Argument(help: "The instance ID.")
        var id: String

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let response = try await client.send(
                .GET, ["instances", id], query: [("showHistory", "true"), ("showHistoryOutput", "true")])
            guard !options.json else { return output(response.text) }
            let events = ((response.json as? [String: Any])?["historyEvents"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
            let rows = events.map { event -> [String] in
                let name = (event["FunctionName"] as? String) ?? (event["Name"] as? String) ?? "-"
                let details = ["OrchestrationStatus", "InstanceId", "FireAt", "Reason", "Input", "Result"].compactMap { key -> String? in
                    guard let value = event[key], !(value is NSNull) else { return nil }
                    return key.prefix(1).lowercased() + key.dropFirst() + "=" + TableOutput.value(value, bareStrings: key != "Result")
                }
                let detail = details.joined(separator: " ")
                return [TableOutput.string(event, "Timestamp"), TableOutput.string(event, "EventType"), name,
                        detail.count > 100 ? String(detail.prefix(99)) + "…" : detail]
            }
            output(TableOutput.table(["TIME", "EVENT", "NAME", "DETAIL"], rows))
        }
    }

    /// `instances start`.
    struct Start: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start an orchestration; prints its instance ID.", discussion: exitCodeHelp)

        @OptionGroup var options: CommonOptions

        @Argument(help: "The orchestrator name, e.g. FunctionChaining.")
        var name: String

        @Option(help: "The instance ID. Default: a new one from the host.")
        var id: String?

        @Option(help: "The input, as one JSON value (e.g. '{\"timeoutSeconds\":60}' or '\"text\"').")
        var input: String?

        func validate() throws { try validateJSON(input, option: "--input") }

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let response = try await client.send(.POST, ["orchestrators", name] + (id.map { [$0] } ?? []), json: input)
            guard !options.json else { return output(response.text) }
            let started = (response.json as? [String: Any])?["id"] as? String ?? id ?? "?"
            output("Started \(name) as instance \(started)")
        }
    }

    /// `instances raise`.
    struct Raise: ManagementCommand {
        static let configuration = CommandConfiguration(abstract: "Raise an event to an instance.", discussion: exitCodeHelp)

        @OptionGroup var options: CommonOptions

        @Argument(help: "The instance ID.")
        var id: String

        @Argument(help: "The event name, e.g. Approval.")
        var event: String

        @Option(help: "The event data, as one JSON value. Default: null")
        var data: String?

        func validate() throws { try validateJSON(data, option: "--data") }

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let response = try await client.send(.POST, ["instances", id, "raiseEvent", event], json: data ?? "null")
            printAnswer(response, options, orElse: "Raised event \(event) to instance \(id)")
        }
    }

    /// `instances terminate`.
    struct Terminate: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Terminate a live instance (the reason becomes its output).", discussion: exitCodeHelp)
        @OptionGroup var options: CommonOptions
        @Argument(help: "The instance ID.") var id: String
        @Option(help: "Why; recorded in the instance.") var reason: String?

        func execute(_ client: ManagementClient) async throws(CLIError) {
            try await control(client, options, id, "terminate", reason, done: "Termination requested")
        }
    }

    /// `instances suspend`.
    struct Suspend: ManagementCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a running instance.", discussion: exitCodeHelp)
        @OptionGroup var options: CommonOptions
        @Argument(help: "The instance ID.") var id: String
        @Option(help: "Why; recorded in the instance's history.") var reason: String?

        func execute(_ client: ManagementClient) async throws(CLIError) {
            try await control(client, options, id, "suspend", reason, done: "Suspension requested")
        }
    }

    /// `instances resume`.
    struct Resume: ManagementCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a suspended instance.", discussion: exitCodeHelp)
        @OptionGroup var options: CommonOptions
        @Argument(help: "The instance ID.") var id: String
        @Option(help: "Why; recorded in the instance's history.") var reason: String?

        func execute(_ client: ManagementClient) async throws(CLIError) {
            try await control(client, options, id, "resume", reason, done: "Resume requested")
        }
    }

    /// `instances rewind`.
    struct Rewind: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rewind a failed instance: the failed task runs again.", discussion: exitCodeHelp)
        @OptionGroup var options: CommonOptions
        @Argument(help: "The instance ID.") var id: String
        @Option(help: "Why; recorded in the instance's history.") var reason: String?

        func execute(_ client: ManagementClient) async throws(CLIError) {
            try await control(client, options, id, "rewind", reason, done: "Rewind requested")
        }
    }

    /// `instances restart`.
    struct Restart: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start an instance's orchestration again with its input; prints the new instance ID.", discussion: exitCodeHelp)
        @OptionGroup var options: CommonOptions
        @Argument(help: "The instance ID.") var id: String
        @Flag(help: "Restart under the same ID (the instance must have finished) instead of a new one.") var sameId = false

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let response = try await client.send(
                .POST, ["instances", id, "restart"], query: [("restartWithNewInstanceId", sameId ? "false" : nil)])
            guard !options.json else { return output(response.text) }
            let started = (response.json as? [String: Any])?["id"] as? String ?? "?"
            output("Restarted \(id) as instance \(started)")
        }
    }

    /// `instances purge`.
    struct Purge: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a finished instance and its history.", discussion: exitCodeHelp)
        @OptionGroup var options: CommonOptions
        @Argument(help: "The instance ID.") var id: String

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let response = try await client.send(.DELETE, ["instances", id])
            guard !options.json else { return output(response.text) }
            let count = (response.json as? [String: Any])?["instancesDeleted"] as? Int ?? 1
            output("Purged instance \(id) (\(count) deleted)")
        }
    }
}

/// terminate, suspend, resume and rewind: `POST instances/{id}/{operation}?reason=`.
private func control(
    _ client: ManagementClient, _ options: CommonOptions, _ id: String, _ operation: String, _ reason: String?, done: String
) async throws(CLIError) {
    let response = try await client.send(.POST, ["instances", id, operation], query: [("reason", reason)])
    printAnswer(response, options, orElse: "\(done) for instance \(id)")
}
