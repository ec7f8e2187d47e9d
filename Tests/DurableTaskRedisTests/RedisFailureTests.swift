import DurableTask
import DurableTaskRedis
import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import Logging
import Testing

/// Redis-specific failure handling: killed workers, fencing, server restarts, dropped
/// connections, several hubs on one server. Each test starts its own redis-server.
@Suite("Redis store failures", .timeLimit(.minutes(3)))
struct RedisFailureTests {
    static func store(_ url: String, hub: String, lease: Duration = .seconds(30), partitions: Int = 3) async throws
        -> RedisOrchestrationStore
    {
        let store = try await RedisOrchestrationStore.connect(
            url: url, configuration: .init(taskHub: hub, partitions: partitions, leaseTimeout: lease, maxBlockingWait: .milliseconds(200)),
            poolSize: 2, logger: quietLogger)
        try await store.createTaskHub()
        return store
    }

    @Test func killedWorkerLosesItsLeaseAndAnotherWorkerFinishes() async throws {
        try await withRedisServer { server in
            let store = try await Self.store(server.url, hub: "kill9", lease: .seconds(1))
            defer { Task { await store.close() } }
            let child = try await WorkerProcess.start(url: server.url, hub: "kill9", partitions: 3, leaseMs: 1000)
            defer { child.killNow() }
            try await child.waitForLine("ready", timeout: .seconds(60))
            let client = DurableTaskClient(store: store)
            let id = try await client.scheduleNewOrchestration(named: "Hello", input: "survivor")
            _ = try await client.waitForInstanceCompletion(id, timeout: .seconds(20))
            // Now a long activity that the child will hold when it dies.
            let hung = try await client.scheduleNewOrchestration(named: "CallHang")
            try await child.waitForLine("hanging", timeout: .seconds(20))
            // The child's lease began before it printed "hanging", so before this instant.
            let killedAt = ContinuousClock.now
            await child.kill9()
            // A new worker (this process) gets the activity once the dead worker's lease expires.
            try await TestHost.run(store: store, register: { r in
                r.addActivity(named: "Hang") { _, _ in try PayloadCoding.encode("finished by the survivor") }
            }) { host in
                let done = try await host.client.waitForInstanceCompletion(hung, timeout: .seconds(20))
                #expect(done.runtimeStatus == .completed)
                #expect(try done.output(as: String.self) == "finished by the survivor")
            }
            #expect(ContinuousClock.now - killedAt >= .milliseconds(900), "picked up before the lease expired")
        }
    }

    @Test func expiredLeaseHolderCannotCommitAndRedisIsUnchanged() async throws {
        try await withRedisServer { server in
            let store = try await Self.store(server.url, hub: "fence", lease: .milliseconds(300), partitions: 1)
            defer { Task { await store.close() } }
            let client = DurableTaskClient(store: store)
            let id = try await client.scheduleNewOrchestration(named: "Hello", input: "f")
            let item = try #require(try await store.lockNextOrchestrationWorkItem(timeout: .seconds(5)))
            let raw = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url), logger: quietLogger)
            defer { Task { await raw.close() } }
            let before = try await raw.send(["DUMP", "dt:{fence:0}:i:\(id)"])
            try await Task.sleep(for: .milliseconds(400))
            await #expect(throws: DurableTaskError.self) {
                try await store.completeOrchestrationWorkItem(
                    item, result: OrchestrationTurnResult(historyToAppend: [], status: .completed, output: "\"stale\""))
            }
            #expect(try await raw.send(["DUMP", "dt:{fence:0}:i:\(id)"]) == before, "the instance hash must be byte-for-byte unchanged")
            #expect(try await raw.send(["LLEN", "dt:{fence:0}:h:\(id)"]) == .integer(0))
            #expect(try await raw.send(["LLEN", "dt:{fence:0}:in:\(id)"]) == .integer(1), "the message must stay in the inbox")
        }
    }

    @Test func serverRestartWithAOFLosesNoAcknowledgedStart() async throws {
        try await withRedisServer(.init(appendOnly: true)) { server in
            let store = try await Self.store(server.url, hub: "aof")
            defer { Task { await store.close() } }
            let client = DurableTaskClient(store: store)
            var ids: [String] = []
            for i in 0..<50 { ids.append(try await client.scheduleNewOrchestration(named: "Hello", input: "n\(i)")) }
            try await server.restart()
            // More starts after the restart: the pool reconnects.
            for i in 50..<60 {
                ids.append(try await retrying { try await client.scheduleNewOrchestration(named: "Hello", input: "n\(i)") })
            }
            try await TestHost.run(store: store) { host in
                for (i, id) in ids.enumerated() {
                    let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(30))
                    #expect(try done.output(as: String.self) == "Hello n\(i)!")
                }
            }
        }
    }

    @Test func workersRecoverWhenConnectionsAreKilled() async throws {
        try await withRedisServer { server in
            let store = try await Self.store(server.url, hub: "kill-conn", lease: .seconds(2))
            defer { Task { await store.close() } }
            try await TestHost.run(store: store) { host in
                let ids = try await (0..<20).asyncMap { i in try await host.client.scheduleNewOrchestration(named: "Chain", input: i) }
                let raw = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url), logger: quietLogger)
                for _ in 0..<3 {
                    _ = try await raw.send(["CLIENT", "KILL", "TYPE", "normal"])
                    try await Task.sleep(for: .milliseconds(50))
                }
                await raw.close()
                for id in ids {
                    let done = try await retrying { try await host.client.waitForInstanceCompletion(id, timeout: .seconds(30)) }
                    #expect(try done.output(as: [String].self) == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"])
                }
            }
        }
    }

    @Test func taskHubsOnOneServerAreIsolated() async throws {
        try await withRedisServer { server in
            let a = try await Self.store(server.url, hub: "alpha")
            let b = try await Self.store(server.url, hub: "beta")
            defer { Task { await a.close(); await b.close() } }
            let sameId = "shared-id"
            try await TestHost.run(store: a) { hostA in
                _ = try await hostA.runToCompletion("Hello", input: "from alpha", instanceId: sameId)
            }
            let inB = try await b.getInstance(sameId)
            #expect(inB == nil, "hub beta must not see alpha's instance")
            try await TestHost.run(store: b) { hostB in
                _ = try await hostB.runToCompletion("Hello", input: "from beta", instanceId: sameId)
            }
            #expect(try await a.getInstance(sameId)?.output == "\"Hello from alpha!\"")
            #expect(try await b.getInstance(sameId)?.output == "\"Hello from beta!\"")
            #expect(try await a.queryInstances(InstanceQuery()).instances.map(\.instanceId) == [sameId])
            try await a.deleteTaskHub()
            #expect(try await a.getInstance(sameId) == nil)
            #expect(try await b.getInstance(sameId)?.output == "\"Hello from beta!\"", "deleting alpha must leave beta intact")
        }
    }
}

/// Sends one admin command on a short-lived connection.
@discardableResult
func adminSend(_ url: String, _ command: [String]) async throws -> RedisValue {
    let connection = try await RedisConnection.connect(configuration: try RedisConfiguration(url: url), logger: quietLogger)
    defer { Task { await connection.close() } }
    return try await connection.send(command)
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
