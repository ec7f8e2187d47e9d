import DurableTask
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Logging

let quietLogger = Logger(label: "DurableTaskChaosTests", factory: { _ in SwiftLogNoOpLogHandler() })

/// One scenario's world: a private redis-server, a task hub on it, a client store in this process
/// and three `durable-test-worker` processes that log each run of activity "Double".
struct ChaosHub {
    static let hub = "chaos"
    static let partitions = 3
    static let workers = 3

    var server: RedisServer
    var client: DurableTaskClient
    var fleet: WorkerFleet
    var runLog: String

    /// Starts the server (`options`), the client store and the fleet (on `workerURL`, the server's
    /// by default), runs `body`, then stops the workers, the store and the server.
    static func run<T>(
        _ options: RedisServer.Options = .init(unixSocket: false),
        leaseMs: Int = 1000, activityMs: Int = 0,
        workerURL: (RedisServer) throws -> String = { $0.url },
        _ body: (ChaosHub) async throws -> T
    ) async throws -> T {
        try await withRedisServer(options) { server in
            let store = try await RedisOrchestrationStore.connect(
                url: server.url,
                configuration: .init(taskHub: hub, partitions: partitions, leaseTimeout: .milliseconds(leaseMs),
                                     maxBlockingWait: .milliseconds(200)),
                poolSize: 4, logger: quietLogger)
            try await store.createTaskHub()
            let runLog = server.directory + "/runs.log"
            let fleet: WorkerFleet
            do {
                fleet = try await WorkerFleet(
                    url: try workerURL(server), hub: hub, partitions: partitions, leaseMs: leaseMs, size: workers,
                    environment: ["DURABLE_CHAOS_RUN_LOG": runLog, "DURABLE_CHAOS_ACTIVITY_MS": String(activityMs)])
            } catch {
                await store.close()
                throw error
            }
            let world = ChaosHub(server: server, client: DurableTaskClient(store: store), fleet: fleet, runLog: runLog)
            do {
                try await fleet.waitUntilReady()
                try await ChaosPlan.fund(world.client)
                let result = try await body(world)
                fleet.stop()
                await store.close()
                return result
            } catch {
                fleet.stop()
                await store.close()
                throw error
            }
        }
    }

    /// A worker that has just begun an activity (the next line the run log gains names its PID),
    /// so that stopping it now stops it while it holds work. `nil` if no activity began in time.
    func workerStartingAnActivity(within timeout: Duration = .seconds(5)) async throws -> WorkerProcess? {
        func lines() -> [Substring] {
            ((try? String(contentsOfFile: runLog, encoding: .utf8)) ?? "").split(separator: "\n")
        }
        let seen = lines().count
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let now = lines()
            if now.count > seen, let pid = now.last?.split(separator: " ").last.flatMap({ Int32($0) }) {
                return fleet.workers.first { $0.pid == pid }
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }

    /// Verifies the hub after the chaos, prints the scenario's one-line summary and returns the figures.
    func verify(_ scenario: String, accepted: [ChaosInstance], disruptions: Int) async throws -> ChaosFigures {
        var figures = ChaosFigures(scenario: scenario)
        figures.disruptions = disruptions
        try await ChaosVerifier(client: client, runLog: runLog).verify(accepted, into: &figures)
        print(figures.line)
        for problem in figures.problems.prefix(20) { print("  \(problem)") }
        return figures
    }
}
