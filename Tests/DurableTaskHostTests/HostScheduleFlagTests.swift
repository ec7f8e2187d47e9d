import DurableExamples
import DurableTask
import DurableTaskHost
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Logging
import Testing

/// `durable serve --schedule`: schedules from flags are created at startup, and a restart with the
/// same flags changes nothing.
@Suite("durable serve --schedule", .serialized, .timeLimit(.minutes(3)))
struct HostScheduleFlagTests {
    static let cleanup = #"id=cleanup,every=300ms,orchestration=PeriodicCleanup,input={"intervalMs":0,"maxGenerations":1}"#
    static let nightly = "id=nightly,cron=0 30 2 * * MON-FRI,timeZone=Europe/Berlin,orchestration=PeriodicCleanup,overlap=bufferOne"

    @Test func flagsCreateSchedulesOnceAcrossRestarts() async throws {
        try await withRedisServer { server in
            let hub = "flags"
            let store = try await RedisOrchestrationStore.connect(url: server.url, configuration: .init(taskHub: hub), logger: HostProcessTests.quiet)
            defer { Task { await store.close() } }
            let client = DurableTaskClient(store: store)
            let arguments = [
                "serve", "--redis", server.url, "--task-hub", hub, "--port", "0", "--grpc-port", "0",
                "--schedule", Self.cleanup, "--schedule", Self.nightly,
            ]
            let first = try await HostProcess.start(arguments)
            defer { first.kill9() }
            _ = try await first.waitForPort()
            try await waitFor { try await client.describeSchedule("cleanup")?.startedCount ?? 0 >= 3 }
            let before = try #require(try await client.describeSchedule("cleanup"))
            #expect(before.revision == 1)
            let nightly = try #require(try await client.describeSchedule("nightly"))
            #expect(nightly.definition.overlap == .bufferOne)
            guard case .cron(let cron) = nightly.definition.trigger else {
                Issue.record("nightly is not a cron schedule")
                return
            }
            #expect(cron.timeZoneIdentifier == "Europe/Berlin")
            // Each tick started PeriodicCleanup, which ran one round and completed with 1.
            let runs = try await client.queryInstances(InstanceQuery(instanceIdPrefix: "cleanup:")).instances
            #expect(runs.count >= 3)
            for run in runs {
                #expect(try await client.waitForInstanceCompletion(run.instanceId, timeout: .seconds(10)).output == "1")
            }
            first.signal(SIGTERM)
            #expect(try await first.waitForExit() == 0)

            // Same flags again: the schedules are as they were (revision, creation, phase).
            let second = try await HostProcess.start(arguments)
            defer { second.kill9() }
            _ = try await second.waitForPort()
            try await waitFor { try await client.describeSchedule("cleanup")?.startedCount ?? 0 > before.startedCount }
            let after = try #require(try await client.describeSchedule("cleanup"))
            #expect(after.revision == before.revision)
            #expect(after.createdAt == before.createdAt)
            #expect(after.anchor == before.anchor)
            #expect(try await client.listSchedules().schedules.map(\.definition.id) == ["cleanup", "nightly"])
            let dues = try await client.queryInstances(InstanceQuery(instanceIdPrefix: "cleanup:")).instances
                .compactMap { ScheduleTime.parse(String($0.instanceId.dropFirst("cleanup:".count))) }
            #expect(dues.allSatisfy { (ScheduleTime.millis($0) - ScheduleTime.millis(before.anchor)) % 300 == 0 }, "ticks keep their phase")
        }
    }

    /// A bad `--schedule` is a one-line error and exit code 1, before anything starts.
    @Test(arguments: [
        ("id=x,every=10ms,orchestration=PeriodicCleanup", "100ms"),
        ("every=1s,orchestration=PeriodicCleanup", "id="),
        ("id=x,cron=61 * * * *,orchestration=PeriodicCleanup", "minute"),
        ("id=x,every=1s,orchestration=PeriodicCleanup,color=blue", "color"),
        ("id=x,every=1s", "orchestration"),
    ])
    func badFlagIsAOneLineError(_ spec: String, _ mentions: String) async throws {
        let host = try await HostProcess.start(["serve", "--port", "0", "--grpc-port", "0", "--schedule", spec], in: try makeTempDirectory())
        defer { host.kill9() }
        #expect(try await host.waitForExit() == 1)
        let line = host.printed.split(separator: "\n").first { $0.contains("durable: error:") }
        #expect(line?.contains(mentions) == true, "\(host.printed)")
    }

    private func waitFor(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("condition not met within \(timeout)")
    }
}
