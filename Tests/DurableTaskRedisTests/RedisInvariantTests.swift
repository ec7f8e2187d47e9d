import DurableTask
import DurableTaskRedis
import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import Logging
import Testing

/// The Redis task hub's invariants, each checked against a real redis-server.
/// (Invariants 2, 3 and 6 are also covered by the conformance suite, which runs on Redis.)
@Suite("Redis store invariants", .serialized, .timeLimit(.minutes(5)))
struct RedisInvariantTests {
    /// Reads one numeric field of an `INFO` section.
    static func info(_ raw: RedisConnection, _ section: String, _ field: String) async throws -> Int {
        let text = try await raw.send(["INFO", section]).string ?? ""
        return text.split(separator: "\r\n").first { $0.hasPrefix("\(field):") }
            .flatMap { Int($0.split(separator: ":")[1]) } ?? 0
    }

    static func commandCalls(_ raw: RedisConnection, _ command: String) async throws -> Int {
        let info = try await raw.send(["INFO", "commandstats"]).string ?? ""
        guard let line = info.split(separator: "\r\n").first(where: { $0.hasPrefix("cmdstat_\(command):") }),
            let calls = line.split(separator: "=").dropFirst().first?.split(separator: ",").first
        else { return 0 }
        return Int(calls) ?? 0
    }

