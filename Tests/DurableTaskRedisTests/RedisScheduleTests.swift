import DurableTask
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import Logging
import Testing

/// Schedules on a real redis-server: exactly once with several workers, and no tick lost when a
/// worker process is killed across tick boundaries.
@Suite("Redis schedules", .serialized, .timeLimit(.minutes(3)))
struct RedisScheduleTests {
    /// Three workers, each with its own store (connections, timer loop) on one task hub, run an
    /// every-second cron schedule for 30 s: one instance per tick, no tick missed, and each
    /// instance's activity ran once.
    @Test func everySecondCronFiresExactlyOncePerTickAcrossThreeWorkers() async throws {
        try await withRedisServer { server in
            let hub = "sched-" + RandomIdentifier.compact().prefix(8)
            let probe = TestProbe()
            var registry = TestOrchestrations.registry(probe: probe)
            registry.addActivity(named: "CountRun") { context, _ in
                probe.increment("run:" + context.instanceId)
                return nil
            }
            registry.addOrchestrator(named: "Counted") { context, _ in
                _ = try await context.callActivity(named: "CountRun", input: NoValue(), returning: NoValue.self)
                return nil
            }
            var stores: [RedisOrchestrationStore] = []
            for _ in 0..<3 {
                let store = try await RedisOrchestrationStore.connect(
                    url: server.url, configuration: .init(taskHub: hub, partitions: 3, maxBlockingWait: .milliseconds(200)),
                    poolSize: 2, logger: quietLogger)
                stores.append(store)
            }
            try await stores[0].createTaskHub()
            let workers = stores.map {
                DurableTaskWorker(store: $0, registry: registry, configuration: .init(lockWaitTimeout: .milliseconds(200)), logger: quietLogger)
            }
            let client = DurableTaskClient(store: stores[0])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in workers { group.addTask { try await worker.run() } }
                defer {
                    for worker in workers { worker.stop() }
                    group.cancelAll()
                }
                let created = try await client.createSchedule(ScheduleDefinition(
                    id: "second", trigger: .cron(try CronExpression("* * * * * *")), orchestrationName: "Counted",
                    overlap: .allowAll, catchUp: .all(window: .seconds(60))))  // a tick handled late still runs, once
                try await Task.sleep(for: .seconds(30))
                let schedule = try await client.pauseSchedule("second")
                let instances = try await client.queryInstances(InstanceQuery(instanceIdPrefix: "second:", pageSize: 1000)).instances
                let ticks = instances.compactMap { ScheduleTime.parse(String($0.instanceId.dropFirst("second:".count))) }.sorted()
                #expect(ticks.count == instances.count)
                #expect(ticks.count >= 28, "\(ticks.count) ticks in 30 s")
                #expect(schedule.startedCount == ticks.count, "one start per tick")
                #expect(schedule.missedCount == 0)
                #expect(schedule.skippedCount == 0)
                // Whole seconds, one after the other from the first due time after creation.
                #expect(ticks.first.map { ScheduleTime.millis($0) % 1000 } == 0)
                #expect(ticks.first.map { $0 > created.createdAt && $0.timeIntervalSince(created.createdAt) <= 1 } == true)
                for (a, b) in zip(ticks, ticks.dropFirst()) {
                    #expect(ScheduleTime.millis(b) - ScheduleTime.millis(a) == 1000, "a gap or a repeat between \(a) and \(b)")
                }
                for instance in instances {
                    let done = try await client.waitForInstanceCompletion(instance.instanceId, timeout: .seconds(10))
                    #expect(done.runtimeStatus == .completed)
                    #expect(probe.count("run:" + instance.instanceId) == 1, "\(instance.instanceId) ran its activity once")
                }
            }
            for store in stores { await store.close() }
        }
    }

    /// A worker process killed with SIGKILL across three tick boundaries: a second one catches
    /// up. With catch-up `all` every tick runs; with `latest` the newest runs and the others are
    /// recorded as missed.
    @Test func killedWorkerLosesNoTick() async throws {
        try await withRedisServer { server in
            let hub = "sched-kill-" + RandomIdentifier.compact().prefix(8)
            let store = try await RedisOrchestrationStore.connect(
                url: server.url, configuration: .init(taskHub: hub, partitions: 3), poolSize: 2, logger: quietLogger)
            defer { Task { await store.close() } }
            try await store.createTaskHub()
            let client = DurableTaskClient(store: store)
            let first = try await WorkerProcess.start(url: server.url, hub: hub, partitions: 3, leaseMs: 1_000)
            try await first.waitForLine("ready", timeout: .seconds(30))
            for (id, catchUp) in [("all", ScheduleCatchUpPolicy.all(window: .seconds(60))), ("latest", .latest)] {
                try await client.createSchedule(ScheduleDefinition(
                    id: id, trigger: .interval(.milliseconds(400)), orchestrationName: "Hello", input: #""tick""#,
                    overlap: .allowAll, catchUp: catchUp))
            }
            try await waitFor { try await client.describeSchedule("all")?.startedCount ?? 0 >= 2 }
            await first.kill9()
            let killedAt = Date()
            try await Task.sleep(for: .milliseconds(1_500))  // at least three ticks come due with no worker
            let second = try await WorkerProcess.start(url: server.url, hub: hub, partitions: 3, leaseMs: 1_000)
            defer { second.killNow() }
            try await second.waitForLine("ready", timeout: .seconds(30))
            try await waitFor(timeout: .seconds(20)) {
                let all = try await client.describeSchedule("all")
                return (all?.nextDue ?? .distantPast) > killedAt.addingTimeInterval(3)
            }
            let all = try await client.pauseSchedule("all")
            let latest = try await client.pauseSchedule("latest")
            let dues = try await client.queryInstances(InstanceQuery(instanceIdPrefix: "all:", pageSize: 1000)).instances
                .compactMap { ScheduleTime.parse(String($0.instanceId.dropFirst(4))) }.sorted()
            #expect(dues.count == all.startedCount)
            for (a, b) in zip(dues, dues.dropFirst()) {
                #expect(ScheduleTime.millis(b) - ScheduleTime.millis(a) == 400, "catch-up all lost a tick between \(a) and \(b)")
            }
            #expect(dues.contains { $0 > killedAt && $0 < killedAt.addingTimeInterval(1.5) }, "ticks due while no worker ran were run")
            #expect(all.missedCount == 0)
            #expect(latest.missedCount >= 2, "catch-up latest dropped the older ticks (\(latest.missedCount))")
            let latestDues = try await client.queryInstances(InstanceQuery(instanceIdPrefix: "latest:", pageSize: 1000)).instances
                .compactMap { ScheduleTime.parse(String($0.instanceId.dropFirst(7))) }.sorted()
            #expect(latestDues.count == latest.startedCount)
            for id in try await client.queryInstances(InstanceQuery(instanceIdPrefix: "all:", pageSize: 1000)).instances.map(\.instanceId) {
                #expect(try await client.waitForInstanceCompletion(id, timeout: .seconds(10)).output == #""Hello tick!""#)
            }
        }
    }

    /// An interval schedule at 100 ms keeps its phase for 1,000 ticks: tick n is due at
    /// anchor + n·100 ms exactly, none is missed or repeated, and lateness stays bounded.
    @Test(.timeLimit(.minutes(4))) func hundredMillisecondIntervalDoesNotDriftOverAThousandTicks() async throws {
        try await withRedisStores { _, makeStore in
            let store = try await makeStore(StoreOptions())
            try await store.createTaskHub()
            try await TestHost.run(store: store) { host in
                let created = try await host.client.createSchedule(ScheduleDefinition(
                    id: "fast", trigger: .interval(.milliseconds(100)), orchestrationName: "Hello", input: #""x""#,
                    overlap: .allowAll, catchUp: .all(window: .seconds(60))))
                let deadline = ContinuousClock.now + .seconds(150)
                while try await host.client.describeSchedule("fast")?.startedCount ?? 0 < 1_000, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(200))
                }
                let schedule = try await host.client.pauseSchedule("fast")
                var instances: [OrchestrationMetadata] = []
                var token: String?
                repeat {
                    let page = try await host.client.queryInstances(
                        InstanceQuery(instanceIdPrefix: "fast:", pageSize: 1_000, continuationToken: token))
                    instances += page.instances
                    token = page.continuationToken
                } while token != nil
                let ticks = instances.compactMap { instance in
                    ScheduleTime.parse(String(instance.instanceId.dropFirst(5))).map { (due: $0, created: instance.createdAt) }
                }.sorted { $0.due < $1.due }
                #expect(ticks.count >= 1_000)
                #expect(ticks.count == schedule.startedCount)
                #expect(schedule.missedCount == 0)
                let anchor = ScheduleTime.millis(created.anchor)
                for (n, tick) in ticks.enumerated() {
                    let offset = ScheduleTime.millis(tick.due) - anchor
                    #expect(offset == Int64(n + 1) * 100, "tick \(n) is due \(offset) ms after the anchor")
                    if offset != Int64(n + 1) * 100 { break }
                }
                let lateness = ticks.map { ScheduleTime.millis($0.created) - ScheduleTime.millis($0.due) }.sorted()
                #expect(lateness.first.map { $0 >= 0 } == true, "no tick starts early")
                #expect(lateness[lateness.count / 2] < 50, "median lateness \(lateness[lateness.count / 2]) ms")
                #expect(lateness.last.map { $0 < 2_000 } == true, "worst lateness \(lateness.last ?? 0) ms")
            }
        }
    }

    private func waitFor(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("condition not met within \(timeout)")
    }
}
