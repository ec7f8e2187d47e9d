import DurableTask
import Foundation

extension ConformanceSuite {
    static var lifecycle: [ConformanceScenario] {
        [
            ConformanceScenario("rewind runs the task whose failure ended the instance again") { make in
                try await withHost(make) { host in
                    let failed = try await host.runToCompletion("FlakyChain")
                    try requireEqual(failed.runtimeStatus, .failed)
                    try await host.client.rewind(failed.instanceId, reason: "try again")
                    let done = try await host.client.waitForInstanceCompletion(failed.instanceId)
                    try requireEqual(done.runtimeStatus, .completed, "\(done.failureDetails.map { "\($0)" } ?? "")")
                    try requireEqual(try done.output(as: [String].self), ["first", "succeeded on attempt 1 after 2 runs"])
                    try requireEqual(done.failureDetails, nil)
                    let kinds = try await host.client.getHistory(failed.instanceId).map(\.kind.typeName)
                    try requireEqual(kinds.filter { $0 == "TaskFailed" }.count, 0, "the failure is gone from the history: \(kinds)")
                    try requireEqual(kinds.filter { $0 == "TaskScheduled" }.count, 2, "Echo is not run again: \(kinds)")
                    try requireEqual(kinds.filter { $0 == "ExecutionRewound" }.count, 1)
                    try requireEqual(kinds.filter { $0 == "ExecutionCompleted" }.count, 1)
                    try requireEqual(host.probe.count("flaky:\(failed.instanceId)"), 2)

                    // A failed child runs again when its parent is rewound.
                    let parent = try await host.runToCompletion("FlakyParent")
                    try requireEqual(parent.runtimeStatus, .failed)
                    try await host.client.rewind(parent.instanceId)
                    let parentDone = try await host.client.waitForInstanceCompletion(parent.instanceId)
                    try requireEqual(try parentDone.output(as: [String].self), ["first", "succeeded on attempt 1 after 2 runs"])

                    // Code that fails by itself fails again; other states are refused with typed errors.
                    let code = try await host.runToCompletion("CodeFails")
                    try await host.client.rewind(code.instanceId)
                    try await waitUntil("the rewound code failed again") {
                        let kinds = try await host.client.getHistory(code.instanceId).map(\.kind.typeName)
                        let status = try await host.client.getInstance(code.instanceId)?.runtimeStatus
                        return kinds.contains("ExecutionRewound") && status == .failed
                    }
                    try await requireThrows("rewind of a completed instance") {
                        try await host.client.rewind(done.instanceId)
                    } matches: { ($0 as? DurableTaskError)?.code == .invalidState }
                    try await requireThrows("rewind of a missing instance") {
                        try await host.client.rewind("no-such-instance")
                    } matches: { ($0 as? DurableTaskError)?.code == .instanceNotFound }
                }
            },
            ConformanceScenario("continue-as-new runs generations and truncates history") { make in
                try await withHost(make) { host in
                    struct State: Codable { var value: Int; var target: Int }
                    let done = try await host.runToCompletion("Counter", input: State(value: 0, target: 10))
                    try requireEqual(try done.output(as: Int.self), 10)
                    let history = try await host.client.getHistory(done.instanceId)
                    let starts = history.compactMap { e -> ExecutionStartedEvent? in
                        if case .executionStarted(let s) = e.kind { return s } else { return nil }
                    }
                    try requireEqual(starts.count, 1, "history must hold only the last generation")
                    try requireEqual(starts.first?.generation, 9)
                    try require(history.count < 20, "history of the last generation only, got \(history.count) events")
                }
            },
            ConformanceScenario("no events are lost in a burst while an eternal orchestration continues as new") { make in
                try await withHost(make) { host in
                    struct State: Codable { var received: Int; var expected: Int }
                    let n = 60
                    let id = try await host.client.scheduleNewOrchestration(
                        named: "EternalEvents", input: State(received: 0, expected: n))
                    _ = try await host.client.waitForInstanceStart(id)
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for i in 0..<n {
                            group.addTask { try await host.client.raiseEvent(id, name: "tick", payload: i) }
                        }
                        try await group.waitForAll()
                    }
                    let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(30))
                    try requireEqual(try done.output(as: Int.self), n)
                }
            },
            ConformanceScenario("a terminate that arrives in the turn that continues as new ends the next execution") { make in
                // Both messages wait in the inbox before any worker runs, so one turn takes both:
                // the execution continues as new first, and the terminate must not be dropped with it.
                let store = try await make(StoreOptions())
                try await store.createTaskHub()
                let client = DurableTaskClient(store: store)
                let id = try await client.scheduleNewOrchestration(named: "ContinueOnceThenWait", input: 0)
                try await client.terminate(id, reason: "stop the loop")
                try await TestHost.run(store: store) { host in
                    let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
                    try requireEqual(done.runtimeStatus, .terminated)
                    try requireEqual(try done.output(as: String.self), "stop the loop")
                }
            },
            ConformanceScenario("terminate ends an instance, recursively through sub-orchestrations") { make in
                try await withHost(make) { host in
                    let childId = "child-\(RandomIdentifier.uuidString())"
                    let parent = try await host.client.scheduleNewOrchestration(named: "ParentOfWaiter", input: childId)
                    try await waitUntil { try await host.client.getInstance(childId)?.runtimeStatus == .running }
                    try await host.client.terminate(parent, reason: "stop it", recursive: true)
                    let p = try await host.client.waitForInstanceCompletion(parent)
                    try requireEqual(p.runtimeStatus, .terminated)
                    try requireEqual(try p.output(as: String.self), "stop it")
                    let c = try await host.client.waitForInstanceCompletion(childId)
                    try requireEqual(c.runtimeStatus, .terminated)
                }
            },
            ConformanceScenario("scheduled start waits until its time") { make in
                try await withHost(make) { host in
                    let startAt = Date().addingTimeInterval(1.5)
                    let id = try await host.client.scheduleNewOrchestration(
                        named: "Hello", input: "later", options: .init(startAt: startAt))
                    try await Task.sleep(for: .milliseconds(150))
                    try requireEqual(try await host.client.getInstance(id)?.runtimeStatus, .pending)
                    let done = try await host.client.waitForInstanceCompletion(id)
                    try require(Date() >= startAt, "started before its scheduled time")
                    try requireEqual(try done.output(as: String.self), "Hello later!")
                }
            },
            ConformanceScenario("restart runs a finished instance again, under its ID or a new one") { make in
                try await withHost(make) { host in
                    let first = try await host.runToCompletion("Hello", input: "again")
                    let same = try await host.client.restart(first.instanceId, newInstanceId: false)
                    try requireEqual(same, first.instanceId)
                    let second = try await host.client.waitForInstanceCompletion(same)
                    try require(second.executionId != first.executionId, "restart must create a new execution")
                    try requireEqual(try second.output(as: String.self), "Hello again!")
                    let other = try await host.client.restart(first.instanceId, newInstanceId: true)
                    try require(other != first.instanceId)
                    try requireEqual(try await host.client.waitForInstanceCompletion(other).output(as: String.self), "Hello again!")
                }
            },
            ConformanceScenario("waiting for completion times out with a typed error") { make in
                try await withHost(make) { host in
                    let id = try await host.client.scheduleNewOrchestration(named: "WaitEvent", input: 1)
                    try await requireThrows("wait timeout") {
                        try await host.client.waitForInstanceCompletion(id, timeout: .milliseconds(200))
                    } matches: { ($0 as? DurableTaskError)?.code == .timeout }
                    try await host.client.terminate(id)
                }
            },
        ]
    }
}
