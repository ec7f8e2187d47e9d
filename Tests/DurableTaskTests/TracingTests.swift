import DurableTask
import DurableTaskTesting
import Foundation
import InMemoryTracing
import Logging
import Testing
import Tracing

/// Spans: the client's start, each orchestration turn (continuing the instance's trace from its
/// history), each activity attempt, and sub-orchestrations as children of the turn that created them.
@Suite("Tracing", .timeLimit(.minutes(1)))
struct TracingTests {
    @Test(arguments: [true, false])
    func subOrchestrationWithARetriedActivityFormsOneTree(cacheRunners: Bool) async throws {
        let tracer = InMemoryTracer()
        let store = InMemoryOrchestrationStore()
        let probe = TestProbe()
        var registry = TestOrchestrations.registry(probe: probe)
        registry.addOrchestrator(named: "TracedChild") { ctx, _ in
            let policy = RetryPolicy(maxAttempts: 3, firstRetryInterval: .milliseconds(10))
            let out: String = try await ctx.callActivity(named: "Flaky", input: 3, options: TaskOptions(retry: policy))
            return try PayloadCoding.encode(out)
        }
        registry.addOrchestrator(named: "TracedParent") { ctx, _ in
            let out: String = try await ctx.scheduleSubOrchestrator(named: "TracedChild", instanceId: "traced-child", returning: String.self).value
            return try PayloadCoding.encode(out)
        }
        let worker = DurableTaskWorker(
            store: store, registry: registry,
            configuration: .init(runnerCacheCapacity: cacheRunners ? 100 : 0, lockWaitTimeout: .milliseconds(100)),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), tracer: tracer)
        let client = DurableTaskClient(store: store, tracer: tracer)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            defer {
                worker.stop()
                group.cancelAll()
            }
            let id = try await client.scheduleNewOrchestration(named: "TracedParent", options: .init(instanceId: "traced-parent"))
            let done = try await client.waitForInstanceCompletion(id, timeout: .seconds(20))
            #expect(done.runtimeStatus == .completed)
        }
        let spans = tracer.finishedSpans
        let byId = Dictionary(spans.map { ($0.spanID, $0) }, uniquingKeysWith: { a, _ in a })
        func named(_ name: String) -> [FinishedInMemorySpan] { spans.filter { $0.operationName == name } }

        let starts = named("create_orchestration:TracedParent")
        try #require(starts.count == 1)
        let root = starts[0]
        #expect(root.kind == .producer)
        #expect(Set(spans.map(\.traceID)) == [root.traceID], "one trace")

        let parentTurns = named("orchestration:TracedParent")
        let childTurns = named("orchestration:TracedChild")
        let attempts = named("activity:Flaky")
        #expect(parentTurns.allSatisfy { $0.parentSpanID == root.spanID }, "parent turns continue the start's trace")
        #expect(childTurns.allSatisfy { byId[$0.parentSpanID ?? ""]?.operationName == "orchestration:TracedParent" })
        #expect(attempts.count == 3, "one span per attempt, none repeated by replays")
        #expect(attempts.allSatisfy { byId[$0.parentSpanID ?? ""]?.operationName == "orchestration:TracedChild" })
        #expect(attempts.filter { $0.status?.code == .error }.count == 2)

        // One span per turn, replayed or not: as many as the turns the histories record.
        let parentHistory = try await client.getHistory("traced-parent")
        let childHistory = try await client.getHistory("traced-child")
        #expect(parentTurns.count == parentHistory.filter { if case .orchestratorStarted = $0.kind { true } else { false } }.count)
        #expect(childTurns.count == childHistory.filter { if case .orchestratorStarted = $0.kind { true } else { false } }.count)
        // The trace is in the history: the child's start carries its parent turn's context.
        let childStart = childHistory.compactMap(\.executionStarted).first
        #expect(childStart?.traceContext?.isEmpty == false)
    }
}
