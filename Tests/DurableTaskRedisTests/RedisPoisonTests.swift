import DurableTask
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import Testing

/// Work that kills its worker process every time is failed after the poison limit, so a fleet
/// that restarts its crashed workers (as systemd or Kubernetes would) stops crashing.
@Suite("Redis poison work", .timeLimit(.minutes(3)))
struct RedisPoisonTests {
    /// The delivery count a poison failure names.
    func deliveries(_ failure: FailureDetails?, _ what: String) throws -> Int {
        let message = try #require(failure?.errorMessage)
        let match = try #require(message.firstMatch(of: /The (.+) was delivered (\d+) times/), "\(message)")
        #expect(match.1 == what)
        return Int(match.2) ?? 0
    }

    @Test func crashingWorkIsFailedAfterTheLimitAndTheFleetStaysUp() async throws {
        try await withRedisServer { server in
            let store = try await RedisFailureTests.store(server.url, hub: "poison", lease: .seconds(1), partitions: 2)
            defer { Task { await store.close() } }
            let fleet = try await WorkerFleet(url: server.url, hub: "poison", partitions: 2, leaseMs: 1000, size: 3)
            defer { fleet.stop() }
            try await fleet.waitUntilReady()
            let client = DurableTaskClient(store: store)
            let crashActivity = try await client.scheduleNewOrchestration(named: "CrashActivity")
            let crashTurn = try await client.scheduleNewOrchestration(named: "CrashTurn")
            let counter = EntityID(name: "crashcounter", key: "k")
            try await client.signalEntity(counter, operation: "crash")
            try await client.signalEntity(counter, operation: "add", input: 7)

            func settled() async throws -> Bool {
                let a = try await client.getInstance(crashActivity)?.runtimeStatus
                let t = try await client.getInstance(crashTurn)?.runtimeStatus
                let state = try await client.getEntity(counter)?.state
                let value = try state.map { try PayloadCoding.decode(TestCounter.State.self, from: $0).value }
                return a?.isTerminal == true && t?.isTerminal == true && value == 7
            }
            let deadline = ContinuousClock.now + .seconds(120)
            while try await !settled() {
                try #require(ContinuousClock.now < deadline, "poison work still unsettled after \(fleet.deaths) worker deaths")
                _ = try await fleet.restartDead()
                try await Task.sleep(for: .milliseconds(50))
            }
            // Each poison item kills at most `maxDeliveryCount` (5) workers.
            #expect(fleet.deaths >= 3, "each poison item crashed a worker at least once")
            #expect(fleet.deaths <= 15, "\(fleet.deaths) deaths for three poison items")

            let activityDone = try #require(try await client.getInstance(crashActivity))
            #expect(activityDone.runtimeStatus == .failed)
            #expect(activityDone.failureDetails?.innerFailure?.errorType == EngineFailure.poisonMessage)
            // At least 6 deliveries: one that failed it after 5 that crashed; a worker killed by
            // another poison item while holding this one adds a delivery too.
            #expect(try deliveries(activityDone.failureDetails?.innerFailure, "activity 'Crash'") >= 6)
            let turnDone = try #require(try await client.getInstance(crashTurn))
            #expect(turnDone.runtimeStatus == .failed)
            #expect(turnDone.failureDetails?.errorType == EngineFailure.poisonMessage)
            #expect(try deliveries(turnDone.failureDetails, "orchestration turn") >= 6)

            // The fleet now stays up and serves new work.
            try await Task.sleep(for: .milliseconds(500))
            _ = try await fleet.restartDead()
            try await fleet.waitUntilReady()
            let hello = try await client.scheduleNewOrchestration(named: "Hello", input: "fleet")
            let done = try await client.waitForInstanceCompletion(hello, timeout: .seconds(20))
            #expect(try done.output(as: String.self) == "Hello fleet!")
            try await Task.sleep(for: .seconds(2))
            #expect(try await fleet.restartDead() == 0, "no worker died after the poison work was failed")
        }
    }
}
