@testable import DurableTask
import DurableTaskTesting
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Abandoned episodes leak nothing", .timeLimit(.minutes(3)))
struct AbandonTests {
    final class Flag: Sendable {
        let seen = Mutex<[String]>([])
        func add(_ s: String) { seen.withLock { $0.append(s) } }
        var all: [String] { seen.withLock { $0 } }
    }

    @Test func abandonResumesEveryAwaitWithCancellationAndDrains() {
        let flag = Flag()
        let driver = RunnerDriver(["O": { ctx, _ in
            defer { flag.add("root exited") }
            async let event: String = ctx.waitForExternalEvent("never")
            let group = await withTaskGroup(of: String.self) { g in
                for i in 0..<3 {
                    g.addTask {
                        do {
                            let _: String = try await ctx.callActivity(named: "A", input: i)
                            return "completed"
                        } catch is OrchestrationAbandonedError {
                            return "abandoned"
                        } catch { return "other" }
                    }
                }
                return await g.reduce(into: []) { $0.append($1) }
            }
            flag.add("group: \(group.sorted())")
            _ = try? await event
            return nil
        }])
        let runner = driver.makeRunner()
        let outcome = runner.execute(past: [], newEvents: [driver.start("O")], now: Date())
        #expect(outcome.runtimeStatus == .running)
        #expect(runner.parkedWaiters == 4)
        runner.abandon()
        #expect(runner.parkedWaiters == 0)
        #expect(runner.rootResult != nil, "the root task must have finished")
        #expect(flag.all == ["group: [\"abandoned\", \"abandoned\", \"abandoned\"]", "root exited"])
    }

    @Test func cacheEvictionAbandonsTheLeastRecentlyUsedRunner() {
        let driver = RunnerDriver(["O": { ctx, _ in
            let _: String = try await ctx.waitForExternalEvent("never")
            return nil
        }])
        let cache = RunnerCache(capacity: 1)
        func started(_ id: String) -> OrchestrationRunner {
            let r = OrchestrationRunner(instanceId: id, logger: Logger(label: "t")) { _ in driver.functions["O"] }
            _ = r.execute(past: [], newEvents: [driver.start("O")], now: Date())
            return r
        }
        let a = started("a")
        let b = started("b")
        cache.put(a)
        cache.put(b)
        #expect(cache.count == 1)
        #expect(a.parkedWaiters == 0 && a.rootResult != nil, "evicted runner must be drained")
        #expect(b.parkedWaiters == 1)
        #expect(cache.take("b") === b)
        b.abandon()
    }

    @Test func replayIsSilentInTheReplaySafeLogger() {
        let recorder = LogRecorder()
        let function: OrchestratorFunction = { ctx, _ in
            ctx.logger.info("before")
            let _: String = try await ctx.callActivity(named: "A")
            ctx.logger.info("after")
            return nil
        }
        let logger = recorder.logger("capture")
        var driver = RunnerDriver(["O": function])
        let first = OrchestrationRunner(instanceId: "i", logger: logger) { _ in function }
        let t1 = first.execute(past: [], newEvents: [driver.start("O")], now: Date())
        first.abandon()
        driver.history = t1.historyToAppend
        // A fresh runner replays turn 1 (silently) and runs turn 2 (logging "after" once).
        let second = OrchestrationRunner(instanceId: "i", logger: logger) { _ in function }
        let t2 = second.execute(
            past: driver.history, newEvents: [driver.event(.taskCompleted(taskScheduledId: 0, result: "\"x\""))], now: Date())
        #expect(t2.runtimeStatus == .completed)
        #expect(recorder.lines().map(\.message) == ["before", "after"])
    }
}
