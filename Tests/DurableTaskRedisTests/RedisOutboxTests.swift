import DurableTask
@testable import DurableTaskRedis
import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import Testing

/// Invariant 3: messages to other instances (events, sub-orchestration completions) are never lost,
/// even when the worker dies between committing a turn and delivering its outbox.
@Suite("Redis outbox recovery", .timeLimit(.minutes(2)))
struct RedisOutboxTests {
    @Test func outboxEntriesOfADeadWorkerAreRedeliveredOnce() async throws {
        try await withRedisServer { server in
            let store = try await RedisFailureTests.store(server.url, hub: "outbox", lease: .milliseconds(500), partitions: 8)
            defer { Task { await store.close() } }
            let client = DurableTaskClient(store: store)
            let target = "outbox-target"
            _ = try await client.scheduleNewOrchestration(named: "WaitEvent", input: 1, options: .init(instanceId: target))
            try await ConformanceSuiteHelpers.runTurns(store, count: 1)
            // The sender's turn sends an event; commit it but "die" before routing.
            let sender = try await client.scheduleNewOrchestration(named: "SendTo", input: target)
            let item = try #require(try await store.lockNextOrchestrationWorkItem(timeout: .seconds(5)))
            #expect(item.instanceId == sender)
            let processor = OrchestrationTurnProcessor(registry: TestOrchestrations.registry(probe: TestProbe()), logger: quietLogger)
            let output = try await processor.process(item, cached: nil) { try await store.readHistory(instanceId: sender) }
            output.runner?.abandon()
            #expect(output.result.messages.count == 1)
            let entries = try await store.commit(item, result: output.result)
            #expect(entries.count == 1)
            // Nothing reached the target yet.
            #expect(try await store.lockNextOrchestrationWorkItem(timeout: .milliseconds(100)) == nil)
            // After the lease timeout, recovery redelivers it, and a second recovery does not duplicate it.
            try await Task.sleep(for: .milliseconds(700))
            try await store.recover()
            try await store.recover()
            let raw = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url), logger: quietLogger)
            let inbox = store.keys.instanceKeys(target)[2]
            #expect(try await raw.send(["LLEN", inbox]) == .integer(1), "exactly one copy of the event reached the target")
            try await TestHost.run(store: store) { host in
                let done = try await host.client.waitForInstanceCompletion(target, timeout: .seconds(10))
                #expect(try done.output(as: [String].self) == ["from \(sender)"])
            }
            let p = store.keys.partition(of: sender)
            #expect(try await raw.send(["XLEN", store.keys.outbox(p)]) == .integer(0), "delivered entries are removed")
            await raw.close()
        }
    }
}

enum ConformanceSuiteHelpers {
    /// Runs `count` orchestration turns by hand.
    static func runTurns(_ store: any OrchestrationStore, count: Int) async throws {
        let processor = OrchestrationTurnProcessor(registry: TestOrchestrations.registry(probe: TestProbe()), logger: quietLogger)
        for _ in 0..<count {
            guard let item = try await store.lockNextOrchestrationWorkItem(timeout: .seconds(5)) else { return }
            let output = try await processor.process(item, cached: nil) { try await store.readHistory(instanceId: item.instanceId) }
            try await store.completeOrchestrationWorkItem(item, result: output.result)
            output.runner?.abandon()
        }
    }
}
