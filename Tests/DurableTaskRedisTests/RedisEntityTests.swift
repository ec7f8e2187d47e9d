import DurableTask
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import Logging
import Testing

/// Entities on Redis: batches, and a worker killed inside a critical section.
@Suite("Redis entities", .timeLimit(.minutes(3)))
struct RedisEntityTests {
    /// Queued operations run in one batch: a lock and a commit, not a round trip per operation.
    @Test func queuedSignalsRunInOneBatch() async throws {
        try await withRedisServer { server in
            let clientStore = try await RedisFailureTests.store(server.url, hub: "batch", partitions: 1)
            defer { Task { await clientStore.close() } }
            let client = DurableTaskClient(store: clientStore)
            let counter = TestCounter.id("batched")
            for _ in 0..<300 { try await client.signalEntity(counter, operation: "add", input: 1) }
            let workerStore = try await RedisFailureTests.store(server.url, hub: "batch", partitions: 1)
            defer { Task { await workerStore.close() } }
            try await TestHost.run(store: workerStore) { host in
                let deadline = ContinuousClock.now + .seconds(20)
                while ContinuousClock.now < deadline,
                    try await client.getEntity(counter)?.state(as: TestCounter.State.self).value != 300
                {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            #expect(try await client.getEntity(counter)?.state(as: TestCounter.State.self).value == 300)
            let trips = workerStore.roundTrips.value(.orchestration)
            #expect(trips <= 12, "300 queued operations took \(trips) orchestration round trips")
            // The entity's history is one event, whatever ran.
            #expect(try await client.getHistory(counter.instanceId).count == 1)
        }
    }

    /// A worker killed with SIGKILL inside critical sections: after its leases expire another
    /// worker finishes the sections, the locks are released, waiting operations run, and the
    /// transfers' invariant holds.
    @Test func killedWorkerInsideACriticalSection() async throws {
        try await withRedisServer { server in
            let hub = "entkill"
            let store = try await RedisFailureTests.store(server.url, hub: hub, lease: .seconds(1))
            defer { Task { await store.close() } }
            let client = DurableTaskClient(store: store)
            let child = try await WorkerProcess.start(url: server.url, hub: hub, partitions: 3, leaseMs: 1000)
            defer { child.killNow() }
            try await child.waitForLine("ready", timeout: .seconds(60))

            let keys = (0..<5).map { "k\($0)" }
            for key in keys { try await client.signalEntity(TestAccount.id(key), operation: "deposit", input: 100) }
            let held = TestCounter.id("held")
            let holder = try await client.scheduleNewOrchestration(named: "LockAndWait", input: "held")
            let deadline = ContinuousClock.now + .seconds(20)
            while try await client.getInstance(holder)?.customStatus != "\"locked\"" && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await client.getEntity(held) == nil)
            #expect(try await client.getInstance(held.instanceId)?.input?.contains("\"lockedBy\":\"\(holder)\"") == true)
            try await client.signalEntity(held, operation: "add", input: 10)

            var generator = SeededGenerator(seed: 7)
            let transfers = (0..<150).map { _ -> TestTransfer in
                let from = Int.random(in: 0..<5, using: &generator)
                let to = (from + Int.random(in: 1..<5, using: &generator)) % 5
                return TestTransfer(from: keys[from], to: keys[to], amount: Int.random(in: 1...60, using: &generator))
            }
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for transfer in transfers {
                    group.addTask { try await client.scheduleNewOrchestration(named: "Transfer", input: transfer) }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            // Kill the worker while transfers are under way: as soon as the first is done.
            var finished = 0
            while finished < 1 && ContinuousClock.now < deadline {
                finished = try await client.queryInstances(InstanceQuery(statuses: [.completed], name: "Transfer", pageSize: 1000)).instances.count
                try await Task.sleep(for: .milliseconds(2))
            }
            await child.kill9()
            let atKill = try await client.queryInstances(InstanceQuery(statuses: [.completed], name: "Transfer", pageSize: 1000)).instances.count
            #expect(finished >= 1 && atKill < ids.count, "killed mid-run: \(atKill) of \(ids.count) done")

            try await TestHost.run(store: store) { host in
                try await host.client.raiseEvent(holder, name: "go", payload: "go")
                let released = try await host.client.waitForInstanceCompletion(holder, timeout: .seconds(30))
                #expect(try released.output(as: String.self) == "released")
                for id in ids {
                    let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(30))
                    #expect(done.runtimeStatus == .completed)
                }
                // Releases travel after their orchestrations complete: wait (bounded) for them.
                let waitUntil = ContinuousClock.now + .seconds(10)
                func settled() async throws -> Bool {
                    guard try await client.getEntity(held)?.state(as: TestCounter.State.self).value == 11 else { return false }
                    for key in keys where try await client.getEntity(TestAccount.id(key))?.lockedBy != nil { return false }
                    return true
                }
                while try await !settled() && ContinuousClock.now < waitUntil {
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            #expect(try await client.getEntity(held)?.state(as: TestCounter.State.self).value == 11, "the waiting add ran after the release")
            #expect(try await client.getEntity(held)?.lockedBy == nil)
            var total = 0
            for key in keys {
                let account = try await client.getEntity(TestAccount.id(key))
                let balance = try account?.state(as: Int.self) ?? -1
                #expect(balance >= 0)
                #expect(account?.lockedBy == nil, "account \(key) is still locked")
                total += balance
            }
            #expect(total == 500)
        }
    }
}
