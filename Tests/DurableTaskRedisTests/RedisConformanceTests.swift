import DurableTask
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Testing

/// The whole store conformance suite against a real redis-server started by the test.
/// The scenarios run one after another: each starts a server and several workers, and
/// all of them at once would hold over a thousand descriptors and threads.
@Suite("Redis store conformance", .timeLimit(.minutes(5)))
struct RedisConformanceTests {
    @Test(.serialized, arguments: ConformanceSuite.scenarios)
    func scenario(_ scenario: ConformanceScenario) async throws {
        try await withRedisStores { _, makeStore in
            try await scenario.run { options in try await makeStore(options) }
        }
    }
}
