import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Foundation
import Testing

/// `durable serve` takes the Redis password from a file or the environment, so it need not be on
/// a command line, and never prints it.
@Suite("durable serve: the Redis password from a file or the environment", .serialized, .timeLimit(.minutes(3)))
struct RedisPasswordTests {
    /// A password-protected redis-server, and a host that gets the password from a file (with the
    /// final newline `echo` writes) or from `DURABLE_REDIS_PASSWORD`, with and without a user in
    /// the URL: each host serves, runs an orchestration to completion, and prints no password.
    @Test func theHostServesWithThePasswordFromAFileOrTheEnvironment() async throws {
        let secret = "pw-\(UInt32.random(in: 0...UInt32.max))-s3cret"
        try await withRedisServer(RedisServer.Options(password: secret)) { redis in
            let directory = try makeTempDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let file = directory + "/redis-password"
            try Data((secret + "\n").utf8).write(to: URL(fileURLWithPath: file))
            let plain = "redis://127.0.0.1:\(redis.port)/0"
            let withUser = "redis://default@127.0.0.1:\(redis.port)/0"
            let setups: [(arguments: [String], environment: [String: String])] = [
                (["--redis", plain, "--redis-password-file", file], [:]),
                (["--redis", withUser], ["DURABLE_REDIS_PASSWORD": secret]),
                ([], ["DURABLE_REDIS_URL": plain, "DURABLE_REDIS_PASSWORD_FILE": file]),
            ]
            for (index, setup) in setups.enumerated() {
                let host = try await HostProcess.start(
                    ["serve", "--port", "0", "--task-hub", "pw\(index)", "--log-level", "debug"] + setup.arguments,
                    in: directory, environment: setup.environment)
                defer { host.kill9() }
                let port = try await host.waitForPort()
                let (status, body) = try await httpPost(
                    "http://127.0.0.1:\(port)/runtime/webhooks/durabletask/orchestrators/FunctionChaining?timeout=20&pollingInterval=1")
                #expect(status == 200, "setup \(index): \(status) \(body)")
                #expect(body == #"["Hello Tokyo!","Hello Seattle!","Hello London!"]"#, "setup \(index)")
                host.signal(SIGTERM)
                #expect(try await host.waitForExit() == 0, "setup \(index): \(host.printed)")
                #expect(!host.printed.contains(secret), "setup \(index) printed the password")
            }
        }
    }

    /// A wrong password ends the host with one line that says Redis refused it, and prints
    /// neither password.
    @Test func aWrongPasswordExitsWithOneLine() async throws {
        let secret = "pw-\(UInt32.random(in: 0...UInt32.max))-right"
        let wrong = "pw-\(UInt32.random(in: 0...UInt32.max))-wrong"
        try await withRedisServer(RedisServer.Options(password: secret)) { redis in
            let directory = try makeTempDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let file = directory + "/redis-password"
            try Data(wrong.utf8).write(to: URL(fileURLWithPath: file))
            for environment in [["DURABLE_REDIS_PASSWORD_FILE": file], ["DURABLE_REDIS_PASSWORD": wrong]] {
                let host = try await HostProcess.start(
                    ["serve", "--redis", redis.url, "--port", "0"], in: directory, environment: environment)
                defer { host.kill9() }
                #expect(try await host.waitForExit(timeout: .seconds(20)) == 1)
                let lines = host.printed.split(separator: "\n").filter { !$0.contains(" info ") && !$0.contains(" debug ") }
                #expect(lines.count == 1, "expected one line, got: \(host.printed)")
                let line = String(lines.first ?? "")
                #expect(line.hasPrefix("durable: error: cannot connect to Redis at \(redis.url)"), "got: \(line)")
                #expect(line.contains("WRONGPASS") && line.contains("the Redis password"), "got: \(line)")
                #expect(!host.printed.contains(wrong) && !host.printed.contains(secret), "got: \(host.printed)")
            }
        }
    }

    /// Bad password input ends the host at once with one line naming the problem; nothing crashes.
    @Test(arguments: [
        (["--redis-password-file", "{dir}/missing"], [:], "cannot use {dir}/missing as the secret for --redis-password-file: no such file"),
        (["--redis-password-file", "{dir}/empty"], [:], "{dir}/empty as the secret for --redis-password-file: it is empty"),
        (["--redis-password-file", "{dir}/newlines"], [:], "{dir}/newlines as the secret for --redis-password-file: it is empty"),
        (["--redis-password-file", "{dir}/two-lines"], [:], "it holds more than one line"),
        (["--redis-password-file", "{dir}/big"], [:], "it is larger than 4096 bytes"),
        (["--redis-password-file", "{dir}/binary"], [:], "it is not UTF-8 text"),
        (["--redis-password-file", "{dir}"], [:], "{dir} as the secret for --redis-password-file: it is not a regular file"),
        (["--redis-password-file", "/dev/zero"], [:], "it is not a regular file"),
        (["--redis-password-file", "{dir}/good"], ["DURABLE_REDIS_PASSWORD": "other"], "give the Redis password once"),
        (["--redis-password-file", "{dir}/good", "--redis", "redis://:inline@127.0.0.1:1/0"], [:], "has a password and one is given apart as well"),
        ([], ["DURABLE_REDIS_PASSWORD": "p"], "a Redis password needs --redis"),
    ] as [([String], [String: String], String)])
    func badPasswordInputExitsWithOneLine(flags: [String], environment: [String: String], expected: String) async throws {
        let directory = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files: [String: [UInt8]] = [
            "empty": [], "newlines": Array("\n\r\n".utf8), "two-lines": Array("one\ntwo\n".utf8),
            "big": Array(repeating: 0x61, count: 5000), "binary": [0xFF, 0xFE, 0x00], "good": Array("good-pw".utf8),
        ]
        for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name)) }
        let resolved = flags.map { $0.replacingOccurrences(of: "{dir}", with: directory) }
        let redis = resolved.contains("--redis") || environment["DURABLE_REDIS_PASSWORD"] == "p" ? [] : ["--redis", "redis://127.0.0.1:1/0"]
        let host = try await HostProcess.start(["serve", "--port", "0"] + redis + resolved, in: directory, environment: environment)
        defer { host.kill9() }
        #expect(try await host.waitForExit(timeout: .seconds(20)) == 1)
        let output = host.printed.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!output.contains("\n"), "expected one line, got: \(output)")
        #expect(output.hasPrefix("durable: error: "), "got: \(output)")
        #expect(output.contains(expected.replacingOccurrences(of: "{dir}", with: directory)), "got: \(output)")
        for secret in ["good-pw", "inline", "other"] { #expect(!output.contains(secret), "got: \(output)") }
    }
}
