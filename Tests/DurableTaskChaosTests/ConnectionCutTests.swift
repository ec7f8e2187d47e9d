import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Testing

extension ChaosTests {
    /// The workers reach redis-server through ``TCPProxy``, which cuts every connection (a client's
    /// command in the middle) every 0.5-1.5 s.
    @Test func cutConnectionsUnderLoad() async throws {
        var proxy: TCPProxy?
        defer { proxy?.stop() }
        try await ChaosHub.run(workerURL: { server in
            let started = try TCPProxy.start(upstreamPort: server.port)
            proxy = started
            return started.url
        }) { hub in
            let proxy = try #require(proxy)
            let plan = ChaosPlan(prefix: "cut", count: ChaosScale.pick(short: 60, long: 600))
            let window = ChaosScale.pick(short: Duration.seconds(8), long: .seconds(90))
            async let started = plan.startPaced(hub.client, over: window)
            let end = ContinuousClock.now + window
            var requested = 0
            while ContinuousClock.now < end {
                try await Task.sleep(for: ChaosScale.randomPause(500, 1500))
                proxy.cutAll()
                requested += 1
            }
            let accepted = try await started
            let figures = try await hub.verify("connection-cut", accepted: accepted, disruptions: proxy.cuts)
            Self.expectClean(figures)
            #expect(proxy.cuts >= requested - 1, "the proxy cut \(proxy.cuts) times of \(requested)")
            #expect(proxy.connections > proxy.cuts, "the workers reconnected after the cuts")
            #expect(hub.fleet.workers.allSatisfy { !$0.hasExited }, "workers ride out the cuts")
        }
    }
}
