import ArgumentParser
import Foundation
import NIOHTTP1

/// `durable entities …`: durable entities through the management API.
struct Entities: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, read and signal durable entities on a running host.",
        discussion: "Talks only to the host's management HTTP API (--url). " + exitCodeHelp,
        subcommands: [List.self, Show.self, Signal.self])

    /// The path segment of a key: `$` stands for the empty key (docs/MANAGEMENT-API.md §4.10).
    static func keySegment(_ key: String) -> String { key.isEmpty ? "$" : key }
}

extension Entities {
    /// `entities list`.
    struct List: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "List entities that have state (NAME, KEY, LAST OPERATION, and STATE with --state).", discussion: exitCodeHelp)

        @OptionGroup var options: CommonOptions
        @OptionGroup var paging: PagingOptions

        @Option(help: "Only entities of this name (case-insensitive).")
        var name: String?

        @Flag(help: "Fetch and print each entity's state.")
        var state = false

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let path = ["entities"] + (name.map { [$0] } ?? [])
            let (items, next, json) = try await paging.fetch(client, path, query: [("fetchState", state ? "true" : nil)])
            if options.json {
                output(json)
            } else {
                let rows = items.compactMap { $0 as? [String: Any] }.map { item -> [String] in
                    let id = item["entityId"] as? [String: Any] ?? [:]
                    var row = [TableOutput.string(id, "name"), (id["key"] as? String) ?? "-", TableOutput.string(item, "lastOperationTime")]
                    if state { row.append(TableOutput.value(item["state"])) }
                    return row
                }
                output(TableOutput.table(["NAME", "KEY", "LAST OPERATION"] + (state ? ["STATE"] : []), rows))
            }
            PagingOptions.printNext(next, json: options.json)
        }
    }

    /// `entities show`.
    struct Show: ManagementCommand {
        static let configuration = CommandConfiguration(abstract: "Print an entity's state (JSON).", discussion: exitCodeHelp)

        @OptionGroup var options: CommonOptions

        @Argument(help: "The entity name, e.g. Counter.")
        var name: String

        @Argument(help: "The entity key ('' for the empty key).")
        var key: String

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let response = try await client.send(.GET, ["entities", name, Entities.keySegment(key)])
            if options.json {
                output(response.text)
            } else {
                output(TableOutput.block([
                    ("Entity", "@\(name.lowercased())@\(key)"), ("State", TableOutput.value(response.json)),
                ]))
            }
        }
    }

    /// `entities signal`.
    struct Signal: ManagementCommand {
        static let configuration = CommandConfiguration(
            abstract: "Signal an operation to an entity (queued; the first signal creates the entity).", discussion: exitCodeHelp)

        @OptionGroup var options: CommonOptions

        @Argument(help: "The entity name, e.g. Counter.")
        var name: String

        @Argument(help: "The entity key.")
        var key: String

        @Argument(help: "The operation, e.g. add.")
        var operation: String

        @Option(help: "The operation's input, as one JSON value.")
        var input: String?

        func validate() throws { try validateJSON(input, option: "--input") }

        func execute(_ client: ManagementClient) async throws(CLIError) {
            let response = try await client.send(.POST, ["entities", name, key], query: [("op", operation)], json: input)
            if options.json {
                if !response.body.isEmpty { output(response.text) }
            } else {
                output("Signalled \(operation) to entity @\(name.lowercased())@\(key)")
            }
        }
    }
}
