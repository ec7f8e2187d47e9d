// Durable HTTP on the in-memory store: `swift run CheckSiteAvailable <url>`.
// Only the URL's own host is allowed (the SSRF guard denies everything else).
import AsyncHTTPClient
import DurableExamples
import DurableTask
import DurableTaskHTTP
import Foundation

let url = CommandLine.arguments.dropFirst().first ?? "https://example.com/"
guard let parsed = URL(string: url), let host = parsed.host, let scheme = parsed.scheme else {
    print("usage: CheckSiteAvailable <http(s) url>")
    exit(2)
}
let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: DurableHTTPConfiguration.recommendedClientConfiguration)
let rule = DurableHTTPDestinationRule(scheme: scheme, host: host, port: parsed.port.map { .exactly($0) } ?? .schemeDefault)
try await ExampleRunner.run(CheckSiteAvailable.name, input: url) { registry in
    registry.addDurableHTTP(client: client, configuration: .init(destinations: .only([rule])))
}
try await shutDown(client)

func shutDown(_ client: HTTPClient) async throws { try await client.shutdown() }
