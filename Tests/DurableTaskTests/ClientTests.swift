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

    /// An event name starting with `$` is the engine's own, for signal-with-start as for raise-event.
    @Test func signalWithStartRefusesReservedEventNames() async throws {
        let client = DurableTaskClient(store: InMemoryOrchestrationStore())
        let error = await #expect(throws: DurableTaskError.self) {
            try await client.signalWithStart(
                orchestratorNamed: "WaitEvent", instanceId: "reserved", rawInput: nil, eventName: "$lock", rawEventPayload: nil)
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("reserved") == true)
        #expect(try await client.queryInstances(.init()).instances.isEmpty)
    }

    /// `restart(_:)` without `newInstanceId` starts a new instance under a new ID, as Durable
    /// Functions' `RestartAsync` and the management API do, and leaves the old one as it was.
    @Test func restartDefaultsToANewInstanceId() async throws {
        try await TestHost.run(store: InMemoryOrchestrationStore()) { host in
            let first = try await host.runToCompletion("Hello", input: "again", instanceId: "restart-default")
            let restarted = try await host.client.restart("restart-default")
            #expect(restarted != "restart-default")
            let second = try await host.client.waitForInstanceCompletion(restarted)
            #expect(second.name == "Hello")
            #expect(try second.output(as: String.self) == "Hello again!")
            let old = try #require(try await host.client.getInstance("restart-default"))
            #expect(old.executionId == first.executionId)
            #expect(old.runtimeStatus == .completed)
        }
    }

    /// `newInstanceId: false` restarts under the same ID, once the instance has finished.
    @Test func restartUnderTheSameIdWhenAsked() async throws {
        try await TestHost.run(store: InMemoryOrchestrationStore()) { host in
            let id = try await host.client.scheduleNewOrchestration(named: "WaitEvent", input: 1, options: .init(instanceId: "restart-same"))
            let live = await #expect(throws: DurableTaskError.self) { try await host.client.restart(id, newInstanceId: false) }
            #expect(live?.code == .instanceAlreadyExists)
            try await host.client.raiseEvent(id, name: "Approval", payload: "yes")
            let first = try await host.client.waitForInstanceCompletion(id)
            #expect(try await host.client.restart(id, newInstanceId: false) == id)
            try await host.client.raiseEvent(id, name: "Approval", payload: "again")
            let second = try await host.client.waitForInstanceCompletion(id)
            #expect(second.executionId != first.executionId)
            #expect(try second.output(as: [String].self) == ["again"])
        }
    }
}
