import DurableTaskRedisClient
import DurableTask
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Logging

/// What history costs in Redis: the `used_memory` delta per completed instance (one activity;
/// FunctionChaining's three), and of one live eternal instance after 100,000 generations, each
/// really committed to Redis.
enum MemoryBench {
    /// Three activities in a row, as the FunctionChaining example.
    struct Chain: Orchestrator {
        func run(context: OrchestrationContext, input: NoValue) async throws -> [String] {
            var out: [String] = []
            for city in ["Tokyo", "Seattle", "London"] { out.append(try await context.callActivity(RedisBench.SayHello.self, input: city)) }
            return out
        }
    }

    /// One activity and a continue-as-new per generation up to the target, then waits (live).
    struct Eternal: Orchestrator {
        func run(context: OrchestrationContext, input: [Int]) async throws -> Int {
            if input[0] >= input[1] {
                try context.setCustomStatus(input[0])
                return try await context.waitForExternalEvent("stop", as: Int.self)
            }
            _ = try await context.callActivity(RedisBench.SayHello.self, input: "g")
            try context.continueAsNew(input: [input[0] + 1, input[1]])
        }
    }

    static func run(quick: Bool) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let server = try await RedisServer.start(.init(unixSocket: false, appendOnly: true))
        defer { server.stopNow() }
        let admin = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url), logger: logger)
        // The dataset part of used_memory (without Redis's own buffers: AOF, clients, scripts),
        // so that a delta is what the data costs.
        func usedMemory() async throws -> Int {
            _ = try await admin.send(["MEMORY", "PURGE"])
            let info = try await admin.send(["INFO", "memory"]).string ?? ""
            let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("used_memory_dataset:") }
            return Int(line?.dropFirst("used_memory_dataset:".count) ?? "") ?? 0
        }
        /// `MEMORY USAGE` of every key named for `id` (its hash, history, inbox).
        func keysUsage(of id: String) async throws -> Int {
            var total = 0
            var cursor = "0"
            repeat {
                let reply = try await admin.send(["SCAN", cursor, "MATCH", "*:\(id)", "COUNT", "10000"]).array ?? []
                cursor = reply.first?.string ?? "0"
                for key in reply.last?.array?.compactMap(\.string) ?? [] {
                    total += try await admin.send(["MEMORY", "USAGE", key, "SAMPLES", "0"]).int ?? 0
                }
            } while cursor != "0"
            return total
        }
        var registry = TaskRegistry()
        registry.addOrchestrator(RedisBench.Hello())
        registry.addOrchestrator(Chain())
        registry.addOrchestrator(Eternal())
        registry.addActivity(RedisBench.SayHello())
        let hub = try await BenchHub.connect(url: server.url, hub: "mem", registry: registry, logger: logger)
        let client = hub.client
        let count = quick ? 500 : 5_000
        let generations = quick ? 5_000 : 100_000
        var rows: [[String]] = []
        try await hub.serving {
            for (name, label) in [("Hello", "completed one-activity instance"), ("Chain", "completed FunctionChaining (3 activities)")] {
                let before = try await usedMemory()
                for batch in stride(from: 0, to: count, by: 500) {
                    let ids = try await withThrowingTaskGroup(of: String.self) { group in
                        for i in batch..<min(count, batch + 500) {
                            group.addTask {
                                name == "Hello"
                                    ? try await client.scheduleNewOrchestration(RedisBench.Hello.self, input: "m\(i)")
                                    : try await client.scheduleNewOrchestration(Chain.self, input: NoValue())
                            }
                        }
                        return try await group.reduce(into: [String]()) { $0.append($1) }
                    }
                    for id in ids { _ = try await client.waitForInstanceCompletion(id, timeout: .seconds(120)) }
                }
                let perInstance = Double(try await usedMemory() - before) / Double(count)
                rows.append([label, "\(Int(perInstance)) bytes per instance", "\(count) instances"])
            }
            let before = try await usedMemory()
            let id = try await client.scheduleNewOrchestration(Eternal.self, input: [0, generations])
            let deadline = ContinuousClock.now + .seconds(600)
            while ContinuousClock.now < deadline {
                if let status = try await client.getInstance(id), status.customStatus == String(generations) { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            let live = try await usedMemory() - before
            let own = try await keysUsage(of: id)
            rows.append([
                "live eternal instance after \(generations) generations (activity + continue-as-new each)",
                "\(own) bytes in its keys (MEMORY USAGE); dataset delta \(live) bytes", "1 instance",
            ])
            try await client.raiseEvent(id, name: "stop", payload: 0)
        }
        await admin.close()
        await hub.close()
        print("\n## History in Redis (used_memory_dataset deltas after MEMORY PURGE; redis-server \(try await RedisBench.redisVersion(server.url, logger)))\n")
        row(["measurement", "result", "samples"])
        row(["---", "---", "---"])
        for r in rows { row(r) }
    }
}
