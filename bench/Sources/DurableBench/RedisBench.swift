import DurableTask
import DurableTaskRedis
import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Logging

/// End-to-end figures on the Redis store, each beside the floor: a sequential EVALSHA round
/// trip of a small script on the same redis-server (AOF, appendfsync everysec), in the same run.
enum RedisBench {
    struct SayHello: Activity {
        func run(input: String, context: ActivityContext) async throws -> String { "Hello \(input)!" }
    }

    struct Hello: Orchestrator {
        func run(context: OrchestrationContext, input: String) async throws -> String {
            try await context.callActivity(SayHello.self, input: input)
        }
    }

    /// One activity and a continue-as-new per generation.
    struct Eternal: Orchestrator {
        func run(context: OrchestrationContext, input: [Int]) async throws -> Int {
            _ = try await context.callActivity(SayHello.self, input: "g")
            if input[0] >= input[1] { return input[0] }
            try context.continueAsNew(input: [input[0] + 1, input[1]])
        }
    }

    struct Item: Activity {
        func run(input: Int, context: ActivityContext) async throws -> Int { input * 2 }
    }

    struct FanOut: Orchestrator {
        func run(context: OrchestrationContext, input: Int) async throws -> Int {
            let futures = try (1...input).map { try context.scheduleActivity(Item.self, input: $0) }
            return try await context.whenAll(futures).reduce(0, +)
        }
    }

    static func run(quick: Bool) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let unix = CommandLine.arguments.contains("--unix")
        let server = try await RedisServer.start(.init(unixSocket: unix, appendOnly: true))
        defer { server.stopNow() }
        let url = unix ? server.unixSocketURL! : server.url
        let fsync = try await configGet(url, "appendfsync", logger)
        print("\n## Redis store (release build; redis-server \(try await redisVersion(url, logger)), AOF on, appendfsync \(fsync), \(unix ? "unix socket" : "TCP loopback"))\n")

        // The floor: sequential EVALSHA of a small script on one connection.
        let floor = try await evalshaFloor(url, calls: quick ? 2_000 : 20_000, logger)

        let configuration = RedisOrchestrationStore.Configuration(taskHub: "bench", partitions: 4)
        let workerStore = try await RedisOrchestrationStore.connect(url: url, configuration: configuration, poolSize: 2, logger: logger)
        let clientStore = try await RedisOrchestrationStore.connect(url: url, configuration: configuration, poolSize: 2, logger: logger)
        try await workerStore.createTaskHub()
        var registry = TaskRegistry()
        registry.addOrchestrator(Hello())
        registry.addOrchestrator(Eternal())
        registry.addOrchestrator(FanOut())
        registry.addActivity(SayHello())
        registry.addActivity(Item())
        let worker = DurableTaskWorker(
            store: workerStore, registry: registry,
            configuration: .init(orchestrationConcurrency: 8, activityConcurrency: 16), logger: logger)
        let client = DurableTaskClient(store: clientStore)

