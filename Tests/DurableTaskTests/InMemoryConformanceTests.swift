import DurableTask
import DurableTaskTesting
import Testing

@Suite("In-memory store conformance", .timeLimit(.minutes(3)))
struct InMemoryConformanceTests {
    @Test(arguments: ConformanceSuite.scenarios)
    func scenario(_ scenario: ConformanceScenario) async throws {
        try await scenario.run { options in
            InMemoryOrchestrationStore(configuration: .init(leaseTimeout: options.leaseTimeout))
        }
    }
}
