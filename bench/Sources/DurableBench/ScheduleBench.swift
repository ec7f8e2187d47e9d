import DurableTask
import DurableTaskRedis
import DurableTaskRedisClient
import DurableTaskRedisServer
import Foundation
import Logging

/// Schedules on Redis: how late ticks start with 1,000 active schedules, what 1,000 idle ones
/// cost Redis, and how a 100 ms interval schedule keeps its phase over many ticks.
///
/// A tick's lateness is the time from its due time to the creation of the instance it started
/// (the instance's `createdAt`, stamped by the schedule's entity batch). Beside it, in the same
/// run: the sequential `PING` round trip on this machine, the floor of any Redis-driven path.
enum ScheduleBench {
    /// An orchestration that does nothing: the tick's cost is the schedule's own.
    struct Noop: Orchestrator {
        func run(context: OrchestrationContext, input: NoValue) async throws -> NoValue { NoValue() }
    }

    static func run(quick: Bool) async throws {
        var quiet = Logger(label: "bench")
        quiet.logLevel = .critical
        let server = try await RedisServer.start(.init(unixSocket: false, appendOnly: true))
        defer { server.stopNow() }
        let url = server.url
        print("\n## Schedules (release build, redis-server \(try await RedisBench.redisVersion(url, quiet)), TCP loopback, 1 worker)\n")
        var registry = TaskRegistry()
        registry.addOrchestrator(Noop())
        let raw = try await RedisConnection.connect(configuration: try RedisConfiguration(url: url), logger: quiet)
        var ping = Samples()
        for _ in 0..<(quick ? 2_000 : 10_000) {
            let start = ContinuousClock.now
            _ = try await raw.send(["PING"])
            ping.add(ContinuousClock.now - start)
        }
        var rows: [[String]] = []
        rows.append(["**floor**: sequential PING round trip", "p50 \(micros(ping.median)) / p99 \(micros(ping.p99)) µs", "", "\(ping.count)"])

        // 1. 1,000 active schedules, phases spread: every 10 s, one due every 10 ms.
        let window = quick ? 12 : 40
        let spread = try await BenchHub.connect(url: url, hub: "sched-spread", registry: registry, logger: quiet)
        let spreadLateness = try await spread.serving {
            let base = Date().addingTimeInterval(3)
            try await create(1_000, on: spread.client) { i in
                ScheduleDefinition(
                    id: "s\(i)", trigger: .interval(.seconds(10)), orchestrationName: Noop.name, overlap: .allowAll,
                    startAt: base.addingTimeInterval(Double(i) * 0.01))
            }
            try await Task.sleep(for: .seconds(window))
            return try await lateness(spread.client, prefix: "s", after: base)
        }
        await spread.close()
        rows.append([
            "1,000 schedules, every 10 s, due 10 ms apart: tick lateness",
            "p50 \(millis(spreadLateness.median)) / p99 \(millis(spreadLateness.p99)) / max \(millis(spreadLateness.percentile(100))) ms",
            "p99 ≤ 10 ms", "\(spreadLateness.count) ticks",
        ])

        // 2. 1,000 schedules due at the same instant (every 5 s, same phase): a burst.
        let burst = try await BenchHub.connect(url: url, hub: "sched-burst", registry: registry, logger: quiet)
        let burstLateness = try await burst.serving {
            let base = Date().addingTimeInterval(3)
            try await create(1_000, on: burst.client) { i in
                ScheduleDefinition(id: "b\(i)", trigger: .interval(.seconds(5)), orchestrationName: Noop.name, overlap: .allowAll, startAt: base)
            }
            try await Task.sleep(for: .seconds(quick ? 9 : 19))
            return try await lateness(burst.client, prefix: "b", after: base)
        }
        await burst.close()
        rows.append([
            "1,000 schedules all due at once (every 5 s): tick lateness",
            "p50 \(millis(burstLateness.median)) / p99 \(millis(burstLateness.p99)) / max \(millis(burstLateness.percentile(100))) ms",
            "", "\(burstLateness.count) ticks",
        ])

        // 3. Idle: 1,000 schedules with nothing due for an hour, against none, on one Redis.
        let idleWindow = quick ? 10 : 30
        let empty = try await BenchHub.connect(url: url, hub: "sched-none", registry: registry, logger: quiet)
        let baseRate = try await empty.serving {
            try await Task.sleep(for: .seconds(3))  // past the worker's start-up reads
            return try await commandRate(raw, seconds: idleWindow)
        }
        await empty.close()
        let idle = try await BenchHub.connect(url: url, hub: "sched-idle", registry: registry, logger: quiet)
        let idleRate = try await idle.serving {
            try await create(1_000, on: idle.client) { i in
                ScheduleDefinition(id: "i\(i)", trigger: .interval(.seconds(3600)), orchestrationName: Noop.name)
            }
            try await Task.sleep(for: .seconds(3))
            return try await commandRate(raw, seconds: idleWindow)
        }
        await idle.close()
        rows.append([
            "idle worker, no schedules: Redis commands per second", String(format: "%.2f/s", baseRate), "", "\(idleWindow) s",
        ])
        rows.append([
            "idle worker, 1,000 schedules none due: Redis commands per second", String(format: "%.2f/s", idleRate),
            "same as none", "\(idleWindow) s",
        ])

        // 4. One schedule every 100 ms: phase and lateness over many ticks.
        let ticks = quick ? 200 : 1_000
        let fast = try await BenchHub.connect(url: url, hub: "sched-fast", registry: registry, logger: quiet)
        let (fastLateness, drift, missed) = try await fast.serving {
            let created = try await fast.client.createSchedule(ScheduleDefinition(
                id: "fast", trigger: .interval(.milliseconds(100)), orchestrationName: Noop.name, overlap: .allowAll))
            let deadline = ContinuousClock.now + .seconds(Double(ticks) / 10 + 30)
            while try await fast.client.describeSchedule("fast")?.startedCount ?? 0 < ticks, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
            let schedule = try await fast.client.pauseSchedule("fast")
            let samples = try await lateness(fast.client, prefix: "fast", after: .distantPast)
            let dues = try await dueTimes(fast.client, prefix: "fast:")
            let anchor = DurableTime.millis(created.anchor)
            let drift = dues.map { abs((DurableTime.millis($0) - anchor) % 100) }.max() ?? 0
            return (samples, drift, schedule.missedCount)
        }
        await fast.close()
        rows.append([
            "one schedule every 100 ms, \(ticks) ticks: due-time drift from anchor + n·100 ms", "\(drift) ms (max)", "bounded", "\(fastLateness.count) ticks",
        ])
        rows.append([
            "one schedule every 100 ms: tick lateness",
            "p50 \(millis(fastLateness.median)) / p99 \(millis(fastLateness.p99)) / max \(millis(fastLateness.percentile(100))) ms, \(missed) missed",
            "", "\(fastLateness.count) ticks",
        ])
        await raw.close()

        row(["measurement", "result", "target", "over"])
        row(["---", "---", "---", "---"])
        for r in rows { row(r) }
    }

