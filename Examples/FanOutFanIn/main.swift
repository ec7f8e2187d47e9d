import DurableTask
import Logging

/// Activity: returns the work items 1...n.
struct GetWorkItems: Activity {
    func run(input: Int, context: ActivityContext) async throws -> [Int] { Array(1...max(1, input)) }
}

/// Activity: processes one item.
struct ProcessItem: Activity {
    func run(input: Int, context: ActivityContext) async throws -> Int { input * 2 }
}

/// Orchestrator: fans out one ProcessItem per work item and sums the results.
struct FanOutFanIn: Orchestrator {
    func run(context: OrchestrationContext, input: Int) async throws -> Int {
        let items = try await context.callActivity(GetWorkItems.self, input: input)
        let futures = try items.map { try context.scheduleActivity(ProcessItem.self, input: $0) }
        return try await context.whenAll(futures).reduce(0, +)
    }
}

var registry = TaskRegistry()
registry.addOrchestrator(FanOutFanIn())
registry.addActivity(GetWorkItems())
registry.addActivity(ProcessItem())

var logger = Logger(label: "FanOutFanIn")
logger.logLevel = .warning
let store = InMemoryOrchestrationStore()
let worker = DurableTaskWorker(store: store, registry: registry, logger: logger)
let client = DurableTaskClient(store: store)
let n = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 10

try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await worker.run() }
    let id = try await client.scheduleNewOrchestration(FanOutFanIn.self, input: n)
    let done = try await client.waitForInstanceCompletion(id, timeout: .seconds(30))
    print("FanOutFanIn(\(n)) → \(done.runtimeStatus.rawValue): \(try done.output(as: Int.self))")
    worker.stop()
    try await group.waitForAll()
}
