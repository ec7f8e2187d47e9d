import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Testing

extension ChaosTests {
    /// SIGSTOP of a worker for 2.5 s (its 1 s lease expires; others take its work over), then
    /// SIGCONT: what it finishes late must be refused. The activities take 300 ms, so the stopped
    /// worker holds some: they run twice (reruns > 0) and their results are applied once. The
    /// worker stopped is one that has just begun an activity, so it always holds one.
    @Test func stoppedWorkerCannotCommitLate() async throws {
        try await ChaosHub.run(leaseMs: 1000, activityMs: 300) { hub in
            let plan = ChaosPlan(prefix: "stop", count: ChaosScale.pick(short: 40, long: 300))
            let rounds = ChaosScale.pick(short: 2, long: 10)
            let window = Duration.seconds(4) * rounds
            async let started = plan.startPaced(hub.client, over: window)
            for _ in 0..<rounds {
                try await Task.sleep(for: ChaosScale.randomPause(800, 1200))
                let worker = try #require(try await hub.workerStartingAnActivity(), "an activity began within 5 s")
                #expect(worker.send(SIGSTOP))
                try await Task.sleep(for: .milliseconds(2500))
                #expect(worker.send(SIGCONT))
            }
            let accepted = try await started
            let figures = try await hub.verify("worker-stop", accepted: accepted, disruptions: rounds)
            Self.expectClean(figures)
            #expect(figures.reruns > 0, "a stopped worker held activities that others ran again")
            #expect(hub.fleet.workers.allSatisfy { !$0.hasExited }, "refused late commits must not kill a worker")
        }
    }
}