    /// Creates `count` schedules, 50 at a time.
    static func create(_ count: Int, on client: DurableTaskClient, _ make: @escaping @Sendable (Int) -> ScheduleDefinition)
        async throws
    {
        for start in stride(from: 0, to: count, by: 50) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in start..<min(count, start + 50) {
                    group.addTask { _ = try await client.createSchedule(make(i), timeout: .seconds(60)) }
                }
                try await group.waitForAll()
            }
        }
    }

    /// The due times of the instances whose IDs start with `prefix` (`<schedule>:<due>`).
    static func dueTimes(_ client: DurableTaskClient, prefix: String) async throws -> [Date] {
        try await instances(client, prefix: prefix).compactMap { instance in
            instance.instanceId.firstIndex(of: ":").flatMap { ScheduleTime.parse(String(instance.instanceId[instance.instanceId.index(after: $0)...])) }
        }
    }

    /// Lateness samples (instance creation − due time) of ticks due after `after`.
    static func lateness(_ client: DurableTaskClient, prefix: String, after: Date) async throws -> Samples {
        var samples = Samples()
        for instance in try await instances(client, prefix: prefix) {
            guard let colon = instance.instanceId.firstIndex(of: ":"),
                let due = ScheduleTime.parse(String(instance.instanceId[instance.instanceId.index(after: colon)...])), due > after
            else { continue }
            samples.add(.milliseconds(max(0, DurableTime.millis(instance.createdAt) - DurableTime.millis(due))))
        }
        return samples
    }

    static func instances(_ client: DurableTaskClient, prefix: String) async throws -> [OrchestrationMetadata] {
        var all: [OrchestrationMetadata] = []
        var token: String?
        repeat {
            let page = try await client.queryInstances(InstanceQuery(instanceIdPrefix: prefix, pageSize: 1_000, continuationToken: token))
            all += page.instances
            token = page.continuationToken
        } while token != nil
        return all
    }

    /// Redis commands per second over `seconds` (the server's count; the two INFOs subtracted).
    static func commandRate(_ raw: RedisConnection, seconds: Int) async throws -> Double {
        let before = try await IdleBench.commandStats(raw)
        try await Task.sleep(for: .seconds(seconds))
        let after = try await IdleBench.commandStats(raw)
        return Double(after.total - before.total - 1) / Double(seconds)
    }

    static func millis(_ ns: Double) -> String { String(format: "%.1f", ns / 1e6) }
}
