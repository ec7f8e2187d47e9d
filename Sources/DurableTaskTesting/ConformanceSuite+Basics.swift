import DurableTask
import Foundation

extension ConformanceSuite {
    static var basics: [ConformanceScenario] {
        [
            ConformanceScenario("activity chain returns its outputs in order") { make in
                try await withHost(make) { host in
                    let done = try await host.runToCompletion("Chain")
                    try requireEqual(done.runtimeStatus, .completed)
                    try requireEqual(try done.output(as: [String].self), ["Hello Tokyo!", "Hello Seattle!", "Hello London!"])
                    let history = try await host.client.getHistory(done.instanceId)
                    let scheduled = history.filter { if case .taskScheduled = $0.kind { return true } else { return false } }
                    let completed = history.filter { if case .taskCompleted = $0.kind { return true } else { return false } }
                    try requireEqual(scheduled.map(\.eventId), [0, 1, 2])
                    try requireEqual(completed.count, 3)
                    try require(history.first.map { if case .orchestratorStarted = $0.kind { true } else { false } } ?? false)
                    try require(history.contains { if case .executionCompleted(.completed, _, _) = $0.kind { true } else { false } })
                }
            },
            ConformanceScenario("a timer at any representable time waits without breaking the store; the instance can be terminated") { make in
                try await withHost(make) { host in
                    for seconds in [1e300, 9.2e15, 253_402_300_800.0, -1e300] {
                        let id = try await host.client.scheduleNewOrchestration(named: "FarTimer", input: seconds)
                        let running = try await host.client.waitForInstanceStart(id, timeout: .seconds(10))
                        if seconds > 0 {
                            try requireEqual(running.runtimeStatus, .running, "timer at \(seconds) s")
                            try await host.client.terminate(id, reason: "too far")
                        }
                        let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
                        // A timer in the past fires at once; one in the future waits until terminated.
                        try requireEqual(done.runtimeStatus, seconds > 0 ? .terminated : .completed, "timer at \(seconds) s")
                    }
                    // The store still serves other work.
                    let chain = try await host.runToCompletion("Chain")
                    try requireEqual(chain.runtimeStatus, .completed)
                }
            },
            ConformanceScenario("fan-out/fan-in with whenAll sums every result") { make in
                try await withHost(make) { host in
                    let done = try await host.runToCompletion("FanOut", input: 50)
                    try requireEqual(try done.output(as: Int.self), (1...50).reduce(0) { $0 + 2 * $1 })
                }
            },
            ConformanceScenario("async let and task groups replay deterministically") { make in
                try await withHost(make) { host in
                    let a = try await host.runToCompletion("AsyncLetAndGroup")
                    let b = try await host.runToCompletion("AsyncLetAndGroup")
                    try requireEqual(a.runtimeStatus, .completed, "\(a.failureDetails?.description ?? "")")
                    try requireEqual(try a.output(as: [Int].self), [2, 4, 6, 8, 10, 12, 36])
                    // Same code, same schedule order: the histories have the same action sequence.
                    let ha = try await host.client.getHistory(a.instanceId).compactMap(\.scheduledName)
                    let hb = try await host.client.getHistory(b.instanceId).compactMap(\.scheduledName)
                    try requireEqual(ha, hb)
                    try requireEqual(ha.count, 6)
                }
            },
            ConformanceScenario("an activity error reaches the orchestrator as TaskFailedError") { make in
                try await withHost(make) { host in
                    let caught = try await host.runToCompletion("CatchFailure")
                    try requireEqual(try caught.output(as: String.self), "Fail|TestFailure|boom")
                    let failed = try await host.runToCompletion("Uncaught")
                    try requireEqual(failed.runtimeStatus, .failed)
                    try requireEqual(failed.failureDetails?.errorType, "TaskFailedError")
                    try requireEqual(failed.failureDetails?.innerFailure?.errorType, "TestFailure")
                    try requireEqual(failed.failureDetails?.innerFailure?.errorMessage, "uncaught boom")
                }
            },
            ConformanceScenario("retry policy retries on durable timers, then succeeds") { make in
                try await withHost(make) { host in
                    let done = try await host.runToCompletion("Retry", input: 3)
                    try requireEqual(try done.output(as: String.self), "succeeded on attempt 3 after 3 runs")
                    let history = try await host.client.getHistory(done.instanceId)
                    try requireEqual(history.filter { if case .timerCreated = $0.kind { true } else { false } }.count, 2)
                    try requireEqual(history.filter { if case .taskFailed = $0.kind { true } else { false } }.count, 2)
                    // Exhausted: 4 needed, 3 allowed.
                    let exhausted = try await host.runToCompletion("Retry", input: 4)
                    try requireEqual(exhausted.runtimeStatus, .failed)
                    try requireEqual(exhausted.failureDetails?.innerFailure?.errorType, "Flaky")
                    // Non-retriable failures are not retried.
                    let fatal = try await host.runToCompletion("RetryNonRetriable")
                    try requireEqual(fatal.runtimeStatus, .failed)
                    let fatalHistory = try await host.client.getHistory(fatal.instanceId)
                    try requireEqual(fatalHistory.filter { if case .taskScheduled = $0.kind { true } else { false } }.count, 1)
                }
            },
            ConformanceScenario("durable timers fire at their time") { make in
                try await withHost(make) { host in
                    let started = Date()
                    let done = try await host.runToCompletion("Timer", input: 250)
                    try require(Date().timeIntervalSince(started) >= 0.25, "timer fired early")
                    try require(try done.output(as: Int.self) >= 250, "orchestration time did not advance past the timer")
                    let history = try await host.client.getHistory(done.instanceId)
                    try require(history.contains { if case .timerFired(0, _) = $0.kind { true } else { false } })
                }
            },
            ConformanceScenario("sub-orchestrations return outputs and failures to the parent") { make in
                try await withHost(make) { host in
                    let ok = try await host.runToCompletion("Parent", input: "Chain")
                    try requireEqual(try ok.output(as: String.self), "Hello Tokyo!,Hello Seattle!,Hello London!")
                    let childId = "\(ok.instanceId):0:0"
                    let child = try await host.client.getInstance(childId)
                    try requireEqual(child?.runtimeStatus, .completed)
                    try requireEqual(child?.parentInstanceId, ok.instanceId)
                    let bad = try await host.runToCompletion("Parent", input: "Uncaught")
                    try requireEqual(try bad.output(as: String.self), "child failed: true TaskFailedError")
                    let missing = try await host.runToCompletion("Parent", input: "NoSuchOrchestrator")
                    try requireEqual(try missing.output(as: String.self), "child failed: true \(EngineFailure.orchestratorNotRegistered)")
                }
            },
            ConformanceScenario("unknown activity fails the task with ActivityNotRegistered") { make in
                try await withHost(make, { host in
                    let done = try await host.runToCompletion("Hello", input: "x")
                    try requireEqual(done.runtimeStatus, .completed)
                    let id = try await host.client.scheduleNewOrchestration(named: "NoSuchOrchestrator")
                    let failed = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
                    try requireEqual(failed.runtimeStatus, .failed)
                    try requireEqual(failed.failureDetails?.errorType, EngineFailure.orchestratorNotRegistered)
                })
            },
        ]
    }
}

extension HistoryEvent {
    /// The activity or sub-orchestration name for scheduling events, else `nil`.
    var scheduledName: String? {
        switch kind {
        case .taskScheduled(let name, _, _): "\(eventId):\(name)"
        case .subOrchestrationInstanceCreated(let name, _, _): "\(eventId):\(name)"
        default: nil
        }
    }
}
