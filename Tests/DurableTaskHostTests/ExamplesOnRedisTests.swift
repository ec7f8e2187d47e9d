import AsyncHTTPClient
import DurableExamples
import DurableTask
import DurableTaskHTTP
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import Logging
import Testing

/// Every example end to end on the Redis store, registered as `durable serve` registers them.
@Suite("Examples on Redis", .timeLimit(.minutes(3)))
struct ExamplesOnRedisTests {
    /// Runs `body` with a worker serving the examples from a private redis-server, task hub `hub`.
    func withExamples(
        hub: String, register: (inout TaskRegistry) -> Void = { _ in }, _ body: (TestHost) async throws -> Void
    ) async throws {
        try await withRedisServer { server in
            var logger = Logger(label: "examples")
            logger.logLevel = .critical
            let store = try await RedisOrchestrationStore.connect(url: server.url, configuration: .init(taskHub: hub), logger: logger)
            try await store.createTaskHub()
            do {
                try await TestHost.run(store: store, register: {
                    ExampleCatalog.register(into: &$0)
                    register(&$0)
                }, body)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }

    func names(_ history: [HistoryEvent], _ kind: String) -> Int {
        history.filter { $0.kind.typeName == kind }.count
    }

    @Test func functionChainingAndSubOrchestrationParent() async throws {
        try await withExamples(hub: "ex-chain") { host in
            let expected = ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]
            let chain = try await host.runToCompletion("FunctionChaining")
            #expect(try chain.output(as: [String].self) == expected)
            #expect(names(try await host.client.getHistory(chain.instanceId), "TaskCompleted") == 3)

            let hello = try await host.runToCompletion("Hello", input: "Ada")
            #expect(try hello.output(as: String.self) == "Hello Ada!")
            #expect(names(try await host.client.getHistory(hello.instanceId), "TaskCompleted") == 1)

            let parent = try await host.runToCompletion("SubOrchestrationParent")
            #expect(parent.runtimeStatus == .completed)
            #expect(try parent.output(as: [String].self) == expected)
            let history = try await host.client.getHistory(parent.instanceId)
            #expect(names(history, "SubOrchestrationInstanceCompleted") == 1)
        }
    }

    @Test func fanOutFanInSumsDoubledItems() async throws {
        try await withExamples(hub: "ex-fan") { host in
            let done = try await host.runToCompletion("FanOutFanIn", input: 20)
            #expect(try done.output(as: Int.self) == (1...20).map { $0 * 2 }.reduce(0, +))
            let history = try await host.client.getHistory(done.instanceId)
            #expect(names(history, "TaskScheduled") == 21, "GetWorkItems plus 20 ProcessItem")
        }
    }

    @Test func monitorCompletesByPollsByEventOrExpires() async throws {
        try await withExamples(hub: "ex-monitor") { host in
            let byPolls = try await host.runToCompletion(
                "MonitorJobStatus", input: MonitorJobInput(jobId: "a", pollingIntervalSeconds: 0.05, expirySeconds: 30, completeAfterPolls: 3))
            #expect(try byPolls.output(as: String.self) == "Completed")
            #expect(names(try await host.client.getHistory(byPolls.instanceId), "TaskCompleted") == 3)

            let id = try await host.client.scheduleNewOrchestration(
                named: "MonitorJobStatus", input: MonitorJobInput(jobId: "b", pollingIntervalSeconds: 30, expirySeconds: 120))
            _ = try await host.client.waitForInstanceStart(id)
            try await host.client.raiseEvent(id, name: "JobDone")
            let byEvent = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
            #expect(try byEvent.output(as: String.self) == "Completed", "JobDone wakes the monitor long before its 30 s poll")

            let expired = try await host.runToCompletion(
                "MonitorJobStatus", input: MonitorJobInput(jobId: "c", pollingIntervalSeconds: 0.1, expirySeconds: 0.35))
            #expect(try expired.output(as: String.self) == "Expired")
        }
    }

    @Test func budgetApprovalApprovesRejectsOrEscalates() async throws {
        try await withExamples(hub: "ex-budget") { host in
            for (answer, expected) in [(true, "Approved"), (false, "Rejected")] {
                let id = try await host.client.scheduleNewOrchestration(named: "BudgetApproval", input: BudgetApprovalInput())
                try await host.client.raiseEvent(id, name: "Approval", payload: answer)
                let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
                #expect(try done.output(as: String.self) == expected)
            }
            let escalated = try await host.runToCompletion("BudgetApproval", input: BudgetApprovalInput(timeoutSeconds: 0.2))
            #expect(try escalated.output(as: String.self) == "Escalated")
        }
    }

    @Test func periodicCleanupCountsGenerations() async throws {
        try await withExamples(hub: "ex-cleanup") { host in
            let done = try await host.runToCompletion("PeriodicCleanup", input: PeriodicCleanupInput(intervalMs: 10, maxGenerations: 5))
            #expect(try done.output(as: Int.self) == 5)
            // Continue-as-new keeps only the last generation's history.
            let history = try await host.client.getHistory(done.instanceId)
            #expect(names(history, "TaskCompleted") == 1)

            // Without a limit it runs on; its custom status shows the generation.
            let id = try await host.client.scheduleNewOrchestration(named: "PeriodicCleanup", input: PeriodicCleanupInput(intervalMs: 5))
            var generation = 0
            let deadline = ContinuousClock.now + .seconds(10)
            while generation < 3 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                let meta = try await host.client.getInstance(id)
                generation = (try? meta?.customStatus(as: [String: Int].self)["generation"]) ?? 0
            }
            #expect(generation >= 3)
            try await host.client.terminate(id, reason: "test over")
            #expect(try await host.client.waitForInstanceCompletion(id).runtimeStatus == .terminated)
        }
    }