    /// Invariant 1: one orchestration turn is committed by exactly one FCALL, which applies
    /// everything the turn produced.
    @Test func oneTurnIsOneFcall() async throws {
        try await withRedisServer { server in
            let store = try await RedisFailureTests.store(server.url, hub: "one", partitions: 1)
            defer { Task { await store.close() } }
            let raw = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url), logger: quietLogger)
            defer { Task { await raw.close() } }
            let client = DurableTaskClient(store: store)
            let id = try await client.scheduleNewOrchestration(named: "FanOut", input: 3)
            let item = try #require(try await store.lockNextOrchestrationWorkItem(timeout: .seconds(5)))
            let processor = OrchestrationTurnProcessor(registry: TestOrchestrations.registry(probe: TestProbe()), logger: quietLogger)
            let output = try await processor.process(item, cached: nil) { try await store.readHistory(instanceId: id) }
            output.runner?.abandon()
            let fcallBefore = try await Self.commandCalls(raw, "fcall")
            let xaddBefore = try await Self.commandCalls(raw, "xadd")
            try await store.completeOrchestrationWorkItem(item, result: output.result)
            #expect(try await Self.commandCalls(raw, "fcall") - fcallBefore == 1)
            // Everything the turn produced is there: 3 activities, the history, the consumed inbox.
            #expect(try await Self.commandCalls(raw, "xadd") - xaddBefore == 3)
            #expect(try await raw.send(["XLEN", "dt:{one:0}:act"]) == .integer(3))
            #expect(try await raw.send(["LLEN", "dt:{one:0}:h:\(id)"]) == .integer(Int64(output.result.historyToAppend.count)))
            #expect(try await raw.send(["LLEN", "dt:{one:0}:in:\(id)"]) == .integer(0))
            #expect(try await raw.send(["HGET", "dt:{one:0}:i:\(id)", "s"]) == "Running")
            #expect(try await raw.send(["HEXISTS", "dt:{one:0}:i:\(id)", "lt"]) == .integer(0), "the lease is released")
            #expect(try await raw.send(["ZSCORE", "dt:{one:0}:idx:s:Running", id]) != .null)
            #expect(try await raw.send(["ZSCORE", "dt:{one:0}:idx:s:Pending", id]) == .null)
        }
    }

    /// Invariant 4: an idle worker blocks (no polling) and wakes at once; timers fire on time.
    @Test func idleWorkersBlockAndWakeAtOnceAndTimersAreOnTime() async throws {
        try await withRedisServer { server in
            let store = try await RedisOrchestrationStore.connect(
                url: server.url, configuration: .init(taskHub: "push", partitions: 2, maxBlockingWait: .seconds(1)),
                logger: quietLogger)
            try await store.createTaskHub()
            defer { Task { await store.close() } }
            let raw = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url), logger: quietLogger)
            defer { Task { await raw.close() } }
            try await TestHost.run(store: store, configuration: .init(orchestrationConcurrency: 2, activityConcurrency: 2)) { host in
                _ = try await host.runToCompletion("Hello", input: "warm")
                // Idle for one second: count what the worker sends.
                try await Task.sleep(for: .milliseconds(200))
                let before = try await Self.info(raw, "stats", "total_commands_processed")
                try await Task.sleep(for: .seconds(1))
                let after = try await Self.info(raw, "stats", "total_commands_processed")
                let idleCommands = after - before - 1
                // One blocking read per kind of work, renewed every second here (maxBlockingWait);
                // RedisIdleTests checks the defaults' bound.
                #expect(idleCommands < 40, "an idle worker sent \(idleCommands) commands in one second")
                // Wake-up: an event raised to a waiting instance completes it within milliseconds
                // (a poller would take up to its interval, one second here). Best of three.
                var wakes: [Duration] = []
                for _ in 0..<3 {
                    let id = try await host.client.scheduleNewOrchestration(named: "WaitEvent", input: 1)
                    _ = try await host.client.waitForInstanceStart(id)
                    try await Task.sleep(for: .milliseconds(300))
                    let raised = ContinuousClock.now
                    try await host.client.raiseEvent(id, name: "Approval", payload: "now")
                    _ = try await host.client.waitForInstanceCompletion(id)
                    wakes.append(ContinuousClock.now - raised)
                }
                #expect(wakes.min()! < .milliseconds(100), "event to completion took \(wakes)")
                // Timers: a 300 ms timer fires within a few milliseconds of its due time. The best of
                // five attempts is judged, so one attempt delayed by CPU contention does not decide.
                var latenesses: [Double] = []
                for _ in 0..<5 {
                    let done = try await host.runToCompletion("Timer", input: 300)
                    let history = try await host.client.getHistory(done.instanceId)
                    let fired = try #require(history.first { if case .timerFired = $0.kind { true } else { false } })
                    guard case .timerFired(_, let fireAt) = fired.kind else { continue }
                    let turnStart = try #require(history.last { if case .orchestratorStarted = $0.kind { true } else { false } })
                    latenesses.append(turnStart.timestamp.timeIntervalSince(fireAt))
                }
                #expect(latenesses.allSatisfy { $0 >= 0 }, "a timer fired early: \(latenesses)")
                #expect((latenesses.min() ?? 1) < 0.02, "timer turns started late (s): \(latenesses)")
            }
        }
    }

    /// Invariant 7: continue-as-new truncates history, so an eternal orchestration's Redis
    /// footprint stays bounded. 100,000 generations, one activity each every 100th generation.
    @Test func continueAsNewKeepsRedisMemoryBounded() async throws {
        try await withRedisServer { server in
            let store = try await RedisFailureTests.store(server.url, hub: "eternal", partitions: 1)
            defer { Task { await store.close() } }
            let raw = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url), logger: quietLogger)
            defer { Task { await raw.close() } }
            func usedMemory() async throws -> Int { try await Self.info(raw, "memory", "used_memory") }
            try await TestHost.run(store: store, register: { r in
                r.addOrchestrator(named: "Generations") { ctx, input in
                    let state = try PayloadCoding.decode([Int].self, from: input)  // [generation, target]
                    if state[0] % 100 == 0 {
                        _ = try await ctx.callActivity(named: "Echo", input: state[0], returning: Int.self)
                    }
                    try ctx.setCustomStatus(state[0])
                    if state[0] >= state[1] { return try PayloadCoding.encode(state[0]) }
                    try ctx.continueAsNew(input: [state[0] + 1, state[1]])
                }
            }) { host in
                let warm = try await host.runToCompletion("Generations", input: [0, 1_000], instanceId: "eternal", timeout: .seconds(60))
                #expect(try warm.output(as: Int.self) == 1_000)
                let baseline = try await usedMemory()
                let keysBefore = try await raw.send(["DBSIZE"]).int ?? 0
                let done = try await host.runToCompletion("Generations", input: [0, 100_000], instanceId: "eternal", timeout: .seconds(600))
                #expect(try done.output(as: Int.self) == 100_000)
                let history = try await host.client.getHistory("eternal")
                #expect(history.count < 40, "history holds only the last generation, got \(history.count)")
                let growth = try await usedMemory() - baseline
                let keysAfter = try await raw.send(["DBSIZE"]).int ?? 0
                print("continue-as-new: 100,000 generations; used_memory grew \(growth) bytes; keys \(keysBefore) -> \(keysAfter)")
                #expect(growth < 256 * 1024, "Redis memory grew by \(growth) bytes over 100,000 generations")
                #expect(keysAfter <= keysBefore + 2)
                #expect(try await raw.send(["XLEN", "dt:{eternal:0}:act"]) == .integer(0))
                #expect(try await raw.send(["ZCARD", "dt:{eternal:0}:timers"]) == .integer(0))
            }
        }
    }

    /// Invariant 8: a worker that has the instance cached receives only the new messages and never
    /// reads the history; without the cache it reads it on every turn.
    @Test func cachedTurnsTransferOnlyNewMessages() async throws {
        try await withRedisServer { server in
            for cache in [100, 0] {
                let store = try await RedisFailureTests.store(server.url, hub: "cache\(cache)", partitions: 1)
                try await TestHost.run(store: store, configuration: .init(runnerCacheCapacity: cache, lockWaitTimeout: .milliseconds(200))) { host in
                    let done = try await host.runToCompletion("Chain")
                    #expect(done.runtimeStatus == .completed)
                }
                if cache > 0 {
                    #expect(store.historyReads == 0, "a cached worker must not read history")
                } else {
                    #expect(store.historyReads == 3, "without a cache every later turn replays")
                }
                await store.close()
            }
        }
    }
}
