import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Testing

extension ChaosTests {
    /// kill -9 of redis-server (AOF, fsync always) under load, restarted on the same port and
    /// directory: every instance whose start was acknowledged completes.
    @Test func killedRedisLosesNoAcceptedWork() async throws {
        try await ChaosHub.run(.init(unixSocket: false, appendOnly: true, fsyncAlways: true)) { hub in
            let plan = ChaosPlan(prefix: "rkill", count: ChaosScale.pick(short: 60, long: 400))
            let kills = ChaosScale.pick(short: 3, long: 12)
            let window = Duration.seconds(2) * kills + .seconds(1)
            async let started = plan.startPaced(hub.client, over: window)
            for _ in 0..<kills {
                try await Task.sleep(for: ChaosScale.randomPause(1500, 2500))
                await hub.server.kill9()
                try await Task.sleep(for: ChaosScale.randomPause(100, 500))
                try await hub.server.restart()
            }
            let accepted = try await started
            let figures = try await hub.verify("redis-kill", accepted: accepted, disruptions: kills)
            Self.expectClean(figures)
            #expect(hub.fleet.workers.allSatisfy { !$0.hasExited }, "workers ride out the restarts")
        }
    }
}
