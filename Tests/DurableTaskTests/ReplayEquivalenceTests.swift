@testable import DurableTask
import DurableTaskTesting
import Foundation
import Testing

/// A cached runner and a runner replayed from scratch must produce identical actions.
@Suite("Replay vs cache equivalence", .timeLimit(.minutes(3)))
struct ReplayEquivalenceTests {
    /// An orchestrator that uses every kind of durable call and concurrency construct.
    static let mixed: OrchestratorFunction = { ctx, _ in
        let first: Int = try await ctx.callActivity(named: "Add", input: 1)
        async let a: Int = ctx.callActivity(named: "Add", input: first)
        async let b: Int = ctx.callActivity(named: "Add", input: 10)
        let groupSum = try await withThrowingTaskGroup(of: Int.self) { g in
            for i in 0..<3 { g.addTask { try await ctx.callActivity(named: "Add", input: 100 + i) } }
            return try await g.reduce(0, +)
        }
        try await ctx.createTimer(for: .seconds(5))
        let approval = try await ctx.waitForExternalEvent("go", as: String.self)
        let futures = try (0..<4).map { try ctx.scheduleActivity(named: "Add", input: $0, returning: Int.self) }
        let fanned = try await ctx.whenAll(futures).reduce(0, +)
        let winner = try await ctx.whenAny(try ctx.scheduleTimer(until: ctx.currentUtcDateTime.addingTimeInterval(60)),
                                           try ctx.scheduleActivity(named: "Add", input: 7, returning: Int.self))
        try ctx.setCustomStatus(["winner": winner])
        let guid = ctx.newGUID().uuidString
        return try PayloadCoding.encode("\(try await a + b)|\(groupSum)|\(approval)|\(fanned)|\(guid)")
    }

    /// Responds to a turn's actions the way a store and activities would: one result per action.
    static func responses(to actions: [OrchestratorAction], at date: Date) -> [HistoryEvent] {
        actions.compactMap { action in
            switch action.kind {
            case .scheduleTask(_, let input, _):
                let n = (try? PayloadCoding.decode(Int.self, from: input)) ?? 0
                return HistoryEvent(timestamp: date, kind: .taskCompleted(taskScheduledId: action.id, result: String(n + 1)))
            case .createTimer(let fireAt) where fireAt.timeIntervalSince(date) < 30:
                return HistoryEvent(timestamp: date, kind: .timerFired(timerId: action.id, fireAt: fireAt))
            default:
                return nil
            }
        }
    }

    @Test func cachedAndReplayedRunnersProduceIdenticalActions() throws {
        var cachedDriver = RunnerDriver(["Mixed": Self.mixed])
        var replayDriver = RunnerDriver(["Mixed": Self.mixed])
        let cached = cachedDriver.makeRunner()
        defer { cached.abandon() }
        var next = [cachedDriver.start("Mixed")]
        var turns = 0
        var eventSent = false
        while turns < 30 {
            turns += 1
            // Results are delivered one per turn, in reverse order, to exercise interleavings.
            let c = cachedDriver.cachedTurn(cached, next)
            let r = replayDriver.replayTurn(next)
            #expect(c.actions.map(\.summary) == r.actions.map(\.summary), "turn \(turns)")
            #expect(c.historyToAppend.map(\.kind.typeName) == r.historyToAppend.map(\.kind.typeName), "turn \(turns)")
            #expect(c.runtimeStatus == r.runtimeStatus)
            #expect(c.customStatus == r.customStatus)
            if let done = c.completion {
                #expect(done == r.completion)
                #expect(done.status == .completed, "\(done.failureDetails?.description ?? "")")
                let output = try PayloadCoding.decode(String.self, from: done.result)
                #expect(output.hasPrefix("14|306|yes|10|"))
                break
            }
            var responses = Self.responses(to: c.actions, at: cachedDriver.clock).reversed().map { $0 }
            if responses.isEmpty && !eventSent {
                responses = [cachedDriver.event(.eventRaised(name: "go", input: "\"yes\""))]
                eventSent = true
            }
            next = Array(responses.prefix(1))
            // Keep the rest for later turns by re-deriving them: deliver them now, one turn at a time.
            for extra in responses.dropFirst() {
                let c2 = cachedDriver.cachedTurn(cached, next)
                let r2 = replayDriver.replayTurn(next)
                #expect(c2.actions.map(\.summary) == r2.actions.map(\.summary))
                #expect(c2.completion == nil)
                next = [extra]
                // Actions produced by intermediate turns get answered too.
                let more = Self.responses(to: c2.actions, at: cachedDriver.clock)
                if !more.isEmpty { next += more }
            }
        }
        #expect(cachedDriver.history.map(\.kind.typeName) == replayDriver.history.map(\.kind.typeName))
        #expect(cached.historyLength == cachedDriver.history.count)
    }

    @Test func workerWithAndWithoutCacheWritesTheSameHistories() async throws {
        func run(cacheCapacity: Int) async throws -> [[String]] {
            let store = InMemoryOrchestrationStore()
            return try await TestHost.run(
                store: store, configuration: .init(runnerCacheCapacity: cacheCapacity, lockWaitTimeout: .milliseconds(100))
            ) { host in
                var shapes: [[String]] = []
                for name in ["Chain", "AsyncLetAndGroup", "CatchFailure"] {
                    let done = try await host.runToCompletion(name, instanceId: "fixed-\(name)")
                    let history = try await host.client.getHistory(done.instanceId)
                    // Turn boundaries depend on how messages happen to batch; the actions, their
                    // sequence numbers, the completion and the output must not.
                    let actions = history.filter { $0.eventId >= 0 }.map { "\($0.eventId):\($0.kind.typeName)" }
                    shapes.append(actions + [done.output ?? "nil"])
                }
                return shapes
            }
        }
        let withCache = try await run(cacheCapacity: 100)
        let withoutCache = try await run(cacheCapacity: 0)
        #expect(withCache == withoutCache)
        #expect(withCache.count == 3)
    }
}
