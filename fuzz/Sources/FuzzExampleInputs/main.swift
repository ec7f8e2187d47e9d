// libFuzzer target: the examples that take numbers (compiled here from their sources), run on
// the in-memory store with the input as their raw JSON input. No input may trap: each instance
// completes, fails (InvalidInput for a number out of range, a decoding error for text that is
// not their input), or keeps waiting on a timer, and is then terminated and purged.
import DurableTask
import Foundation
import FuzzSupport
import Logging

let orchestrators = ["FanOutFanIn", "BudgetApproval", "MonitorJobStatus", "PeriodicCleanup", "BankTransfer"]
let store = InMemoryOrchestrationStore()
let client = DurableTaskClient(store: store)
let worker: DurableTaskWorker = {
    var registry = TaskRegistry()
    registry.addOrchestrator(FanOutFanIn())
    registry.addActivity(GetWorkItems())
    registry.addActivity(ProcessItem())
    registry.addOrchestrator(BudgetApproval())
    registry.addOrchestrator(MonitorJobStatus())
    registry.addActivity(GetJobStatus())
    registry.addOrchestrator(PeriodicCleanup())
    registry.addActivity(Cleanup())
    registry.addEntity(Counter())
    registry.addEntity(Account())
    registry.addOrchestrator(BankTransfer())
    var logger = Logger(label: "fuzz")
    logger.logLevel = .critical
    return DurableTaskWorker(store: store, registry: registry, logger: logger)
}()
// Detached: the main thread blocks in libFuzzer's loop for good, so nothing may need the main actor.
Task.detached { try await worker.run() }

/// Runs `body` to its end from the (synchronous) libFuzzer callback.
func blocking(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        await body()
        done.signal()
    }
    done.wait()
}

/// Starts `name` with `input`, lets it run for up to 200 ms, then ends and purges it.
func run(_ name: String, _ input: String) async {
    guard let id = try? await client.scheduleNewOrchestration(named: name, rawInput: input).instanceId else { return }
    let done = try? await client.waitForInstanceCompletion(id, timeout: .milliseconds(200))
    if let failure = done?.failureDetails, failure.errorType == InvalidInput.errorType {
        fuzzCheck(!failure.errorMessage.isEmpty, "\(name) failed without a message for \(input)")
    }
    if done == nil { try? await client.terminate(id, reason: "fuzz input done") }
    _ = try? await client.waitForInstanceCompletion(id, timeout: .seconds(5))
    _ = try? await client.purgeInstance(id)
}

runLibFuzzer { data, size in
    let input = String(decoding: fuzzInput(data, size), as: UTF8.self)
    blocking {
        await withTaskGroup(of: Void.self) { group in
            for name in orchestrators {
                group.addTask { await run(name, input) }
            }
        }
        for entity in [Counter.id("fuzz"), Account.id("fuzz")] {
            try? await client.signalEntity(entity, operation: entity.name == "counter" ? "add" : "deposit", rawInput: input)
        }
    }
    return 0
}