        var rows: [[String]] = []
        try await whileRunning(worker) {
            if CommandLine.arguments.contains("--trace") {
                for i in 0..<5 {
                    let t0 = Date()
                    let id = try await client.scheduleNewOrchestration(Hello.self, input: "t\(i)")
                    let done = try await client.waitForInstanceCompletion(id, timeout: .seconds(10))
                    let t1 = Date()
                    let h = try await client.getHistory(id)
                    print("trace: total \(Int(t1.timeIntervalSince(t0) * 1e6)) µs; updated \(Int(done.lastUpdatedAt.timeIntervalSince(t0) * 1e6))")
                    for e in h { print("   \(Int(e.timestamp.timeIntervalSince(t0) * 1e6)) µs \(e.kind.typeName)") }
                }
                return
            }
            // 1. Hello, sequential.
            let n = quick ? 300 : 3_000
            var latency = Samples()
            var serverSide = Samples()
            let tripsBefore = workerStore.roundTrips.value(.orchestration)
            for i in 0..<(n + 100) {
                let t0 = ContinuousClock.now
                let id = try await client.scheduleNewOrchestration(Hello.self, input: "n\(i)")
                let done = try await client.waitForInstanceCompletion(id, timeout: .seconds(10))
                let elapsed = ContinuousClock.now - t0
                precondition(done.runtimeStatus == .completed)
                if i >= 100 {
                    latency.add(elapsed)
                    serverSide.add(.nanoseconds(Int64(done.lastUpdatedAt.timeIntervalSince(done.createdAt) * 1e9)))
                }
            }
            let turns = 2 * (n + 100)
            let tripsPerTurn = Double(workerStore.roundTrips.value(.orchestration) - tripsBefore) / Double(turns)
            rows.append(["hello (1 activity), sequential, client-observed", "p50 \(micros(latency.median)) / p99 \(micros(latency.p99)) µs", "≤ 500 µs p50", "\(n)"])
            rows.append(["hello, created → completed in Redis (server timestamps)", "p50 \(micros(serverSide.median)) / p99 \(micros(serverSide.p99)) µs", "", "\(n)"])
            rows.append(["Redis round trips per orchestration turn, sequential (pop + lock + commit)", String(format: "%.2f", tripsPerTurn), "≤ 2", "\(turns) turns"])

            // 2. 1,000 at once.
            var rates: [Double] = []
            let loadTripsBefore = workerStore.roundTrips.value(.orchestration)
            let loadRuns = quick ? 1 : 3
            for _ in 0..<loadRuns {
                let t0 = Date()
                let ids = try await withThrowingTaskGroup(of: String.self) { g in
                    for i in 0..<1_000 { g.addTask { try await client.scheduleNewOrchestration(Hello.self, input: "c\(i)") } }
                    return try await g.reduce(into: [String]()) { $0.append($1) }
                }
                var last = t0
                for id in ids {
                    let done = try await client.waitForInstanceCompletion(id, timeout: .seconds(60))
                    last = max(last, done.lastUpdatedAt)
                }
                rates.append(1_000 / last.timeIntervalSince(t0))
            }
            let loadTrips = Double(workerStore.roundTrips.value(.orchestration) - loadTripsBefore) / Double(2 * 1_000 * loadRuns)
            rows.append(["Redis round trips per orchestration turn under load (1,000 at once)", String(format: "%.2f", loadTrips), "≤ 2", "\(2 * 1_000 * loadRuns) turns"])
            rows.append(["1,000 hello orchestrations at once", "\(Int(rates.sorted()[rates.count / 2])) orchestrations/s (runs: \(rates.map { String(Int($0)) }.joined(separator: ", ")))", "≥ 5,000/s", "\(rates.count) runs"])

            // 3. Eternal loop: one activity + continue-as-new per generation.
            let generations = quick ? 500 : 5_000
            let e0 = Date()
            let eternal = try await client.scheduleNewOrchestration(Eternal.self, input: [0, generations])
            let eDone = try await client.waitForInstanceCompletion(eternal, timeout: .seconds(300))
            precondition(eDone.runtimeStatus == .completed)
            let genRate = Double(generations) / eDone.lastUpdatedAt.timeIntervalSince(e0)
            rows.append(["eternal loop: 1 activity + continue-as-new per generation", "\(Int(genRate)) generations/s", "≥ 2,000/s", "\(generations) generations"])

            // 4. Fan-out/fan-in of 1,000 activities.
            var fan = Samples()
            for _ in 0..<(quick ? 2 : 7) {
                let t0 = Date()
                let id = try await client.scheduleNewOrchestration(FanOut.self, input: 1_000)
                let done = try await client.waitForInstanceCompletion(id, timeout: .seconds(60))
                let sum = try done.output(as: Int.self)
                precondition(sum == 1_001_000)
                fan.add(.nanoseconds(Int64(done.lastUpdatedAt.timeIntervalSince(t0) * 1e9)))
            }
            rows.append(["fan-out/fan-in of 1,000 activities, total", "p50 \(String(format: "%.1f", fan.median / 1e6)) ms (max \(String(format: "%.1f", fan.percentile(100) / 1e6)) ms)", "≤ 100 ms", "\(fan.count) runs"])
        }
        await workerStore.close()
        await clientStore.close()

        row(["measurement", "result", "target", "samples"])
        row(["---", "---", "---", "---"])
        row(["**floor**: sequential EVALSHA of a small script, one connection", "p50 \(micros(floor.median)) / p99 \(micros(floor.p99)) µs", "", "\(floor.count)"])
        for r in rows { row(r) }
    }

    static func evalshaFloor(_ url: String, calls: Int, _ logger: Logger) async throws -> Samples {
        let connection = try await RedisConnection.connect(configuration: try RedisConfiguration(url: url), logger: logger)
        defer { Task { await connection.close() } }
        let script = RedisScript("redis.call('INCR', KEYS[1]); return ARGV[1]")
        try await connection.load(script)
        var samples = Samples()
        for i in 0..<(calls + 1_000) {
            let t0 = ContinuousClock.now
            _ = try await connection.eval(script, keys: ["floor"], arguments: ["x"])
            if i >= 1_000 { samples.add(ContinuousClock.now - t0) }
        }
        return samples
    }

    static func configGet(_ url: String, _ key: String, _ logger: Logger) async throws -> String {
        let connection = try await RedisConnection.connect(configuration: try RedisConfiguration(url: url), logger: logger)
        defer { Task { await connection.close() } }
        return try await connection.send(["CONFIG", "GET", key]).stringArray?.last.flatMap { $0 } ?? "?"
    }

    static func redisVersion(_ url: String, _ logger: Logger) async throws -> String {
        let connection = try await RedisConnection.connect(configuration: try RedisConfiguration(url: url), logger: logger)
        defer { Task { await connection.close() } }
        let info = try await connection.send(["INFO", "server"]).string ?? ""
        return info.split(separator: "\r\n").first { $0.hasPrefix("redis_version:") }.map { String($0.dropFirst(14)) } ?? "?"
    }
}
