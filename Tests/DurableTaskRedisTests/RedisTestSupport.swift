import DurableTask
import DurableTaskRedis
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation
import Logging

let quietLogger = Logger(label: "DurableTaskRedisTests", factory: { _ in SwiftLogNoOpLogHandler() })

/// Starts a private redis-server, runs `body` with a factory of fresh stores (each its own task
/// hub on that server), then closes the stores and stops the server by PID.
func withRedisStores<T>(
    _ options: RedisServerProcess.Options = .init(),
    partitions: Int = 3,
    _ body: (RedisServerProcess, @escaping @Sendable (StoreOptions) async throws -> RedisOrchestrationStore) async throws -> T
) async throws -> T {
    try await withRedisServer(options) { server in
        let opened = OpenedStores()
        defer { Task { await opened.closeAll() } }
        let url = server.url
        return try await body(server) { options in
            let store = try await RedisOrchestrationStore.connect(
                url: url,
                configuration: .init(
                    taskHub: "hub-" + UUID().uuidString.prefix(8), partitions: partitions,
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
