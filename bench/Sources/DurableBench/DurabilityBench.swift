import DurableTask
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Logging

/// The two durability modes side by side, each on its own redis-server with AOF on:
/// `appendfsync everysec` (the default) and `appendfsync always` (`--durability always`). Redis
/// group-commits one fsync per event loop, so many concurrent commits share one fsync.
enum DurabilityBench {
    static func run(quick: Bool) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        print("\n## Durability modes (release build, TCP loopback, AOF on; fsync on this machine's disk)\n")
        row(["mode", "floor: sequential EVALSHA (INCR), p50 / p99 µs", "hello, sequential, p50 / p99 µs", "1,000 hellos at once, orchestrations/s (median of runs)"])
        row(["---", "---", "---", "---"])
        var rates: [String: Double] = [:]
        for mode in ["everysec", "always"] {
            let server = try await RedisServer.start(.init(unixSocket: false, appendOnly: true, fsyncAlways: mode == "always"))
            defer { server.stopNow() }
            let fsync = try await RedisBench.configGet(server.url, "appendfsync", logger)
            precondition(fsync == mode, "the server runs appendfsync \(fsync), not \(mode)")
            let floor = try await RedisBench.evalshaFloor(server.url, calls: quick ? 1_000 : 5_000, logger)
            var registry = TaskRegistry()
            registry.addOrchestrator(RedisBench.Hello())
            registry.addActivity(RedisBench.SayHello())
            let hub = try await BenchHub.connect(url: server.url, hub: "bench", registry: registry, logger: logger)
            let client = hub.client
            let (latency, runRates) = try await hub.serving { () async throws -> (Samples, [Double]) in
                var latency = Samples()
                let n = quick ? 200 : 1_000
                for i in 0..<(n + 100) {
                    let t0 = ContinuousClock.now
                    let id = try await client.scheduleNewOrchestration(RedisBench.Hello.self, input: "s\(i)")
                    let done = try await client.waitForInstanceCompletion(id, timeout: .seconds(10))
                    precondition(done.runtimeStatus == .completed)
                    if i >= 100 { latency.add(ContinuousClock.now - t0) }
                }
                var runRates: [Double] = []
                for run in 0..<(quick ? 1 : 3) {
                    let t0 = Date()
                    let ids = try await withThrowingTaskGroup(of: String.self) { group in
                        for i in 0..<1_000 { group.addTask { try await client.scheduleNewOrchestration(RedisBench.Hello.self, input: "c\(run)-\(i)") } }
                        return try await group.reduce(into: [String]()) { $0.append($1) }
                    }
                    var last = t0
                    for id in ids { last = max(last, try await client.waitForInstanceCompletion(id, timeout: .seconds(120)).lastUpdatedAt) }
                    runRates.append(1_000 / last.timeIntervalSince(t0))
                }
                return (latency, runRates)
            }
            await hub.close()
            await server.shutDown()
            let median = runRates.sorted()[runRates.count / 2]
            rates[mode] = median
            row([
                "`\(mode)`", "\(micros(floor.median)) / \(micros(floor.p99))", "\(micros(latency.median)) / \(micros(latency.p99))",
                "\(Int(median)) (runs: \(runRates.map { String(Int($0)) }.joined(separator: ", ")))",
            ])
        }
        if let everysec = rates["everysec"], let always = rates["always"] {
            print("\n`always` keeps \(Int((always / everysec * 100).rounded()))% of the `everysec` throughput at 1,000 at once (target: at least 50%).")
        }
    }
}
