import AsyncHTTPClient
import DurableTask
import DurableTaskHTTP
import Testing

// The README's durable HTTP example, kept here so it compiles. It is never sent anywhere.

/// Starts an export on a remote service and waits, durably, for it to finish.
struct ExportReport: Orchestrator {
    func run(context: OrchestrationContext, input: String) async throws -> String {
        do {
            let response = try await context.callHttp(
                method: "POST", url: "https://reports.example.com/exports",
                headers: ["Content-Type": "application/json"], body: #"{"report":"\#(input)"}"#,
                options: .init(
                    timeout: .seconds(30 * 60),  // the whole call, polls and retries included
                    retry: .init(maxAttempts: 3, firstRetryInterval: .seconds(2), backoffCoefficient: 2)))
            // A 202 with a Location was polled on durable timers; this is the final answer.
            guard response.statusCode == 200 else {
                throw ApplicationError(message: "export failed with status \(response.statusCode)")
            }
            return response.body ?? ""
        } catch let timeout as DurableHTTPTimeoutError {
            return "gave up after \(timeout.polls) polls"
        } catch let error as DurableHTTPError where error.code == .destinationNotAllowed {
            throw ApplicationError(message: error.message, isNonRetriable: true)
        }
    }
}

/// The README's registration.
func registerExportReport(_ registry: inout TaskRegistry, httpClient: HTTPClient) {
    registry.addOrchestrator(ExportReport())
    registry.addDurableHTTP(
        client: httpClient,
        configuration: .init(destinations: .only([.https("reports.example.com"), .https("*.blob.example.net")])))
}

@Suite("Durable HTTP: README example", .timeLimit(.minutes(3)))
struct ReadmeExampleTests {
    @Test func theExampleRegisters() async throws {
        let httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: DurableHTTPConfiguration.recommendedClientConfiguration)
        var registry = TaskRegistry()
        registerExportReport(&registry, httpClient: httpClient)
        #expect(registry.activityNames == ["BuiltIn::HttpActivity"])
        #expect(registry.orchestratorNames.contains("ExportReport"))
        try await httpClient.shutdown()
    }
}