    @Test func retryFlakySucceedsOnTheThirdAttempt() async throws {
        try await withExamples(hub: "ex-retry") { host in
            let done = try await host.runToCompletion("RetryFlaky")
            #expect(try done.output(as: String.self) == "succeeded after 3 attempts")
            let history = try await host.client.getHistory(done.instanceId)
            #expect(names(history, "TaskFailed") == 2)
            #expect(names(history, "TimerFired") == 2, "the retry delays are durable timers")
        }
    }

    @Test func checkSiteAvailableFollowsTheAsyncPattern() async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: DurableHTTPConfiguration.recommendedClientConfiguration)
        do {
            try await withLocalSite { base, hits in
                let allow = DurableHTTPConfiguration(destinations: .only([.http("127.0.0.1", port: .any)]))
                try await withExamples(hub: "ex-http", register: { $0.addDurableHTTP(client: http, configuration: allow) }) { host in
                    let ready = try await host.runToCompletion("CheckSiteAvailable", input: base + "/slow")
                    #expect(try ready.output(as: Int.self) == 200)
                    #expect(hits.value == 2, "one 202, then one poll of Location")
                    let history = try await host.client.getHistory(ready.instanceId)
                    #expect(names(history, "TaskCompleted") == 2)

                    let missing = try await host.runToCompletion("CheckSiteAvailable", input: base + "/missing")
                    #expect(try missing.output(as: Int.self) == 404)

                    let refused = try await host.runToCompletion("CheckSiteAvailable", input: "http://10.0.0.1/")
                    #expect(refused.runtimeStatus == .failed)
                    #expect(refused.failureDetails?.description.contains("10.0.0.1") == true, "\(String(describing: refused.failureDetails))")
                }
            }
        } catch {
            try await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    @Test func counterAndBankTransferEntities() async throws {
        try await withExamples(hub: "ex-entities") { host in
            let counter = Counter.id("visits")
            for amount in [3, 4] { try await host.client.signalEntity(counter, operation: "add", input: amount) }
            try await waitFor { try await host.client.getEntity(counter)?.state(as: Int.self) == 7 }
            try await host.client.signalEntity(counter, operation: "reset")
            try await waitFor { try await host.client.getEntity(counter)?.state(as: Int.self) == 0 }

            try await host.client.signalEntity(Account.id("alice"), operation: "deposit", input: 100)
            let moved = try await host.runToCompletion("BankTransfer", input: TransferInput(from: "alice", to: "bob", amount: 30))
            #expect(try moved.output(as: String.self) == "transferred")
            let short = try await host.runToCompletion("BankTransfer", input: TransferInput(from: "bob", to: "alice", amount: 500))
            #expect(try short.output(as: String.self) == "insufficient funds")
            #expect(try await host.client.getEntity(Account.id("alice"))?.state(as: Int.self) == 70)
            #expect(try await host.client.getEntity(Account.id("bob"))?.state(as: Int.self) == 30)
        }
    }

    func waitFor(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition not met within 10 seconds")
    }
}
