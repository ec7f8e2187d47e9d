import ArgumentParser
import Foundation
import NIOHTTP1

/// The paging options of the list commands: `--top`, `--all` and `--continuation-token`.
struct PagingOptions: ParsableArguments {
    @Option(help: "Page size (a positive integer). Default: the API's (100).")
    var top: Int?

    @Flag(help: "Follow the x-ms-continuation-token header through every page.")
    var all = false

    @Option(help: "Start at this page: the token a previous list printed.")
    var continuationToken: String?

    func validate() throws {
        if let top, top <= 0 { throw ValidationError("--top must be a positive integer, not \(top)") }
        if all, continuationToken != nil { throw ValidationError("--all and --continuation-token cannot be combined") }
    }

    /// The header name of the token, request and answer.
    static let header = "x-ms-continuation-token"

    /// Fetches one page, or every page with `--all`, and returns the items (the JSON arrays
    /// joined), the next page's token (`nil` on the last page and with `--all`), and the JSON
    /// text: the API's body as is for one page, the joined array for several.
    func fetch(
        _ client: ManagementClient, _ path: [String], query: [(String, String?)]
    ) async throws(CLIError) -> (items: [Any], next: String?, json: String) {
        var items: [Any] = []
        var token = continuationToken
        var query = query
        if let top { query.append(("top", String(top))) }
        var pages = 0
        var firstText = ""
        while true {
            let headers = token.map { [(Self.header, $0)] } ?? []
            let response = try await client.send(.GET, path, query: query, headers: headers)
            guard let page = response.json as? [Any] else {
                throw CLIError(code: .refused, message: "the API's answer is not a JSON array: \(response.text.prefix(200))")
            }
            items += page
            pages += 1
            if pages == 1 { firstText = response.text }
            let next = response.headers.first(name: Self.header).flatMap { $0.isEmpty ? nil : $0 }
            guard all, let next else { return (items, next, pages == 1 ? firstText : jsonText(items)) }
            guard pages < 100_000, next != token else {
                throw CLIError(code: .refused, message: "the API keeps answering the same continuation token")
            }
            token = next
        }
    }

    /// Prints the token of the next page, if any: to stdout after a table, to stderr with `--json`
    /// (so stdout stays one JSON document).
    static func printNext(_ token: String?, json: Bool) {
        guard let token else { return }
        let line = "More results: repeat with --continuation-token '\(token)' (or use --all)"
        if json {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        } else {
            output(line)
        }
    }
}

/// A JSON value as compact text.
func jsonText(_ value: Any) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("null".utf8)
    return String(decoding: data, as: UTF8.self)
}
