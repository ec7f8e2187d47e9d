import DurableTaskRedisClient
import DurableTask
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import Testing

/// The `durabletask` Redis Functions library: loaded once, checked at start, upgraded by one step,
/// and a clear error when it is gone. Each test starts its own redis-server.
@Suite("Redis Functions library", .timeLimit(.minutes(3)))
struct RedisFunctionLibraryTests {
    /// A stand-in for another build's library: the same name, another version.
    static func fakeLibrary(version: Int) -> String {
        """
        #!lua name=durabletask
        redis.register_function { function_name = 'dt_library_version', callback = function() return \(version) end,
          flags = { 'no-writes' } }
        """
    }

    static func connect(_ url: String, hub: String) async throws -> RedisOrchestrationStore {
        try await RedisOrchestrationStore.connect(
            url: url, configuration: .init(taskHub: hub, partitions: 2, maxBlockingWait: .milliseconds(200)), poolSize: 2,
            logger: quietLogger)
    }

    @Test func aStoreRefusesAnotherVersionWithOneLineAndStartsAfterTheUpgrade() async throws {
        try await withRedisServer { server in
            let other = RedisOrchestrationStore.functionLibraryVersion + 41
            try await adminSend(server.url, ["FUNCTION", "LOAD", Self.fakeLibrary(version: other)])

            let error = await #expect(throws: DurableTaskError.self) { _ = try await Self.connect(server.url, hub: "v") }
            #expect(error?.code == .functionLibraryMismatch)
            let message = error?.message ?? ""
            #expect(!message.contains("\n"), "one line: \(message)")
            #expect(message.contains("version \(other)"), "names the version in Redis: \(message)")
            #expect(message.contains("version \(RedisOrchestrationStore.functionLibraryVersion)"), "names this build's: \(message)")
            #expect(message.contains("durable upgrade-functions"), "says what to do: \(message)")

            let upgrade = try await RedisOrchestrationStore.upgradeFunctionLibrary(url: server.url, logger: quietLogger)
            #expect(upgrade.previousVersion == other)
            #expect(upgrade.version == RedisOrchestrationStore.functionLibraryVersion)
            #expect(try await adminSend(server.url, ["FCALL_RO", "dt_library_version", "0"]).int
                == RedisOrchestrationStore.functionLibraryVersion)

            let store = try await Self.connect(server.url, hub: "after-upgrade")
            try await store.createTaskHub()
            try await TestHost.run(store: store) { host in
                let done = try await host.runToCompletion("Hello", input: "upgraded")
                #expect(try done.output(as: String.self) == "Hello upgraded!")
            }
            await store.close()
        }
    }

    @Test func createTaskHubAlsoRefusesAnotherVersion() async throws {
        try await withRedisServer { server in
            let store = try await Self.connect(server.url, hub: "swap")
            // Another build replaced the library after this store connected.
            try await adminSend(server.url, ["FUNCTION", "LOAD", "REPLACE", Self.fakeLibrary(version: 0)])
            let error = await #expect(throws: DurableTaskError.self) { try await store.createTaskHub() }
            #expect(error?.code == .functionLibraryMismatch)
            #expect(error?.message.contains("version-less") == true, "\(error?.message ?? "")")
            await store.close()
        }
    }

    @Test func storesStartingAtOnceOnAnEmptyRedisAllSucceed() async throws {
        try await withRedisServer { server in
            let stores = try await withThrowingTaskGroup(of: RedisOrchestrationStore.self) { group in
                for i in 0..<6 { group.addTask { try await Self.connect(server.url, hub: "race-\(i)") } }
                var stores: [RedisOrchestrationStore] = []
                for try await store in group { stores.append(store) }
                return stores
            }
            #expect(stores.count == 6)
            #expect(try await adminSend(server.url, ["FCALL_RO", "dt_library_version", "0"]).int
                == RedisOrchestrationStore.functionLibraryVersion)
            for store in stores {
                try await store.createTaskHub()
                _ = try await DurableTaskClient(store: store).scheduleNewOrchestration(named: "Hello", input: "x")
                await store.close()
            }
        }
    }

    @Test func aMissingFunctionIsATypedErrorAndCreateTaskHubLoadsItAgain() async throws {
        try await withRedisServer { server in
            let store = try await Self.connect(server.url, hub: "flush")
            try await store.createTaskHub()
            let client = DurableTaskClient(store: store)
            // SCRIPT FLUSH does not touch functions.
            try await adminSend(server.url, ["SCRIPT", "FLUSH"])
            _ = try await client.scheduleNewOrchestration(named: "Hello", input: "a")

            try await adminSend(server.url, ["FUNCTION", "FLUSH"])
            let error = await #expect(throws: DurableTaskError.self) {
                _ = try await client.scheduleNewOrchestration(named: "Hello", input: "b")
            }
            #expect(error?.code == .functionLibraryMismatch)
            #expect(error?.message.contains("dt_create_instance") == true, "\(error?.message ?? "")")
            // So does a wait.
            let waited = await #expect(throws: DurableTaskError.self) {
                _ = try await store.waitForInstance("nobody", condition: .completed, timeout: .milliseconds(100))
            }
            #expect(waited?.code == .functionLibraryMismatch)

            try await store.createTaskHub()
            try await TestHost.run(store: store) { host in
                let done = try await host.runToCompletion("Hello", input: "c")
                #expect(try done.output(as: String.self) == "Hello c!")
            }
            await store.close()
        }
    }
}
