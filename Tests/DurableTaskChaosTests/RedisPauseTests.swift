import DurableTaskRedis
import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Testing

extension ChaosTests {
    /// `CLIENT PAUSE 1500 ALL` every 2-3 s under load: Redis stops answering for a while (longer
    /// than the 1 s lease), then everything must finish as if nothing happened.
    @Test func pausedRedisUnderLoad() async throws {
        try await ChaosHub.run { hub in
            let plan = ChaosPlan(prefix: "pause", count: ChaosScale.pick(short: 60, long: 400))
            let rounds = ChaosScale.pick(short: 3, long: 15)
            let window = Duration.seconds(3) * rounds
            async let started = plan.startPaced(hub.client, over: window)
            for _ in 0..<rounds {
                try await Task.sleep(for: ChaosScale.randomPause(1500, 2500))
                let admin = try await RedisConnection.connect(configuration: try RedisConfiguration(url: hub.server.url), logger: quietLogger)
                #expect(try await admin.send(["CLIENT", "PAUSE", "1500", "ALL"]) == .status("OK"))
                await admin.close()
            }
            let accepted = try await started
            let figures = try await hub.verify("redis-pause", accepted: accepted, disruptions: rounds)
            Self.expectClean(figures)
        }
    }
}
