@testable import DurableTask
import DurableTaskTesting
import Foundation
import Testing

/// Workers run only the orchestration versions their versioning options accept.
@Suite("Worker versioning", .timeLimit(.minutes(2)))
struct VersioningTests {
    func register(_ registry: inout TaskRegistry) {
        registry.addOrchestrator(named: "Versioned") { context, _ in
            try PayloadCoding.encode(context.version ?? "none")
        }
    }

    func start(_ client: DurableTaskClient, version: String?) async throws -> String {
        try await client.scheduleNewOrchestration(named: "Versioned", rawInput: nil, options: .init(version: version)).instanceId
    }

    @Test func versionsAreOrdered() {
        #expect(VersioningOptions.compare("1.10", "1.9") == 1)
        #expect(VersioningOptions.compare("2", "2.0") == 0)
        #expect(VersioningOptions.compare(nil, "1") == -1)
        #expect(VersioningOptions.compare("beta", "alpha") == 1)
        #expect(VersioningOptions.compare(nil, nil) == 0)
    }

    @Test func strictRejectLeavesOtherVersionsWaiting() async throws {
        let store = InMemoryOrchestrationStore()
        let options = VersioningOptions(version: "2.0", matchStrategy: .strict, failureStrategy: .reject)
        try await TestHost.run(
            store: store, configuration: .init(lockWaitTimeout: .milliseconds(100), versioning: options, versionRejectDelay: .milliseconds(50)),
            register: register
        ) { host in
            let old = try await start(host.client, version: "1.0")
            let current = try await start(host.client, version: "2.0")
            let done = try await host.client.waitForInstanceCompletion(current, timeout: .seconds(10))
            #expect(try done.output(as: String.self) == "2.0")
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await host.client.getInstance(old)?.runtimeStatus == .pending)
        }
        // A worker that runs every version finishes the one the strict worker left.
        try await TestHost.run(store: store, register: register) { host in
            let page = try await store.queryInstances(InstanceQuery(statuses: [.pending]))
            let old = try #require(page.instances.first?.instanceId)
            let done = try await host.client.waitForInstanceCompletion(old, timeout: .seconds(10))
            #expect(try done.output(as: String.self) == "1.0")
        }
    }

    @Test func strictFailRecordsTheMismatch() async throws {
        let options = VersioningOptions(version: "2.0", matchStrategy: .strict, failureStrategy: .fail)
        try await TestHost.run(
            store: InMemoryOrchestrationStore(), configuration: .init(lockWaitTimeout: .milliseconds(100), versioning: options),
            register: register
        ) { host in
            let id = try await start(host.client, version: "1.0")
            let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
            #expect(done.runtimeStatus == .failed)
            #expect(done.failureDetails?.errorType == EngineFailure.versionMismatch)
            #expect(done.failureDetails?.isNonRetriable == true)
            let kinds = try await host.client.getHistory(id).map(\.kind.typeName)
            #expect(kinds.contains("ExecutionCompleted"))
        }
    }

    @Test func currentOrOlderRunsOlderAndFailsNewer() async throws {
        let options = VersioningOptions(version: "2.0", matchStrategy: .currentOrOlder, failureStrategy: .fail)
        try await TestHost.run(
            store: InMemoryOrchestrationStore(), configuration: .init(lockWaitTimeout: .milliseconds(100), versioning: options),
            register: register
        ) { host in
            let older = try await start(host.client, version: "1.5")
            let unversioned = try await start(host.client, version: nil)
            let newer = try await start(host.client, version: "2.1")
            #expect(try await host.client.waitForInstanceCompletion(older, timeout: .seconds(10)).runtimeStatus == .completed)
            #expect(try await host.client.waitForInstanceCompletion(unversioned, timeout: .seconds(10)).runtimeStatus == .completed)
            #expect(try await host.client.waitForInstanceCompletion(newer, timeout: .seconds(10)).runtimeStatus == .failed)
        }
    }
}
