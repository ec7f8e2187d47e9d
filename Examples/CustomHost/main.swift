// Your own host in 15 lines: `swift run CustomHost`, then
// curl -X POST http://127.0.0.1:7071/runtime/webhooks/durabletask/orchestrators/Greeting -d '"Ada"'
import DurableTask
import DurableTaskHost
import Logging

struct Greet: Activity {
    func run(input: String, context: ActivityContext) async throws -> String { "Hello, \(input)!" }
}

struct Greeting: Orchestrator {
    func run(context: OrchestrationContext, input: String) async throws -> String {
        try await context.callActivity(Greet.self, input: input)
    }
}

var registry = TaskRegistry()
registry.addOrchestrator(Greeting())
registry.addActivity(Greet())
try await DurableHost(configuration: HostConfiguration(taskHub: "custom"), registry: registry, logger: Logger(label: "custom-host")).run()
