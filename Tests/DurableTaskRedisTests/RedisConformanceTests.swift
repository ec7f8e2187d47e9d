import DurableTask
import DurableTaskRedis
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Testing

/// The whole store conformance suite against a real redis-server started by the test.
@Suite("Redis store conformance")
struct RedisConformanceTests {
    @Test(arguments: ConformanceSuite.scenarios)
    func scenario(_ scenario: ConformanceScenario) async throws {
        try await withRedisStores { _, makeStore in
            try await scenario.run { options in try await makeStore(options) }
        }
    }
}
