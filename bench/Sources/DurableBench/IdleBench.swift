import DurableTask
import DurableTaskRedis
import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// What an idle worker costs: Redis commands per second with nothing to do, and what it does
/// while Redis is gone (log lines, connection attempts, CPU) and how soon it works again.
///
/// The worker has the host's defaults (`durable serve`: 8 orchestration and 32 activity loops,
/// 4 partitions, 30 s leases) on a redis-server this bench starts (AOF on). Commands are counted
/// by the server (`INFO all`: `total_commands_processed` and `commandstats`), so commands that
/// scripts run count too; the bench's own `INFO` calls are subtracted.
enum IdleBench {
    static func run(quick: Bool) async throws {
        var quiet = Logger(label: "bench")
        quiet.logLevel = .critical
        let server = try await RedisServer.start(.init(unixSocket: false, appendOnly: true))
        defer { server.stopNow() }
        let url = server.url
        print("\n## Idle cost (release build, redis-server \(try await RedisBench.redisVersion(url, quiet)), TCP loopback)\n")

        let recorder = LogRecorder()
        // As a host logs: info and up. The store's logger also records its trace lines, to count
        // connection attempts ("redis connecting"); they are not counted as log lines.
        let storeLogger = recorder.logger("store", level: .trace)
        let workerLogger = recorder.logger("worker", level: .info)
        var redis = try RedisConfiguration(url: url)
        redis.poolSize = 4
        let pool = try await RedisConnectionPool.connect(configuration: redis, logger: storeLogger)
        let store = RedisOrchestrationStore(
            pool: pool, configuration: .init(taskHub: "idle", partitions: 4, leaseTimeout: .seconds(30)), logger: storeLogger)
        try await store.createTaskHub()
        var registry = TaskRegistry()
        registry.addOrchestrator(RedisBench.Hello())
        registry.addActivity(RedisBench.SayHello())
        let worker = DurableTaskWorker(
            store: store, registry: registry, configuration: .init(orchestrationConcurrency: 8, activityConcurrency: 32),
            logger: workerLogger)
        let client = DurableTaskClient(store: store)
        let raw = try await RedisConnection.connect(configuration: try RedisConfiguration(url: url), logger: quiet)

        var rows: [[String]] = []
        try await whileRunning(worker) {
            _ = try await client.waitForInstanceCompletion(
                try await client.scheduleNewOrchestration(RedisBench.Hello.self, input: "warm"), timeout: .seconds(10))
            try await Task.sleep(for: .seconds(1))

            // 1. Idle.
            let window = quick ? 10 : 60
            let tripsBefore = store.roundTrips.total
            let before = try await commandStats(raw)
            try await Task.sleep(for: .seconds(window))
            let after = try await commandStats(raw)
            let trips = store.roundTrips.total - tripsBefore
            // The first INFO is counted once it has run; the second is not counted in its own reply.
            let total = after.total - before.total - 1
            var byCommand = after.calls.map { ($0.key, $0.value - before.calls[$0.key, default: 0]) }.filter { $0.1 > 0 }
            byCommand = byCommand.map { $0.0 == "info" ? ($0.0, $0.1 - 1) : $0 }.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
            let breakdown = byCommand.map { "\($0.0.uppercased()) \($0.1)" }.joined(separator: ", ")
            rows.append([
                "idle worker: Redis commands per second (scripts' commands included)",
                String(format: "%.2f/s (%d in %d s: %@)", Double(total) / Double(window), total, window, breakdown.isEmpty ? "none" : breakdown),
                "≤ 1/s", "\(window) s",
            ])
            rows.append([
                "idle worker: round trips it sent per second", String(format: "%.2f/s", Double(trips) / Double(window)), "", "\(window) s",
            ])

            // 2. Redis gone.
            try await Task.sleep(for: .milliseconds(1_500))  // the AOF (fsync every second) holds the hub
            let outage = quick ? 4 : 10
            let mark = recorder.count
            let cpu0 = cpuSeconds()
            await server.kill9()
            try await Task.sleep(for: .seconds(outage))
            let cpu = cpuSeconds() - cpu0
            let lines = recorder.lines(since: mark)
            try await server.restart()
            let back = ContinuousClock.now
            let id = try await retry { try await client.scheduleNewOrchestration(RedisBench.Hello.self, input: "after") }
            _ = try await client.waitForInstanceCompletion(id, timeout: .seconds(60))
            let resumed = ContinuousClock.now - back
            let logged = lines.filter { $0.level >= .info }
            let attempts = lines.filter { $0.message == "redis connecting" }.count
            var kinds: [String: Int] = [:]
            for line in logged { kinds["\(line.level) \"\(line.message)\"", default: 0] += 1 }
            let which = kinds.sorted { $0.value > $1.value }.prefix(4).map { "\($0.value) × \($0.key)" }.joined(separator: ", ")
            rows.append([
                "Redis killed for \(outage) s: log lines (info and up) per second",
                String(format: "%.1f/s (%d: %@)", Double(logged.count) / Double(outage), logged.count, which),
                "once per state change", "\(outage) s",
            ])
            rows.append(["Redis killed: connection attempts per second", String(format: "%.1f/s (%d)", Double(attempts) / Double(outage), attempts), "backs off", "\(outage) s"])
            rows.append(["Redis killed: worker process CPU", String(format: "%.1f %% of one core", cpu / Double(outage) * 100), "", "\(outage) s"])
            rows.append(["Redis back: restart → a one-activity orchestration completed", String(format: "%.0f ms", Double(resumed.components.seconds) * 1000 + Double(resumed.components.attoseconds) / 1e15), "", "1"])
        }
        await raw.close()
        await store.close()

        row(["measurement", "result", "target", "over"])
        row(["---", "---", "---", "---"])
        for r in rows { row(r) }
    }

    /// `total_commands_processed` and the calls of each command, from one `INFO all`.
    static func commandStats(_ raw: RedisConnection) async throws -> (total: Int, calls: [String: Int]) {
        let text = try await raw.send(["INFO", "all"]).string ?? ""
        var total = 0
        var calls: [String: Int] = [:]
        for line in text.split(separator: "\r\n") {
            if line.hasPrefix("total_commands_processed:") {
                total = Int(line.dropFirst("total_commands_processed:".count)) ?? 0
            } else if line.hasPrefix("cmdstat_"), let colon = line.firstIndex(of: ":") {
                let name = String(line[line.index(line.startIndex, offsetBy: 8)..<colon])
                let value = line[line.index(after: colon)...].split(separator: ",").first?.split(separator: "=").last
                calls[name] = value.flatMap { Int($0) } ?? 0
            }
        }
        return (total, calls)
    }

    /// User + system CPU time of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Retries a call that may meet a connection still coming back, for up to 30 s.
    static func retry<T>(_ body: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do { return try await body() } catch {
                if ContinuousClock.now > deadline { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}
