import AsyncHTTPClient
import DurableTask
import DurableTaskHTTP
import DurableTaskTesting
import Foundation
import Hummingbird

/// Calls `callHttp` with its input and returns the response; failures fail the instance.
struct CallHttp: Orchestrator {
    func run(context: OrchestrationContext, input: DurableHTTPRequest) async throws -> DurableHTTPResponse {
        try await context.callHttp(input)
    }
}

/// What an orchestrator observed when it called `callHttp` and caught what it threw.
struct CallOutcome: Codable, Sendable, Hashable {
    var response: DurableHTTPResponse?
    /// `"DurableHTTPError"`, `"DurableHTTPTimeoutError"` or the type of any other error.
    var errorType: String?
    var code: String?
    var message: String?
    var isNonRetriable: Bool?
    var polls: Int?
    var lastStatus: Int?
}

/// Calls `callHttp` and reports the response or the error it caught, so the test sees what the
/// orchestrator saw.
struct CallHttpCatching: Orchestrator {
    func run(context: OrchestrationContext, input: DurableHTTPRequest) async throws -> CallOutcome {
        do {
            return CallOutcome(response: try await context.callHttp(input))
        } catch let error as DurableHTTPError {
            return CallOutcome(
                errorType: "DurableHTTPError", code: error.code.description, message: error.message,
                isNonRetriable: error.isNonRetriable)
        } catch let error as DurableHTTPTimeoutError {
            return CallOutcome(
                errorType: "DurableHTTPTimeoutError", message: error.description, polls: error.polls,
                lastStatus: error.lastResponse?.statusCode)
        } catch {
            return CallOutcome(errorType: String(describing: type(of: error)), message: "\(error)")
        }
    }
}

/// The allow-list that admits exactly the test server.
func onlyServer(_ server: TestHTTPServer) -> DurableHTTPDestinations {
    .only([.http("127.0.0.1", port: .exactly(server.port))])
}

/// Runs `body` with an `HTTPClient` (the recommended configuration), shut down afterwards.
func withHTTPClient<T>(
    _ configuration: HTTPClient.Configuration = DurableHTTPConfiguration.recommendedClientConfiguration,
    _ body: (HTTPClient) async throws -> T
) async throws -> T {
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// A test server with `routes`, and an in-memory worker host with the durable HTTP activity
/// (allow-list from `destinations`, default: the test server only) and the test orchestrators.
func withDurableHTTP<T: Sendable>(
    routes: (Router<BasicRequestContext>) -> Void,
    destinations: @escaping (TestHTTPServer) -> DurableHTTPDestinations = onlyServer,
    maxResponseBodySize: Int = 4 * 1024 * 1024,
    clientConfiguration: HTTPClient.Configuration = DurableHTTPConfiguration.recommendedClientConfiguration,
    workerConfiguration: DurableTaskWorker.Configuration = .init(lockWaitTimeout: .milliseconds(200)),
    _ body: (TestHTTPServer, TestHost) async throws -> T
) async throws -> T {
    try await withTestServer(routes) { server in
        try await withHTTPClient(clientConfiguration) { client in
            let configuration = DurableHTTPConfiguration(
                destinations: destinations(server), requestTimeout: .seconds(10), maxResponseBodySize: maxResponseBodySize)
            return try await TestHost.run(store: InMemoryOrchestrationStore(), configuration: workerConfiguration, register: { registry in
                registry.addDurableHTTP(client: client, configuration: configuration)
                registry.addOrchestrator(CallHttp())
                registry.addOrchestrator(CallHttpCatching())
            }) { host in
                try await body(server, host)
            }
        }
    }
}

extension TestHost {
    /// Runs `CallHttp` with `request` to completion.
    func callHttp(_ request: DurableHTTPRequest, timeout: Duration = .seconds(20)) async throws -> OrchestrationMetadata {
        let id = try await client.scheduleNewOrchestration(CallHttp.self, input: request)
        return try await client.waitForInstanceCompletion(id, timeout: timeout)
    }

    /// Runs `CallHttpCatching` with `request` and returns what the orchestrator caught.
    func callHttpCatching(_ request: DurableHTTPRequest, timeout: Duration = .seconds(20)) async throws -> CallOutcome {
        let id = try await client.scheduleNewOrchestration(CallHttpCatching.self, input: request)
        let done = try await client.waitForInstanceCompletion(id, timeout: timeout)
        guard done.runtimeStatus == .completed else { throw TestServerError(message: "\(id) ended \(done.runtimeStatus): \(String(describing: done.failureDetails))") }
        return try done.output(as: CallOutcome.self)
    }
}

/// What a history says about a durable HTTP call.
struct HistorySummary {
    /// `BuiltIn::HttpActivity` schedulings, in order (one per attempt).
    var httpActivities: [(input: DurableHTTPRequest, attempt: Int)] = []
    /// Failed activities' error types.
    var taskFailures: [String] = []
    var timersCreated: [(fireAt: Date, turnStart: Date)] = []
    var timersFired = 0

    init(_ history: [HistoryEvent]) throws {
        var turnStart = Date(timeIntervalSince1970: 0)
        for event in history {
            switch event.kind {
            case .orchestratorStarted: turnStart = event.timestamp
            case .taskScheduled(let name, let input, let attempt) where name == DurableHTTPActivity.name:
                httpActivities.append((try PayloadCoding.decode(DurableHTTPRequest.self, from: input), attempt))
            case .taskFailed(_, let failure): taskFailures.append(failure.errorType)
            case .timerCreated(let fireAt): timersCreated.append((fireAt, turnStart))
            case .timerFired: timersFired += 1
            default: break
            }
        }
    }

    /// The delays of the created timers, from the start of the turn that created each.
    var timerDelays: [TimeInterval] { timersCreated.map { $0.fireAt.timeIntervalSince($0.turnStart) } }
}

extension TestHost {
    func summary(_ instanceId: String) async throws -> HistorySummary {
        try HistorySummary(try await client.getHistory(instanceId))
    }
}
