import DurableTask
import DurableTaskHost
import DurableTaskRedis
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Testing

/// Issue 9's poison inputs against a fleet: three `durable serve` processes on one task hub,
/// every hostile example input and an overflowing entity operation started through their HTTP
/// APIs, plus a timer 10,000 years away. Every instance must fail with its message (the timer
/// waits, and an event still completes it), and all three hosts must still be running.
/// Before the examples checked their arithmetic, the first of these inputs killed its host with
/// a trap, and the others killed the rest.
@Suite("Poison inputs on three hosts", .serialized, .timeLimit(.minutes(3)))
struct PoisonInputHostTests {
    @Test func hostileInputsFailTheirInstancesAndEveryHostStaysUp() async throws {
        try await withRedisServer { server in
            let hub = "poison"
            let store = try await RedisOrchestrationStore.connect(url: server.url, configuration: .init(taskHub: hub), logger: apiQuietLogger)
            defer { Task { await store.close() } }
            try await store.createTaskHub()
            let client = DurableTaskClient(store: store)
            let arguments = ["serve", "--redis", server.url, "--task-hub", hub, "--port", "0", "--log-level", "info"]
            var hosts: [HostProcess] = []
            for _ in 0..<3 { hosts.append(try await HostProcess.start(arguments)) }
            defer { for host in hosts { host.kill9() } }
            var apis: [APIServer] = []
            for host in hosts {
                apis.append(APIServer(client: client, port: try await host.waitForPort(), configuration: .init()))
            }
            do {
                try await startAndCheck(apis: apis, client: client, hosts: hosts)
            } catch {
                // Say which hosts died, and how, rather than only what the request saw.
                for host in hosts where !host.isRunning { Issue.record("host \(host.pid) died:\n\(crash(of: host))") }
                throw error
            }
            for host in hosts {
                #expect(host.isRunning, "a host died: \(host.printed)")
                #expect(!host.printed.contains("Fatal error"), "\(host.printed)")
            }
            for host in hosts { host.signal(SIGTERM) }
            for host in hosts { #expect(try await host.waitForExit() == 0, "\(host.printed)") }
        }
    }

    /// Starts every hostile input, the overflowing entity operations and the far timer through the
    /// hosts' APIs (in turn), and checks how each ends.
    private func startAndCheck(apis: [APIServer], client: DurableTaskClient, hosts: [HostProcess]) async throws {
        func api(_ i: Int) -> APIServer { apis[i % apis.count] }
        // Start every hostile input, each through the next host's API.
        var started: [(HostileExampleInput, String)] = []
        for (i, hostile) in HostileExampleInput.all.enumerated() {
            let response = try await api(i).post("/orchestrators/\(hostile.name)", body: hostile.json, contentType: "application/json")
            #expect(response.status == 202, "\(hostile): \(response.text)")
            started.append((hostile, try #require(try response.object()["id"] as? String)))
        }
        // An entity operation that would overflow, between two that do not.
        for (i, amount) in ["9223372036854775807", "1", "-1"].enumerated() {
            let signal = try await api(i).post("/entities/counter/poison?op=add", body: amount, contentType: "application/json")
            #expect(signal.status == 202, "\(signal.text)")
        }
        // A timer 10,000 years away: stored at the end of year 9999, and the instance waits on it.
        let far = try await api(1).post("/orchestrators/BudgetApproval", body: #"{"timeoutSeconds":315576000000}"#, contentType: "application/json")
        #expect(far.status == 202, "\(far.text)")
        let farId = try #require(try far.object()["id"] as? String)

        for (i, (hostile, id)) in started.enumerated() {
            let status = try await waitUntilDone(api(i + 1), id, hosts: hosts)
            #expect(status["runtimeStatus"] as? String == "Failed", "\(hostile): \(status)")
            let output = status["output"] as? String ?? ""
            #expect(output.hasPrefix(hostile.errorType + ": ") && output.contains(hostile.message), "\(hostile): \(output)")
        }

        // The counter applied Int.max, refused + 1 and applied - 1, in order.
        try await waitFor(hosts: hosts) { try await api(2).get("/entities/counter/poison").text == "9223372036854775806" }

        let waiting = try await api(0).get("/instances/\(farId)").object()
        #expect(waiting["runtimeStatus"] as? String == "Running", "\(waiting)")
        let timer = try await client.getHistory(farId).compactMap { event -> Date? in
            if case .timerCreated(let fireAt) = event.kind { fireAt } else { nil }
        }
        #expect(timer == [DurableTime.latest], "the timer is clamped to the end of year 9999")
        #expect(try await api(2).post("/instances/\(farId)/raiseEvent/Approval", body: "true", contentType: "application/json").status == 202)
        let approved = try await waitUntilDone(api(0), farId, hosts: hosts)
        #expect(approved["output"] as? String == "Approved", "\(approved)")
    }

    /// What a dead host printed about its end: the fatal error, and the frames in the examples.
    private func crash(of host: HostProcess) -> String {
        let lines = host.printed.split(separator: "\n").filter {
            $0.contains("Fatal error") || $0.contains("Program crashed") || $0.contains("Examples/Patterns/")
        }
        return lines.isEmpty ? String(host.printed.suffix(1500)) : lines.joined(separator: "\n")
    }

    /// Polls the instance's status through the API until it is terminal; fails at once if a host died.
    private func waitUntilDone(_ api: APIServer, _ id: String, hosts: [HostProcess]) async throws -> [String: Any] {
        var status: [String: Any] = [:]
        try await waitFor(hosts: hosts) {
            status = try await api.get("/instances/\(id)").object()
            return ["Completed", "Failed", "Terminated"].contains(status["runtimeStatus"] as? String ?? "")
        }
        return status
    }

    /// Waits (up to 30 s) for `condition`; throws as soon as one of the hosts is no longer running.
    private func waitFor(hosts: [HostProcess], _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let dead = hosts.first(where: { !$0.isRunning }) {
                throw APITestError("host \(dead.pid) died:\n\(crash(of: dead))")
            }
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw APITestError("condition not met within 30 s")
    }
}
