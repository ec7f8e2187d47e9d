import DurableTask
import DurableTaskTesting
import Foundation
import Logging
import Synchronization
import Testing

/// The worker as a Service: graceful shutdown commits in-flight work; cancellation releases it.
@Suite("Worker shutdown", .timeLimit(.minutes(3)))
struct GracefulShutdownTests {
    final class Gate: Sendable {
        let started = Mutex(0)
        func enter() { started.withLock { $0 += 1 } }
        var count: Int { started.withLock { $0 } }
    }

    static func registry(_ gate: Gate, delay: Duration) -> TaskRegistry {
        var r = TaskRegistry()
        r.addActivity(named: "Slow") { _, input in
            gate.enter()
            try await Task.sleep(for: delay)
            return input
        }
        r.addOrchestrator(named: "CallSlow") { ctx, _ in
            let out: String = try await ctx.callActivity(named: "Slow", input: "done")
            return try PayloadCoding.encode(out)
        }
        return r
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func gracefulStopLetsTheRunningActivityCommit() async throws {
        let store = InMemoryOrchestrationStore()
        let gate = Gate()
        let worker = DurableTaskWorker(
            store: store, registry: Self.registry(gate, delay: .milliseconds(300)),
            configuration: .init(lockWaitTimeout: .milliseconds(50)), logger: Logger(label: "t"))
        let client = DurableTaskClient(store: store)
        let id = try await client.scheduleNewOrchestration(named: "CallSlow")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            try await Self.waitUntil { gate.count == 1 }
            worker.stop()
            try await group.waitForAll()
        }
        // The activity finished and its result was committed before run() returned.
        // Turn 1 (scheduling the activity) is committed; turn 2 has not run yet.
        let history = try await client.getHistory(id)
        #expect(history.contains { if case .taskScheduled = $0.kind { true } else { false } })
        #expect(!history.contains { if case .taskCompleted = $0.kind { true } else { false } })
        let inbox = try #require(try await store.lockNextOrchestrationWorkItem(timeout: .seconds(1)))
        #expect(inbox.messages.contains { if case .taskCompleted = $0.event.kind { true } else { false } })
        try await store.abandonOrchestrationWorkItem(inbox)
        // A new worker finishes the orchestration. It has no "Slow" activity, so a rerun would fail it.
        try await TestHost.run(store: store, register: { r in
            r.addOrchestrator(named: "CallSlow") { ctx, _ in
                let out: String = try await ctx.callActivity(named: "Slow", input: "done")
                return try PayloadCoding.encode(out)
            }
        }) { host in
            let done = try await host.client.waitForInstanceCompletion(id)
            #expect(try done.output(as: String.self) == "done")
        }
        #expect(gate.count == 1, "the activity ran once")
    }

    @Test func cancellationReleasesTheRunningActivityToAnotherWorker() async throws {
        let store = InMemoryOrchestrationStore()
        let gate = Gate()
        let worker = DurableTaskWorker(
            store: store, registry: Self.registry(gate, delay: .seconds(3600)),
            configuration: .init(lockWaitTimeout: .milliseconds(50)), logger: Logger(label: "t"))
        let client = DurableTaskClient(store: store)
        let id = try await client.scheduleNewOrchestration(named: "CallSlow")
        let run = Task { try await worker.run() }
        try await Self.waitUntil { gate.count == 1 }
        run.cancel()
        _ = try? await run.value
        // The activity was abandoned, not failed: a new worker runs it and the orchestration completes.
        let gate2 = Gate()
        let second = DurableTaskWorker(
            store: store, registry: Self.registry(gate2, delay: .zero),
            configuration: .init(lockWaitTimeout: .milliseconds(50)), logger: Logger(label: "t"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await second.run() }
            let done = try await client.waitForInstanceCompletion(id, timeout: .seconds(10))
            #expect(done.runtimeStatus == .completed)
            #expect(try done.output(as: String.self) == "done")
            second.stop()
            try await group.waitForAll()
        }
        #expect(gate2.count == 1)
        let failures = try await client.getHistory(id).filter { if case .taskFailed = $0.kind { true } else { false } }
        #expect(failures.isEmpty, "a cancelled activity must not be recorded as failed")
    }
}
