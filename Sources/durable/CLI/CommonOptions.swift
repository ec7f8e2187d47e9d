import ArgumentParser
import Foundation

/// The options every management command takes: where the host is, its key, and the output form.
struct CommonOptions: ParsableArguments {
    @Option(help: "The host's management API origin. Env DURABLE_URL. Default: http://127.0.0.1:7071")
    var url: String?

    @Option(help: "The host's system key, sent as x-functions-key. Env DURABLE_KEY.")
    var key: String?

    @Flag(help: "Print the API's JSON answer as is (for scripts) instead of tables and key: value blocks.")
    var json = false

    /// The origin from `--url`, else `DURABLE_URL`, else the default, without a trailing slash.
    var resolvedURL: String {
        let environment = ProcessInfo.processInfo.environment["DURABLE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        var url = url ?? environment ?? "http://127.0.0.1:7071"
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    func validate() throws {
        let url = resolvedURL
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
            parsed.host?.isEmpty == false
        else {
            throw ValidationError("--url must be an http:// or https:// URL with a host, not '\(url)'")
        }
    }

    /// The client for the host these options name.
    func client() -> ManagementClient {
        let environment = ProcessInfo.processInfo.environment["DURABLE_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        return ManagementClient(origin: resolvedURL, key: key ?? environment)
    }
}

/// A management command: runs ``execute(_:)`` and turns a ``CLIError`` into one line on stderr,
/// `durable: error: <message>`, and its exit code.
protocol ManagementCommand: AsyncParsableCommand {
    /// The common options.
    var options: CommonOptions { get }
    /// Does the work against the host.
    func execute(_ client: ManagementClient) async throws(CLIError)
}

extension ManagementCommand {
    func run() async throws {
        do throws(CLIError) {
            try await execute(options.client())
            await ManagementClient.shutdown()
        } catch {
            await ManagementClient.shutdown()
            printError(error.message)
            throw ExitCode(error.code.rawValue)
        }
    }
}

/// Prints `durable: error: <message>` on stderr as one line.
func printError(_ message: String) {
    let line = message.replacingOccurrences(of: "\n", with: " ")
    FileHandle.standardError.write(Data("durable: error: \(line)\n".utf8))
}

/// Prints a line to stdout, unbuffered, so a watching caller sees each line as it happens.
func output(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// Prints the API's body as is with `--json` (nothing if it is empty, as for a `202` without
/// a body), else `text`.
func printAnswer(_ response: APIResponse, _ options: CommonOptions, orElse text: String) {
    if options.json {
        if !response.body.isEmpty { output(response.text) }
    } else {
        output(text)
    }
}

/// Checks that `text` is one JSON value (any type), for `--input` and `--data`.
func validateJSON(_ text: String?, option: String) throws {
    guard let text else { return }
    if (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) == nil {
        throw ValidationError("\(option) must be one JSON value (quote strings: '\"text\"'), not '\(text)'")
    }
}

/// The exit codes, for the help of every management command.
let exitCodeHelp = """
    Exit codes: 0 success; 1 the API refused or failed the request (4xx/5xx other than 404); \
    2 usage error; 3 cannot connect to the host; 4 not found (404); \
    5 (show --watch) the instance ended Failed, Terminated or Canceled; 6 (show --watch) --timeout ran out.
    """
