import DurableTask
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import Logging

let quietLogger = Logger(label: "DurableTaskRedisTests", factory: { _ in SwiftLogNoOpLogHandler() })

/// Starts a private redis-server, runs `body` with a factory of fresh stores (each its own task
/// hub on that server), then closes the stores and stops the server by PID.
func withRedisStores<T>(
    _ options: RedisServer.Options = .init(),
    partitions: Int = 3,
    _ body: (RedisServer, @escaping @Sendable (StoreOptions) async throws -> RedisOrchestrationStore) async throws -> T
) async throws -> T {
    try await withRedisServer(options) { server in
        let opened = OpenedStores()
        let url = server.url
        // Close every store before the server stops, so none is left reconnecting.
        do {
            let result = try await body(server, OpenedStores.storeFactory(url: url, partitions: partitions, opened: opened))
            await opened.closeAll()
            return result
        } catch {
            await opened.closeAll()
            throw error
        }
    }
}

extension OpenedStores {
    /// Makes stores on `url`, each with its own task hub, remembered in `opened`.
    fileprivate static func storeFactory(url: String, partitions: Int, opened: OpenedStores)
        -> @Sendable (StoreOptions) async throws -> RedisOrchestrationStore
    {
        return { options in
            let store = try await RedisOrchestrationStore.connect(
                url: url,
                configuration: .init(
                    taskHub: "hub-" + RandomIdentifier.uuidString().prefix(8), partitions: partitions,
                    leaseTimeout: options.leaseTimeout, maxBlockingWait: .milliseconds(200)),
                poolSize: 2, logger: quietLogger)
            await opened.add(store)
            return store
        }
    }
}

actor OpenedStores {
    var stores: [RedisOrchestrationStore] = []
    func add(_ s: RedisOrchestrationStore) { stores.append(s) }
    func closeAll() async {
        for s in stores { await s.close() }
        stores.removeAll()
    }
}
