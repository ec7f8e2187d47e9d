import DurableTask
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import InMemoryTracing
import Testing

/// The trace context survives Redis: in the start event of the history and in the activity
/// stream, so each activity attempt's span is the child of the turn that scheduled it.
@Suite("Redis tracing", .timeLimit(.minutes(2)))
struct RedisTracingTests {
    @Test func activitySpansAreChildrenOfTheirTurnsAcrossRedis() async throws {
        try await withRedisStores { _, makeStore in
            let store = try await makeStore(StoreOptions())
            try await store.createTaskHub()
            let tracer = InMemoryTracer()
            var registry = TestOrchestrations.registry(probe: TestProbe())
            registry.addOrchestrator(named: "TracedRetry") { ctx, _ in
                let policy = RetryPolicy(maxAttempts: 3, firstRetryInterval: .milliseconds(10))
                let out: String = try await ctx.callActivity(named: "Flaky", input: 2, options: TaskOptions(retry: policy))
                return try PayloadCoding.encode(out)
            }
            // No runner cache: every turn replays from the stored history.
            let worker = DurableTaskWorker(
                store: store, registry: registry, configuration: .init(runnerCacheCapacity: 0, lockWaitTimeout: .milliseconds(100)),
                logger: quietLogger, tracer: tracer)
            let client = DurableTaskClient(store: store, tracer: tracer)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                defer {
                    worker.stop()
                    group.cancelAll()
                }
                let id = try await client.scheduleNewOrchestration(named: "TracedRetry")
                #expect(try await client.waitForInstanceCompletion(id, timeout: .seconds(20)).runtimeStatus == .completed)
            }
            let spans = tracer.finishedSpans
            let root = try #require(spans.first { $0.operationName == "create_orchestration:TracedRetry" })
            let turns = spans.filter { $0.operationName == "orchestration:TracedRetry" }
            let attempts = spans.filter { $0.operationName == "activity:Flaky" }
            #expect(Set(spans.map(\.traceID)) == [root.traceID])
            #expect(!turns.isEmpty && turns.allSatisfy { $0.parentSpanID == root.spanID })
            #expect(attempts.count == 2)
            let turnIds = Set(turns.map(\.spanID))
            #expect(attempts.allSatisfy { turnIds.contains($0.parentSpanID ?? "") })
        }
    }
}
