import DurableTask
import DurableTaskRedis
import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import Logging
import Testing

/// What an idle worker costs Redis, how fast it still wakes and recovers, and how it behaves
/// while Redis is gone. Each test starts its own redis-server.
@Suite("Redis store: idle cost, recovery and outages", .serialized, .timeLimit(.minutes(3)))
struct RedisIdleTests {
    /// A store with default settings except the hub, its partitions, the lease and, if given,
    /// the recovery interval.
    static func store(_ url: String, hub: String, lease: Duration = .seconds(30), recoveryInterval: Duration? = nil) async throws
        -> RedisOrchestrationStore
    {
        let store = try await RedisOrchestrationStore.connect(
            url: url, configuration: .init(taskHub: hub, partitions: 2, leaseTimeout: lease, recoveryInterval: recoveryInterval),
            poolSize: 2, logger: quietLogger)
        try await store.createTaskHub()
        return store
    }

    /// An idle worker with default settings (4 orchestration and 16 activity loops) sends at
    /// most one command per second on average, counting the commands scripts run, and work
    /// sent to it after the idle period still runs at once.
    @Test func idleWorkerSendsAtMostOneCommandPerSecondAndStillWakesAtOnce() async throws {
        try await withRedisServer { server in
            let store = try await Self.store(server.url, hub: "idle")
            defer { Task { await store.close() } }
            let raw = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url), logger: quietLogger)
            defer { Task { await raw.close() } }
            try await TestHost.run(store: store, configuration: DurableTaskWorker.Configuration()) { host in
                _ = try await host.runToCompletion("Hello", input: "warm")
                try await Task.sleep(for: .milliseconds(500))
                let window = 10
                let before = try await RedisInvariantTests.info(raw, "stats", "total_commands_processed")
                try await Task.sleep(for: .seconds(window))
                let after = try await RedisInvariantTests.info(raw, "stats", "total_commands_processed")
                // The first INFO is counted once it has run.
                let commands = after - before - 1
                #expect(commands <= window, "an idle worker sent \(commands) commands in \(window) s")

                let sent = ContinuousClock.now
                let done = try await host.runToCompletion("Hello", input: "after idle")
                let took = ContinuousClock.now - sent
                #expect(try done.output(as: String.self) == "Hello after idle!")
                #expect(took < .seconds(1), "a one-activity orchestration took \(took) after the idle period")
            }
        }
    }

    /// On a Redis without `BLMPOP` (before 7.0; here the command is renamed away), the store
    /// pops ready instances with `BLPOP` instead, and work still runs.
    @Test func workRunsOnARedisWithoutBlmpop() async throws {
        try await withRedisServer(.init(extraArguments: ["--rename-command", "BLMPOP", ""])) { server in
            let store = try await Self.store(server.url, hub: "no-blmpop")
            defer { Task { await store.close() } }
            try await TestHost.run(store: store) { host in
                for i in 0..<3 {
                    let done = try await host.runToCompletion("Hello", input: "old \(i)", timeout: .seconds(10))
                    #expect(try done.output(as: String.self) == "Hello old \(i)!")
                }
            }
        }
    }

    /// A worker that dies holding a turn's lease, after an idle worker's last recovery scan:
    /// the idle worker requeues the instance as soon as the lease expires, although its
    /// recovery period (30 s) is far longer than the lease.
    @Test func deadWorkersTurnIsRequeuedWhenItsLeaseExpires() async throws {
        try await withRedisServer { server in
            let lease = Duration.seconds(2)
            // The default recovery interval, spelled out: far longer than the lease.
            let idle = try await Self.store(server.url, hub: "dead-turn", lease: lease, recoveryInterval: .seconds(30))
            let dying = try await Self.store(server.url, hub: "dead-turn", lease: lease)
            let survivor = try await Self.store(server.url, hub: "dead-turn", lease: lease)
            defer { Task { for s in [idle, dying, survivor] { await s.close() } } }
            let maintenance = Task { try await idle.runMaintenance() }
            defer { maintenance.cancel() }
            try await Task.sleep(for: .milliseconds(2_500))

            let id = try await DurableTaskClient(store: dying).scheduleNewOrchestration(named: "Hello", input: "x")
            let item = try #require(try await dying.lockNextOrchestrationWorkItem(timeout: .seconds(5)))
            let leasedAt = ContinuousClock.now
            #expect(item.instanceId == id)
            // `dying` never commits. The survivor waits for the instance to come back.
            let recovered = try #require(
                try await survivor.lockNextOrchestrationWorkItem(timeout: lease + .seconds(5)), "the expired lease was not recovered")
            let after = ContinuousClock.now - leasedAt
            #expect(recovered.instanceId == id)
            #expect(after >= lease - .milliseconds(100), "requeued \(after) after the lease was taken, before it expired")
            #expect(after <= lease + .milliseconds(750), "requeued \(after) after the lease was taken (lease \(lease))")
            await #expect(throws: DurableTaskError.self, "the dead worker's late commit must be refused") {
                try await dying.completeOrchestrationWorkItem(
                    item, result: OrchestrationTurnResult(historyToAppend: [], status: .completed, output: "\"late\""))
            }
        }
    }

    /// A worker that dies running an activity, after an idle worker's last recovery scan: the
    /// idle worker's waiting activity loop takes it over as soon as its lease expires.
    @Test func deadWorkersActivityIsReclaimedWhenItsLeaseExpires() async throws {
        try await withRedisServer { server in
            let lease = Duration.seconds(2)
            let idle = try await Self.store(server.url, hub: "dead-activity", lease: lease, recoveryInterval: .seconds(30))
            let dying = try await Self.store(server.url, hub: "dead-activity", lease: lease)
            defer { Task { for s in [idle, dying] { await s.close() } } }
            let maintenance = Task { try await idle.runMaintenance() }
            defer { maintenance.cancel() }
            try await Task.sleep(for: .milliseconds(2_500))

            // `dying` runs the first turn, which schedules one activity, and takes that activity.
            let id = try await DurableTaskClient(store: dying).scheduleNewOrchestration(named: "Hello", input: "x")
            let turn = try #require(try await dying.lockNextOrchestrationWorkItem(timeout: .seconds(5)))
            let processor = OrchestrationTurnProcessor(registry: TestOrchestrations.registry(probe: TestProbe()), logger: quietLogger)
            let output = try await processor.process(turn, cached: nil) { try await dying.readHistory(instanceId: id) }
            output.runner?.abandon()
            try await dying.completeOrchestrationWorkItem(turn, result: output.result)
            let activity = try #require(try await dying.lockNextActivityWorkItem(timeout: .seconds(5)))
            let takenAt = ContinuousClock.now

            let reclaimed = try #require(
                try await idle.lockNextActivityWorkItem(timeout: lease + .seconds(5)), "the expired activity was not reclaimed")
            let after = ContinuousClock.now - takenAt
            #expect(reclaimed.request.instanceId == id && reclaimed.request.taskId == activity.request.taskId)
            #expect(after >= lease - .milliseconds(100), "reclaimed \(after) after it was taken, before its lease expired")
            #expect(after <= lease + .milliseconds(750), "reclaimed \(after) after it was taken (lease \(lease))")
        }
    }

    /// Redis goes away for 6 s under an idle worker: the worker and the store back off (few
    /// connection attempts) and say so once, not once per attempt; when Redis is back they
    /// say that once and run new work.
    @Test func redisOutageBacksOffLogsOnceAndResumes() async throws {
        try await withRedisServer(.init(appendOnly: true)) { server in
            let recorder = LogRecorder()
            let storeLogger = recorder.logger("store")
            var redis = try RedisConfiguration(url: server.url)
            redis.poolSize = 2
            // Short, so requests give up several times during the outage.
            redis.reconnectGiveUpAfter = .seconds(1)
            let pool = try await RedisConnectionPool.connect(configuration: redis, logger: storeLogger)
            let store = RedisOrchestrationStore(pool: pool, configuration: .init(taskHub: "outage", partitions: 2), logger: storeLogger)
            try await store.createTaskHub()
            defer { Task { await store.close() } }
            let workerLogger = recorder.logger("worker", level: .info)
            try await TestHost.run(store: store, configuration: DurableTaskWorker.Configuration(), logger: workerLogger) { host in
                let client = host.client
                #expect(try await host.runToCompletion("Hello", input: "before").runtimeStatus == .completed)
                // The AOF is written every second: let it hold the task hub before the kill.
                try await Task.sleep(for: .milliseconds(1_500))

                let mark = recorder.count
                await server.kill9()
                let outage = Duration.seconds(6)
                try await Task.sleep(for: outage)
                let outageLines = recorder.lines(since: mark)
                try await server.restart()

                let id = try await retrying { try await client.scheduleNewOrchestration(named: "Hello", input: "after") }
                let done = try await client.waitForInstanceCompletion(id, timeout: .seconds(20))
                #expect(try done.output(as: String.self) == "Hello after!")

                // A few lines per kind (one per connection a read or command was on when Redis
                // died, one per pool connection giving up, one for the store), whatever the number
                // of loops and attempts.
                let problems = outageLines.filter { $0.level >= .warning }
                #expect(problems.count <= 10, "\(problems.count) warnings and errors in a \(outage) outage: \(problems.prefix(12))")
                for (message, lines) in Dictionary(grouping: problems, by: \.message) {
                    #expect(lines.count <= 3, "'\(message)' logged \(lines.count) times in a \(outage) outage")
                }
                let attempts = outageLines.filter { $0.message == "redis connecting" }.count
                #expect(attempts <= 60, "\(attempts) connection attempts in a \(outage) outage")
                let down = outageLines.filter { $0.label == "store" && $0.message.contains("unavailable") }
                #expect(down.count == 1, "expected one line saying Redis is unavailable: \(down)")
                let back = recorder.lines(since: mark).filter { $0.label == "store" && $0.message.contains("available again") }
                #expect(back.count == 1, "expected one line saying Redis is available again: \(back)")
            }
        }
    }
}
