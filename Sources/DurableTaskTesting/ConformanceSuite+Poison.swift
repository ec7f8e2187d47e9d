import DurableTask
import Foundation

/// Delivery counting and the poison limit: a store counts every lease that did not end in a
/// commit, and the worker fails work past its limit instead of running it again.
extension ConformanceSuite {
    static var poison: [ConformanceScenario] {
        [
            ConformanceScenario("a delivery that does not commit counts, and the next one leases one message") { make in
                let store = try await make(StoreOptions())
                try await store.createTaskHub()
                let client = DurableTaskClient(store: store)
                let id = try await client.scheduleNewOrchestration(named: "WaitEvent", input: 2)
                try await client.raiseEvent(id, name: "Approval", payload: "a")
                try await client.raiseEvent(id, name: "Approval", payload: "b")
                let first = try await lease(store)
                try requireEqual(first.deliveryCount, 1)
                try requireEqual(first.messages.count, 3)
                try await store.abandonOrchestrationWorkItem(first, reason: .failed)
                let second = try await lease(store)
                try requireEqual(second.deliveryCount, 2)
                try requireEqual(second.messages.count, 1, "after a failed delivery, one message at a time")
                // A release of work that was not run does not count.
                try await store.abandonOrchestrationWorkItem(second, reason: .notRun)
                let third = try await lease(store)
                try requireEqual(third.deliveryCount, 2)
                // A commit resets the count: the rest comes in one batch again.
                _ = try await runOneTurn(store, item: third)
                let fourth = try await lease(store)
                try requireEqual(fourth.deliveryCount, 1)
                try requireEqual(fourth.messages.count, 2)
                try await store.abandonOrchestrationWorkItem(fourth, reason: .notRun)
                try await TestHost.run(store: store) { host in
                    let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
                    try requireEqual(try done.output(as: [String].self), ["a", "b"])
                }
            },
            ConformanceScenario("an expired lease counts as a delivery") { make in
                let store = try await make(StoreOptions(leaseTimeout: .milliseconds(1000)))
                try await store.createTaskHub()
                let id = try await DurableTaskClient(store: store).scheduleNewOrchestration(named: "Hello", input: "x")
                let dead = try await lease(store)
                try requireEqual(dead.instanceId, id)
                // Recovery is the store's maintenance duty, which workers run.
                let next = try await withThrowingTaskGroup(of: OrchestrationWorkItem?.self) { group in
                    group.addTask {
                        try await store.runMaintenance()
                        return nil
                    }
                    group.addTask { try await lease(store, timeout: .seconds(10)) }
                    defer { group.cancelAll() }
                    while let next = try await group.next() { if let next { return next } }
                    throw ConformanceFailure("no redelivery", file: #fileID, line: #line)
                }
                try requireEqual(next.deliveryCount, 2)
            },
            ConformanceScenario("activity deliveries are counted; a release of work not run is not") { make in
                let store = try await make(StoreOptions())
                try await store.createTaskHub()
                let id = try await DurableTaskClient(store: store).scheduleNewOrchestration(named: "Hello", input: "x")
                _ = try await runOneTurn(store)
                let first = try await leaseActivity(store)
                try requireEqual(first.deliveryCount, 1)
                try await store.abandonActivityWorkItem(first, reason: .failed)
                let second = try await leaseActivity(store)
                try requireEqual(second.deliveryCount, 2)
                try await store.abandonActivityWorkItem(second, reason: .notRun)
                let third = try await leaseActivity(store)
                try requireEqual(third.deliveryCount, 2)
                try requireEqual(third.request.instanceId, id)
            },
            ConformanceScenario("a poison orchestration turn fails its instance, which rewinds and restarts cleanly") { make in
                let store = try await make(StoreOptions())
                try await store.createTaskHub()
                let client = DurableTaskClient(store: store)
                let id = try await client.scheduleNewOrchestration(named: "Hello", input: "poison")
                try await failDeliveries(store, times: 5)
                try await TestHost.run(store: store) { host in
                    let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
                    try requireEqual(done.runtimeStatus, .failed)
                    try requirePoison(done.failureDetails, deliveries: 6)
                    // The leased start is in the history, then the failure: nothing was dropped.
                    let history = try await store.readHistory(instanceId: id)
                    try require(history.contains { $0.executionStarted != nil }, "the start is recorded")
                    // Rewinding it runs the turn again (the cause is gone now).
                    try await host.client.rewind(id, reason: "fixed")
                    let rewound = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
                    try requireEqual(try rewound.output(as: String.self), "Hello poison!")
                    // Restarting the instance runs it from the beginning.
                    _ = try await host.client.scheduleNewOrchestration(
                        named: "Hello", input: "again", options: .init(instanceId: id))
                    let again = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
                    try requireEqual(try again.output(as: String.self), "Hello again!")
                }
            },
            ConformanceScenario("a poison activity fails its task without running and is not retried") { make in
                let store = try await make(StoreOptions())
                try await store.createTaskHub()
                let id = try await DurableTaskClient(store: store).scheduleNewOrchestration(named: "Retry", input: 1)
                _ = try await runOneTurn(store)
                for _ in 0..<5 {
                    try await store.abandonActivityWorkItem(try await leaseActivity(store), reason: .failed)
                }
                try await TestHost.run(store: store) { host in
                    let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
                    try requireEqual(done.runtimeStatus, .failed)
                    try requirePoison(done.failureDetails?.innerFailure, deliveries: 6)
                    try requireEqual(host.probe.count("flaky:\(id)"), 0, "the poison activity never ran")
                }
            },
            ConformanceScenario("a poison entity operation fails alone; its caller gets the failure; the entity stays usable") { make in
                let store = try await make(StoreOptions())
                try await store.createTaskHub()
                let client = DurableTaskClient(store: store)
                let counter = TestCounter.id("poison")
                let id = try await client.scheduleNewOrchestration(named: "EntityCalls", input: "poison")
                _ = try await runOneTurn(store)  // the orchestration calls the entity: add 5
                try await client.signalEntity(counter, operation: "add", input: 10)
                try await failDeliveries(store, times: 5)
                try await TestHost.run(store: store) { host in
                    let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
                    try requireEqual(done.runtimeStatus, .failed)
                    try requirePoison(done.failureDetails?.innerFailure, deliveries: 6)
                    // The poison call was not applied; the signal queued behind it was.
                    try await waitUntil("the signal after the poison call") { try await value(of: counter, host) == 10 }
                    try await host.client.signalEntity(counter, operation: "add", input: 1)
                    try await waitUntil("a later signal") { try await value(of: counter, host) == 11 }
                }
            },
        ]
    }

    /// A `TestCounter`'s value, `nil` while it has none.
    static func value(of counter: EntityID, _ host: TestHost) async throws -> Int? {
        guard let state = try await host.client.getEntity(counter)?.state else { return nil }
        return try PayloadCoding.decode(TestCounter.State.self, from: state).value
    }

    /// Leases the next orchestration work item, failing the scenario if none comes.
    static func lease(_ store: any OrchestrationStore, timeout: Duration = .seconds(5)) async throws -> OrchestrationWorkItem {
        guard let item = try await store.lockNextOrchestrationWorkItem(timeout: timeout) else {
            throw ConformanceFailure("no orchestration work item", file: #fileID, line: #line)
        }
        return item
    }

    /// Leases the next activity, failing the scenario if none comes.
    static func leaseActivity(_ store: any OrchestrationStore) async throws -> ActivityWorkItem {
        guard let item = try await store.lockNextActivityWorkItem(timeout: .seconds(5)) else {
            throw ConformanceFailure("no activity work item", file: #fileID, line: #line)
        }
        return item
    }

    /// Plays a worker that fails the next orchestration work item `times` times.
    static func failDeliveries(_ store: any OrchestrationStore, times: Int) async throws {
        for _ in 0..<times { try await store.abandonOrchestrationWorkItem(try await lease(store), reason: .failed) }
    }

    static func requirePoison(_ failure: FailureDetails?, deliveries: Int, file: StaticString = #fileID, line: UInt = #line) throws {
        guard let failure else { throw ConformanceFailure("no failure details", file: file, line: line) }
        try requireEqual(failure.errorType, EngineFailure.poisonMessage, file: file, line: line)
        try require(failure.errorMessage.contains("delivered \(deliveries) times"), "names the attempts: \(failure.errorMessage)",
                    file: file, line: line)
        try require(failure.isNonRetriable, "poison failures are not retried", file: file, line: line)
    }
}
