import DurableTask
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Logging

/// Entity figures on the Redis store, beside the floor (a sequential EVALSHA round trip on the
/// same redis-server, AOF on, appendfsync everysec), in the same run.
enum EntityBench {
    struct Counter: Entity {
        var initialState: Int { 0 }
        var operations: EntityOperations<Int> {
            EntityOperations()
                .on("add") { (state: inout Int, amount: Int, _: EntityContext) in state += amount }
                .on("get") { (state: inout Int, _: NoValue, _: EntityContext) -> Int in state }
        }
    }

    /// Calls `get` on one counter `input` times in a row.
    struct CallLoop: Orchestrator {
        func run(context: OrchestrationContext, input: Int) async throws -> Int {
            var last = 0
            for _ in 0..<input { last = try await context.callEntity(Counter.id("called"), operation: "get", returning: Int.self) }
            return last
        }
    }

    static func run(quick: Bool) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let server = try await RedisServer.start(.init(unixSocket: false, appendOnly: true))
        defer { server.stopNow() }
        let url = server.url
        print("\n## Entities on Redis (release build, AOF on, appendfsync \(try await RedisBench.configGet(url, "appendfsync", logger)), TCP loopback)\n")
        let floor = try await RedisBench.evalshaFloor(url, calls: quick ? 2_000 : 20_000, logger)

        let configuration = RedisOrchestrationStore.Configuration(taskHub: "ebench", partitions: 4)
        let workerStore = try await RedisOrchestrationStore.connect(url: url, configuration: configuration, poolSize: 2, logger: logger)
        let clientStore = try await RedisOrchestrationStore.connect(url: url, configuration: configuration, poolSize: 4, logger: logger)
        try await workerStore.createTaskHub()
        var registry = TaskRegistry()
        registry.addEntity(Counter())
        registry.addOrchestrator(CallLoop())
        let client = DurableTaskClient(store: clientStore)
        let signals = quick ? 5_000 : 50_000
        var rows: [[String]] = []

        // 1. Signals queued with no worker running, then applied: the batch rate alone.
        try await send(signals, to: Counter.id("queued"), client)
        let queuedTrips = workerStore.roundTrips.value(.orchestration)
        let applyStart = Date()
        let worker = DurableTaskWorker(store: workerStore, registry: registry, configuration: .init(orchestrationConcurrency: 4), logger: logger)
        try await whileRunning(worker) {
            let applied = try await waitForValue(signals, Counter.id("queued"), client)
            let trips = workerStore.roundTrips.value(.orchestration) - queuedTrips
            rows.append(["signals applied to one entity, queued first (batches of ≤ 500)",
                         "\(Int(Double(signals) / applied.timeIntervalSince(applyStart))) signals/s (\(trips) worker round trips)", "≥ 20,000/s", "\(signals) signals"])

            // 2. Signals sent by 32 concurrent clients while the worker applies them.
            let t0 = Date()
            try await send(signals, to: Counter.id("live"), client)
            let done = try await waitForValue(signals, Counter.id("live"), client)
            rows.append(["signals sent by 32 concurrent client tasks and applied to one entity, end to end",
                         "\(Int(Double(signals) / done.timeIntervalSince(t0))) signals/s", "≥ 20,000/s", "\(signals) signals"])

            // 3. callEntity round trips: an orchestration calls the entity in a loop; each call is
            //    the time between the orchestration turns that send and receive it.
            let calls = quick ? 300 : 3_000
            let id = try await client.scheduleNewOrchestration(CallLoop.self, input: calls + 100)
            _ = try await client.waitForInstanceCompletion(id, timeout: .seconds(600))
            let starts = try await client.getHistory(id).filter { $0.kind == .orchestratorStarted }.map(\.timestamp)
            var samples = Samples()
            for (i, pair) in zip(starts, starts.dropFirst()).enumerated() where i >= 100 {
                samples.add(.nanoseconds(Int64(pair.1.timeIntervalSince(pair.0) * 1e9)))
            }
            rows.append(["callEntity round trip from an orchestration (turn to turn)",
                         "p50 \(micros(samples.median)) / p99 \(micros(samples.p99)) µs", "≤ 500 µs p50", "\(samples.count) calls"])
        }
        await workerStore.close()
        await clientStore.close()

        row(["measurement", "result", "target", "samples"])
        row(["---", "---", "---", "---"])
        row(["**floor**: sequential EVALSHA of a small script, one connection", "p50 \(micros(floor.median)) / p99 \(micros(floor.p99)) µs", "", "\(floor.count)"])
        for r in rows { row(r) }
    }

    /// Sends `count` `add 1` signals from 32 concurrent tasks.
    static func send(_ count: Int, to entity: EntityID, _ client: DurableTaskClient) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<32 {
                group.addTask {
                    for _ in stride(from: task, to: count, by: 32) { try await client.signalEntity(entity, operation: "add", input: 1) }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Waits (bounded: 5 minutes) until the counter reaches `value`; returns its last-modified time.
    static func waitForValue(_ value: Int, _ entity: EntityID, _ client: DurableTaskClient) async throws -> Date {
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            if let read = try await client.getEntity(entity) {
                let current = try read.state(as: Int.self)
                precondition(current <= value, "applied more signals than sent")
                if current == value { return read.lastModifiedTime }
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        fatalError("entity \(entity) did not reach \(value)")
    }
}
