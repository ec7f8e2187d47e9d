import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Testing

extension ChaosTests {
    /// kill -9 of a random worker every 0.5-1 s under load; a supervisor restarts it. The
    /// activities take 50 ms, so kills land in the middle of some.
    @Test func killedWorkersUnderLoad() async throws {
        try await ChaosHub.run(activityMs: 50) { hub in
            let plan = ChaosPlan(prefix: "kill", count: ChaosScale.pick(short: 60, long: 600))
            let window = ChaosScale.pick(short: Duration.seconds(8), long: .seconds(90))
            async let started = plan.startPaced(hub.client, over: window)
            var kills = 0
            let end = ContinuousClock.now + window
            while ContinuousClock.now < end {
                try await Task.sleep(for: ChaosScale.randomPause(500, 1000))
                await hub.fleet.workers.randomElement()?.kill9()
                kills += 1
                try await hub.fleet.restartDead()
            }
            let accepted = try await started
            try await hub.fleet.restartDead()
            let figures = try await hub.verify("worker-kill", accepted: accepted, disruptions: kills)
            Self.expectClean(figures)
            #expect(kills >= 5)
        }
    }
}
