// A schedule on the in-memory store: `swift run ScheduledCleanup [ticks]` (default 3) creates the
// README's cleanup schedule, every second, waits for that many ticks, pauses it and prints them.
import DurableExamples
import DurableTask
import Logging

let ticks = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 3
var registry = TaskRegistry()
ExampleCatalog.register(into: &registry)
var logger = Logger(label: "ScheduledCleanup")
logger.logLevel = .warning
let store = InMemoryOrchestrationStore()
let worker = DurableTaskWorker(store: store, registry: registry, logger: logger)
let client = DurableTaskClient(store: store)
try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await worker.run() }
    defer { worker.stop() }
    try await client.createSchedule(ScheduleDefinition(
        id: "cleanup", trigger: .cron(try CronExpression("*/1 * * * * *", timeZone: "Europe/Berlin")),
        orchestrationName: "PeriodicCleanup", input: #"{"intervalMs":0,"maxGenerations":1}"#, overlap: .skip))
    while (try await client.describeSchedule("cleanup")?.startedCount ?? 0) < ticks {
        try await Task.sleep(for: .milliseconds(100))
    }
    let cleanup = try await client.pauseSchedule("cleanup", reason: "example done")
    for tick in cleanup.recentTicks.prefix(ticks) {
        guard let id = tick.instanceId else { continue }
        let run = try await client.waitForInstanceCompletion(id)
        print("\(id) → \(run.runtimeStatus.rawValue): \(run.output ?? "null")")
    }
    print("cleanup: \(cleanup.status.rawValue), \(cleanup.startedCount) started, \(cleanup.skippedCount) skipped")
    worker.stop()
    try await group.waitForAll()
}
