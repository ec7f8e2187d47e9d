import AsyncHTTPClient
import DurableExamples
import DurableTask
import DurableTaskRedis
import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// `durable serve` as a process: graceful shutdown under load, the embedded Redis, bad configuration.
@Suite("durable serve process", .serialized, .timeLimit(.minutes(3)))
struct HostProcessTests {
    static let quiet: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    /// 500 orchestrations, SIGTERM mid-run, restart: every one completes with the right output.
    @Test func sigtermUnderLoadLosesNothing() async throws {
        try await withRedisServer { server in
            let hub = "sigterm"
            let store = try await RedisOrchestrationStore.connect(url: server.url, configuration: .init(taskHub: hub), logger: Self.quiet)
            defer { Task { await store.close() } }
            try await store.createTaskHub()
            let client = DurableTaskClient(store: store)
            let ids = (0..<500).map { "load-\($0)" }
            for id in ids {
                try await client.scheduleNewOrchestration(FunctionChaining.self, options: .init(instanceId: id))
            }
            let arguments = ["serve", "--redis", server.url, "--task-hub", hub, "--port", "0", "--log-level", "info"]
            let first = try await HostProcess.start(arguments)
            defer { first.kill9() }
            _ = try await first.waitForPort()
            // Let part of the load finish, then stop the host in the middle of it.
            let deadline = ContinuousClock.now + .seconds(60)
            var done = 0
            while ContinuousClock.now < deadline {
                done = try await completedCount(client, ids)
                if done >= 50 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            first.signal(SIGTERM)
            #expect(try await first.waitForExit() == 0, "durable serve should exit cleanly on SIGTERM: \(first.printed)")
            let afterStop = try await completedCount(client, ids)
            #expect(done >= 50 && afterStop < ids.count, "SIGTERM should land mid-run (\(afterStop) of \(ids.count) done)")
            #expect(first.printed.contains("durable host stopped"))

            // A new host finishes the rest well within the 30-second lease timeout, so nothing
            // waited for a lease to expire: the first host committed or released all it held.
            let second = try await HostProcess.start(arguments)
            defer { second.kill9() }
            _ = try await second.waitForPort()
            for id in ids {
                let meta = try await client.waitForInstanceCompletion(id, timeout: .seconds(25))
                #expect(meta.runtimeStatus == .completed)
                #expect(try meta.output(as: [String].self) == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"])
                let history = try await client.getHistory(id)
                let completions = history.filter { if case .taskCompleted = $0.kind { true } else { false } }
                #expect(completions.count == 3, "instance \(id) applied \(completions.count) activity results")
            }
            second.signal(SIGTERM)
            #expect(try await second.waitForExit() == 0)
        }
    }

    private func completedCount(_ client: DurableTaskClient, _ ids: [String]) async throws -> Int {
        var result = try await client.queryInstances(InstanceQuery(statuses: [.completed], pageSize: 1000))
        var count = result.instances.count
        while let token = result.continuationToken {
            result = try await client.queryInstances(InstanceQuery(statuses: [.completed], pageSize: 1000, continuationToken: token))
            count += result.instances.count
        }
        return count
    }

    /// With no Redis URL the host runs its own redis-server in ./.durable (AOF, unix socket);
    /// SIGTERM stops it too, and a restart finds the data again.
    @Test func embeddedRedisKeepsDataAcrossRestarts() async throws {
        let directory = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await HostProcess.start(["serve", "--port", "0"], in: directory)
        defer { first.kill9() }
        let port = try await first.waitForPort()
        let socket = directory + "/.durable/redis.sock"
        #expect(FileManager.default.fileExists(atPath: directory + "/.durable/appendonlydir"))
        // What the README shows: start FunctionChaining over HTTP and wait for its output.
        let base = "http://127.0.0.1:\(port)/runtime/webhooks/durabletask"
        let (status, body) = try await httpPost(base + "/orchestrators/FunctionChaining?timeout=20&pollingInterval=1")
        #expect(status == 200)
        #expect(body == #"["Hello Tokyo!","Hello Seattle!","Hello London!"]"#)
        let (started, links) = try await httpPost(base + "/orchestrators/FunctionChaining")
        #expect(started == 202)
        let id = try #require(try JSONSerialization.jsonObject(with: Data(links.utf8)) as? [String: Any])["id"] as! String
        try await withStore(url: "unix://" + socket) { client in
            let done = try await client.waitForInstanceCompletion(id, timeout: .seconds(20))
            #expect(try done.output(as: [String].self) == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"])
        }
        let redisPid = try #require(Int32(String(contentsOfFile: directory + "/.durable/redis.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)
        #expect(kill(redisPid, 0) != 0, "the embedded redis-server (pid \(redisPid)) should have stopped with the host")

        // A host killed with SIGKILL leaves its redis-server behind; the next host stops it and goes on.
        let second = try await HostProcess.start(["serve", "--port", "0"], in: directory)
        defer { second.kill9() }
        _ = try await second.waitForPort()
        await second.killAndWait()
        let third = try await HostProcess.start(["serve", "--port", "0"], in: directory)
        defer { third.kill9() }
        _ = try await third.waitForPort()
        try await withStore(url: "unix://" + socket) { client in
            let meta = try await client.getInstance(id)
            #expect(meta?.runtimeStatus == .completed, "the instance written before the restarts is still there")
        }
        third.signal(SIGTERM)
        #expect(try await third.waitForExit() == 0)
    }

    private func withStore<T: Sendable>(url: String, _ body: (DurableTaskClient) async throws -> T) async throws -> T {
        let store = try await RedisOrchestrationStore.connect(url: url, logger: Self.quiet)
        do {
            let result = try await body(DurableTaskClient(store: store))
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// Bad configuration ends the process at once with one line that says what to fix.
    @Test(arguments: [
        (["serve", "--redis", "redis://127.0.0.1:1/0", "--port", "0"], "cannot connect to Redis at redis://127.0.0.1:1/0"),
        (["serve", "--redis", "bogus://x", "--port", "0"], "cannot connect to Redis at bogus://x"),
        (["serve", "--host", "0.0.0.0", "--port", "0"], "needs a system key"),
        (["serve", "--grpc-host", "0.0.0.0", "--grpc-port", "4001", "--port", "0"], "binding the gRPC sidecar to 0.0.0.0 needs a system key"),
        (["serve", "--grpc-port", "70000"], "invalid gRPC port 70000"),
        (["serve", "--partitions", "0"], "partitions must be between 1 and 1024"),
        (["serve", "--log-level", "loud"], "unknown log level 'loud'"),
    ])
    func badConfigurationExitsWithOneLine(arguments: [String], expected: String) async throws {
        let directory = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = try await HostProcess.start(arguments, in: directory)
        defer { host.kill9() }
        #expect(try await host.waitForExit(timeout: .seconds(20)) == 1)
        let lines = host.printed.split(separator: "\n").filter { !$0.contains(" info ") && !$0.contains(" debug ") }
        #expect(lines.count == 1, "expected one line, got: \(host.printed)")
        #expect(lines.first?.hasPrefix("durable: error: ") == true)
        #expect(lines.first?.contains(expected) == true, "got: \(host.printed)")
    }

    /// The Redis password never reaches the output: not in the ready line, not in a startup error.
    @Test func theRedisPasswordIsNeverPrinted() async throws {
        let secret = "s3cret-pw-\(UInt32.random(in: 0...UInt32.max))"
        try await withRedisServer(RedisServer.Options(password: secret)) { server in
            let directory = try makeTempDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let url = "redis://default:\(secret)@127.0.0.1:\(server.port)/0"
            let good = try await HostProcess.start(["serve", "--redis", url, "--port", "0", "--log-level", "debug"], in: directory)
            defer { good.kill9() }
            let line = try await good.waitForLine(containing: "durable host ready")
            #expect(line.contains("redis=redis://default:***@127.0.0.1:\(server.port)/0"), "got: \(line)")
            good.signal(SIGTERM)
            #expect(try await good.waitForExit() == 0)
            #expect(!good.printed.contains(secret))

            let wrong = try await HostProcess.start(["serve", "--redis", "redis://default:wrong-\(secret)@127.0.0.1:\(server.port)/0", "--port", "0"], in: directory)
            defer { wrong.kill9() }
            #expect(try await wrong.waitForExit(timeout: .seconds(20)) == 1)
            #expect(wrong.printed.contains("cannot connect to Redis at redis://default:***@"), "got: \(wrong.printed)")
            #expect(!wrong.printed.contains(secret))
        }
        let directory = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let unreachable = try await HostProcess.start(["serve", "--redis", "redis://:\(secret)@127.0.0.1:1/0?password=\(secret)", "--port", "0"], in: directory)
        defer { unreachable.kill9() }
        #expect(try await unreachable.waitForExit(timeout: .seconds(20)) == 1)
        #expect(!unreachable.printed.contains(secret), "got: \(unreachable.printed)")
    }

    /// Settings come from the environment and a config file too (a flag wins over the
    /// environment, which wins over the file), and a bad value is named.
    @Test func environmentAndConfigFileConfigure() async throws {
        let directory = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bad = try await HostProcess.start(["serve"], in: directory, environment: ["DURABLE_PORT": "abc"])
        defer { bad.kill9() }
        #expect(try await bad.waitForExit(timeout: .seconds(20)) == 1)
        #expect(bad.printed.trimmingCharacters(in: .whitespacesAndNewlines)
            == "durable: error: 'abc' is not a valid value for --port: expected an integer (set by --port, DURABLE_PORT or \"port\" in the config file)")
        let missing = try await HostProcess.start(["serve", "--config", directory + "/missing.json"], in: directory)
        defer { missing.kill9() }
        #expect(try await missing.waitForExit(timeout: .seconds(20)) == 1)
        #expect(missing.printed.hasPrefix("durable: error: cannot read the config file \(directory)/missing.json (--config)"))
        try await withRedisServer { server in
            // The file names a hub and a port; the environment's hub wins over the file's, and
            // the file's other settings apply.
            let file = directory + "/durable.json"
            try Data(#"{"redisUrl": "\#(server.url)", "port": 0, "taskHub": "fromfile", "partitions": 2}"#.utf8)
                .write(to: URL(fileURLWithPath: file))
            let good = try await HostProcess.start(["serve", "--config", file], in: directory, environment: [
                "DURABLE_TASK_HUB": "fromenv",
            ])
            defer { good.kill9() }
            let line = try await good.waitForLine(containing: "durable host ready")
            #expect(line.contains("taskHub=fromenv"))
            #expect(line.contains("redis=\(server.url)"))
            let admin = try await RedisConnection.connect(configuration: RedisConfiguration(url: server.url), logger: Logger(label: "test"))
            let keys = try await admin.send(["KEYS", "dt:{*"]).array?.compactMap(\.string) ?? []
            await admin.close()
            #expect(keys.contains { $0.hasPrefix("dt:{fromenv:1}") }, "the hub is made under the environment's name: \(keys)")
            #expect(!keys.contains { $0.hasPrefix("dt:{fromenv:2}") || $0.contains("fromfile") }, "with the file's 2 partitions: \(keys)")
            // DURABLE_GRPC_PORT=0 (set by HostProcess) turns the gRPC sidecar off.
            #expect(!line.contains("grpc="))
            #expect(!good.printed.contains("gRPC sidecar listening"))
            good.signal(SIGTERM)
            #expect(try await good.waitForExit() == 0)
        }
    }

    /// A Redis that holds another version of the Redis Functions library: `durable serve` exits
    /// with one line naming both versions and the upgrade step; after `durable upgrade-functions`
    /// it starts.
    @Test func anotherFunctionLibraryVersionExitsWithOneLineUntilUpgraded() async throws {
        try await withRedisServer { server in
            let directory = try makeTempDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let raw = try await RedisConnection.connect(configuration: try RedisConfiguration(url: server.url), logger: Self.quiet)
            let other = RedisOrchestrationStore.functionLibraryVersion + 41
            _ = try await raw.send([
                "FUNCTION", "LOAD",
                "#!lua name=durabletask\nredis.register_function{function_name='dt_library_version', callback=function() return \(other) end, flags={'no-writes'}}",
            ])
            await raw.close()

            let refused = try await HostProcess.start(["serve", "--redis", server.url, "--task-hub", "lib", "--port", "0"], in: directory)
            defer { refused.kill9() }
            #expect(try await refused.waitForExit(timeout: .seconds(20)) == 1)
            let lines = refused.printed.split(separator: "\n").filter { !$0.contains(" info ") && !$0.contains(" debug ") }
            #expect(lines.count == 1, "expected one line, got: \(refused.printed)")
            let line = String(lines.first ?? "")
            #expect(line.hasPrefix("durable: error: Redis holds version \(other) of the Redis Functions library"), "got: \(line)")
            #expect(line.contains("needs version \(RedisOrchestrationStore.functionLibraryVersion)"), "got: \(line)")
            #expect(line.contains("durable upgrade-functions --redis"), "got: \(line)")

            // A password file that breaks serve's rules (here: empty) is badFile the same way.
            let empty = directory + "/empty-password"
            try Data().write(to: URL(fileURLWithPath: empty))
            let badFile = try await HostProcess.start(
                ["upgrade-functions", "--redis", server.url, "--redis-password-file", empty], in: directory)
            defer { badFile.kill9() }
            #expect(try await badFile.waitForExit(timeout: .seconds(20)) == 1)
            #expect(badFile.printed.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix(
                "durable: error: cannot use \(empty) as the secret for --redis-password-file"), "got: \(badFile.printed)")
            let upgrade = try await HostProcess.start(["upgrade-functions", "--redis", server.url], in: directory)
            defer { upgrade.kill9() }
            #expect(try await upgrade.waitForExit(timeout: .seconds(20)) == 0)
            #expect(upgrade.printed.contains("version \(other) -> version \(RedisOrchestrationStore.functionLibraryVersion)"), "got: \(upgrade.printed)")

            let host = try await HostProcess.start(["serve", "--redis", server.url, "--task-hub", "lib", "--port", "0"], in: directory)
            defer { host.kill9() }
            _ = try await host.waitForPort()
            host.signal(SIGTERM)
            #expect(try await host.waitForExit() == 0)
        }
    }

    /// A busy port is refused before anything starts.
    @Test func busyPortExitsWithOneLine() async throws {
        try await withRedisServer { server in
            let directory = try makeTempDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let first = try await HostProcess.start(["serve", "--redis", server.url, "--task-hub", "busy", "--port", "0"], in: directory)
            defer { first.kill9() }
            let port = try await first.waitForPort()
            let second = try await HostProcess.start(["serve", "--redis", server.url, "--task-hub", "busy", "--port", String(port)], in: directory)
            defer { second.kill9() }
            #expect(try await second.waitForExit(timeout: .seconds(20)) == 1)
            #expect(second.printed.trimmingCharacters(in: .whitespacesAndNewlines)
                == "durable: error: cannot listen on 127.0.0.1:\(port): the port is already in use; pick another --port (or DURABLE_PORT) or stop what uses it")
            first.signal(SIGTERM)
            #expect(try await first.waitForExit() == 0)
        }
    }
}
