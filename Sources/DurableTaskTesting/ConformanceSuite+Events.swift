import DurableTask
import Foundation

extension ConformanceSuite {
    static var events: [ConformanceScenario] {
        [
            ConformanceScenario("external events are delivered and custom status is visible") { make in
                try await withHost(make) { host in
                    let id = try await host.client.scheduleNewOrchestration(named: "WaitEvent", input: 1)
                    _ = try await host.client.waitForInstanceStart(id)
                    try await waitUntil { try await host.client.getInstance(id)?.customStatus == "\"waiting\"" }
                    try await host.client.raiseEvent(id, name: "Approval", payload: "yes")
                    let done = try await host.client.waitForInstanceCompletion(id)
                    try requireEqual(try done.output(as: [String].self), ["yes"])
                    try requireEqual(try done.customStatus(as: String.self), "done")
                }
            },
            ConformanceScenario("events raised before the wait are buffered FIFO per name") { make in
                try await withHost(make) { host in
                    let id = try await host.client.scheduleNewOrchestration(named: "TimerThenEvents", input: 5)
                    _ = try await host.client.waitForInstanceStart(id)
                    for i in 1...5 { try await host.client.raiseEvent(id, name: "item", payload: i) }
                    let done = try await host.client.waitForInstanceCompletion(id)
                    try requireEqual(try done.output(as: [Int].self), [1, 2, 3, 4, 5])
                }
            },
            ConformanceScenario("an event wait times out with a catchable error") { make in
                try await withHost(make) { host in
                    let done = try await host.runToCompletion("EventTimeout", input: 100)
                    try requireEqual(try done.output(as: String.self), "timeout:never")
                    let immediate = try await host.runToCompletion("EventTimeout", input: 0)
                    try requireEqual(try immediate.output(as: String.self), "timeout:never")
                }
            },
            ConformanceScenario("sendEvent delivers to another instance") { make in
                try await withHost(make) { host in
                    let target = try await host.client.scheduleNewOrchestration(
                        named: "WaitEvent", input: 1, options: .init(instanceId: "target-\(RandomIdentifier.uuidString())"))
                    _ = try await host.client.waitForInstanceStart(target)
                    let sender = try await host.runToCompletion("SendTo", input: target)
                    try requireEqual(sender.runtimeStatus, .completed)
                    let done = try await host.client.waitForInstanceCompletion(target)
                    try requireEqual(try done.output(as: [String].self), ["from \(sender.instanceId)"])
                }
            },
            ConformanceScenario("raise event to a missing or finished instance is a typed error") { make in
                try await withHost(make) { host in
                    try await requireThrows("missing instance") {
                        try await host.client.raiseEvent("no-such-instance", name: "x")
                    } matches: { ($0 as? DurableTaskError)?.code == .instanceNotFound }
                    let done = try await host.runToCompletion("Hello", input: "x")
                    try await requireThrows("finished instance") {
                        try await host.client.raiseEvent(done.instanceId, name: "x")
                    } matches: { ($0 as? DurableTaskError)?.code == .instanceCompleted }
                }
            },
            ConformanceScenario("suspend keeps events until resume") { make in
                try await withHost(make) { host in
                    let id = try await host.client.scheduleNewOrchestration(named: "WaitEvent", input: 1)
                    _ = try await host.client.waitForInstanceStart(id)
                    try await host.client.suspend(id, reason: "pause")
                    try await waitUntil { try await host.client.getInstance(id)?.runtimeStatus == .suspended }
                    try await host.client.raiseEvent(id, name: "Approval", payload: "while suspended")
                    // Give a worker time to (wrongly) deliver it; it must stay suspended.
                    try await Task.sleep(for: .milliseconds(200))
                    try requireEqual(try await host.client.getInstance(id)?.runtimeStatus, .suspended)
                    try await host.client.resume(id, reason: "go")
                    let done = try await host.client.waitForInstanceCompletion(id)
                    try requireEqual(try done.output(as: [String].self), ["while suspended"])
                }
            },
        ]
    }

    /// Waits (bounded: 10 s by default) until `condition` holds.
    static func waitUntil(_ what: String = "condition", timeout: Duration = .seconds(10), file: StaticString = #fileID,
                          line: UInt = #line, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ConformanceFailure("timed out waiting for \(what)", file: file, line: line)
    }
}
