import DurableTask
import Foundation
import Logging

extension ConformanceSuite {
    static var leases: [ConformanceScenario] {
        [
            ConformanceScenario("several workers compete and every orchestration completes once") { make in
                try await withHost(make, workers: 3) { host in
                    let ids = try await withThrowingTaskGroup(of: String.self) { group in
                        for i in 0..<40 {
                            group.addTask { try await host.client.scheduleNewOrchestration(named: "FanOut", input: i % 7 + 1) }
                        }
                        return try await group.reduce(into: [String]()) { $0.append($1) }
                    }
                    for id in ids {
                        let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(30))
                        let n = try done.input(as: Int.self)
                        try requireEqual(try done.output(as: Int.self), n * (n + 1))
                    }
                    // Each activity result is applied exactly once.
                    let done = try await host.runToCompletion("CountOnce", input: "competing")
                    try requireEqual(done.runtimeStatus, .completed)
                    try requireEqual(host.probe.count("count:competing"), 1)
                }
            },
            ConformanceScenario("an expired orchestration lease is recovered and its holder cannot commit") { make in
                let lease = Duration.milliseconds(1500)
                let store = try await make(StoreOptions(leaseTimeout: lease))
                try await store.createTaskHub()
                let client = DurableTaskClient(store: store)
                let id = try await client.scheduleNewOrchestration(named: "Hello", input: "lease")
                // A "dead" worker leases the instance and never finishes.
                let leasedBefore = ContinuousClock.now
                guard let stale = try await store.lockNextOrchestrationWorkItem(timeout: .seconds(5)) else {
                    throw ConformanceFailure("no work item", file: #fileID, line: #line)
                }
                try requireEqual(stale.instanceId, id)
                // While leased, nobody else gets it (on a starved machine the lease may
                // already have run out, and then taking it over is right).
                let none = try await store.lockNextOrchestrationWorkItem(timeout: .milliseconds(100))
                try require(none == nil || ContinuousClock.now - leasedBefore >= lease, "instance leased twice")
                try await TestHost.run(store: store) { host in
                    let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
                    try requireEqual(try done.output(as: String.self), "Hello lease!")
                }
                // Fencing: the expired holder's commit is refused and changes nothing.
                let history = try await store.readHistory(instanceId: id)
                try await requireThrows("stale commit") {
                    try await store.completeOrchestrationWorkItem(
                        stale, result: OrchestrationTurnResult(historyToAppend: [], status: .failed, output: "\"stale\""))
                } matches: { ($0 as? DurableTaskError)?.code == .leaseLost }
                try requireEqual(try await store.readHistory(instanceId: id).count, history.count)
                try requireEqual(try await store.getInstance(id)?.runtimeStatus, .completed)
            },
            ConformanceScenario("an expired activity lease is redelivered and a duplicate result is dropped") { make in
                let store = try await make(StoreOptions(leaseTimeout: .milliseconds(1500)))
                try await store.createTaskHub()
                let client = DurableTaskClient(store: store)
                let id = try await client.scheduleNewOrchestration(named: "Hello", input: "x")
                // Run the first turn by hand so the activity gets scheduled, then "die" holding the activity.
                try await runOneTurn(store)
                guard let lost = try await store.lockNextActivityWorkItem(timeout: .seconds(2)) else {
                    throw ConformanceFailure("an activity must be pending", file: #fileID, line: #line)
                }
                try requireEqual(lost.request.name, "Echo")
                try requireEqual(lost.deliveryCount, 1)
                try await TestHost.run(store: store) { host in
                    let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
                    try requireEqual(try done.output(as: String.self), "Hello x!")
                }
                try await requireThrows("duplicate completion") {
                    try await store.completeActivityWorkItem(
                        lost, result: HistoryEvent(timestamp: Date(), kind: .taskCompleted(taskScheduledId: 0, result: "\"dup\"")))
                } matches: { ($0 as? DurableTaskError)?.code == .leaseLost }
                let history = try await store.readHistory(instanceId: id)
                try requireEqual(history.filter { if case .taskCompleted = $0.kind { true } else { false } }.count, 1)
            },
            ConformanceScenario("messages that arrive during a turn stay for the next turn") { make in
                let store = try await make(StoreOptions())
                try await store.createTaskHub()
                let client = DurableTaskClient(store: store)
                let id = try await client.scheduleNewOrchestration(named: "WaitEvent", input: 2)
                guard let item = try await store.lockNextOrchestrationWorkItem(timeout: .seconds(5)) else {
                    throw ConformanceFailure("no work item", file: #fileID, line: #line)
                }
                try requireEqual(item.messages.count, 1)
                try await client.raiseEvent(id, name: "Approval", payload: "during")
                let output = try await runOneTurn(store, item: item)
                guard let next = try await store.lockNextOrchestrationWorkItem(timeout: .seconds(5)) else {
                    throw ConformanceFailure("the event raised during the turn was lost", file: #fileID, line: #line)
                }
                try requireEqual(next.messages.count, 1)
                try require(next.messages.first.map { if case .eventRaised("Approval", _) = $0.event.kind { true } else { false } } ?? false)
                try requireEqual(next.historyLength, output.result.historyToAppend.count)
                try await store.abandonOrchestrationWorkItem(next)
            },
        ]
    }

    /// Leases (unless given) and commits one orchestration turn by hand, without a worker.
    @discardableResult
    static func runOneTurn(_ store: any OrchestrationStore, item: OrchestrationWorkItem? = nil) async throws
        -> OrchestrationTurnProcessor.Output
    {
        var leased = item
        if leased == nil { leased = try await store.lockNextOrchestrationWorkItem(timeout: .seconds(5)) }
        guard let item = leased else { throw ConformanceFailure("no work item", file: #fileID, line: #line) }
        let processor = OrchestrationTurnProcessor(
            registry: TestOrchestrations.registry(probe: TestProbe()), logger: Logger(label: "durabletask.test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let output = try await processor.process(item, cached: nil) { try await store.readHistory(instanceId: item.instanceId) }
        try await store.completeOrchestrationWorkItem(item, result: output.result)
        output.runner?.abandon()
        return output
    }
}
