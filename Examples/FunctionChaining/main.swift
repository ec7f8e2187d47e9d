import DurableTask
import Logging

/// Activity: greets a city.
struct SayHello: Activity {
    func run(input: String, context: ActivityContext) async throws -> String {
        "Hello \(input)!"
    }
}

/// Orchestrator: calls SayHello for three cities in sequence.
struct FunctionChaining: Orchestrator {
    func run(context: OrchestrationContext, input: NoValue) async throws -> [String] {
        var greetings: [String] = []
        for city in ["Tokyo", "Seattle", "London"] {
            greetings.append(try await context.callActivity(SayHello.self, input: city))
        }
        return greetings
    }
}

var registry = TaskRegistry()
registry.addOrchestrator(FunctionChaining())
registry.addActivity(SayHello())

var logger = Logger(label: "FunctionChaining")
logger.logLevel = .warning
let store = InMemoryOrchestrationStore()
let worker = DurableTaskWorker(store: store, registry: registry, logger: logger)
let client = DurableTaskClient(store: store)

try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await worker.run() }
    let id = try await client.scheduleNewOrchestration(FunctionChaining.self)
    let done = try await client.waitForInstanceCompletion(id, timeout: .seconds(10))
    print("FunctionChaining → \(done.runtimeStatus.rawValue): \(done.output ?? "null")")
    worker.stop()
    try await group.waitForAll()
}
