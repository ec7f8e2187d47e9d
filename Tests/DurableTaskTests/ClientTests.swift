import DurableTask
import DurableTaskTesting
import Foundation
import Testing

/// `DurableTaskClient` behaviour that is the client's own, not the store's.
@Suite("Client", .timeLimit(.minutes(1)))
struct ClientTests {
    /// The raw overload passes the caller's JSON text through unchanged, starts once and then
    /// only raises the event.
    @Test func signalWithStartTakesRawPayloads() async throws {
        try await TestHost.run(store: InMemoryOrchestrationStore()) { host in
            let first = try await host.client.signalWithStart(
                orchestratorNamed: "WaitEvent", instanceId: "raw-sws", rawInput: "2", eventName: "Approval", rawEventPayload: #""one""#)
            let second = try await host.client.signalWithStart(
                orchestratorNamed: "WaitEvent", instanceId: "raw-sws", rawInput: "7", eventName: "Approval", rawEventPayload: #""two""#)
            #expect(first.created)
            #expect(!second.created)
            #expect(first.executionId == second.executionId)
            let done = try await host.client.waitForInstanceCompletion("raw-sws")
            #expect(done.input == "2")
            #expect(try done.output(as: [String].self) == ["one", "two"])
        }
    }

    /// The raw overload validates the instance ID (as a start does), throwing `invalidArgument`
    /// and creating nothing.
    @Test(arguments: ["@counter@k", "a/b", "", ".."])
    func signalWithStartRefusesInvalidInstanceIds(_ id: String) async throws {
        let store = InMemoryOrchestrationStore()
        let client = DurableTaskClient(store: store)
        let error = await #expect(throws: DurableTaskError.self) {
            try await client.signalWithStart(
                orchestratorNamed: "WaitEvent", instanceId: id, rawInput: nil, eventName: "Approval", rawEventPayload: nil)
        }
        #expect(error?.code == .invalidArgument)
        #expect(try await client.queryInstances(.init()).instances.isEmpty)
    }
}
