import AsyncHTTPClient
import DurableTaskRedisServer
import Foundation
import NIOCore
import NIOHTTP1

/// Runs the `durable` executable (built beside the test bundle) as a child process and
/// collects what it prints. Stopped by PID.
final class HostProcess: Sendable {
    private let process: ChildProcess

    private init(process: ChildProcess) {
        self.process = process
    }

    /// The `durable` binary next to the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("durable")
    }

    /// Starts `durable <arguments>` in `directory`.
    static func start(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) async throws -> HostProcess {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw HostProcessError(message: "\(binary.path) is missing: build it with `swift build --build-tests` (make test does)")
        }
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DURABLE_") }
        // No gRPC sidecar unless a test asks for one: its default port (4001) is not ours to take.
        env["DURABLE_GRPC_PORT"] = "0"
        env.merge(environment) { $1 }
        return HostProcess(process: try await ChildProcess.start(
            binary.path, arguments: arguments, environment: env, directory: directory, output: .capture))
    }

    /// Everything printed so far (stdout and stderr).
    var printed: String { process.output }

    /// The PID.
    var pid: Int32 { process.pid }

    /// Whether the process has not exited (nor been killed) yet.
    var isRunning: Bool { process.isRunning }

    /// Waits (bounded) until the child printed a line containing `text`; returns that line.
    @discardableResult
    func waitForLine(containing text: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = printed.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if let status = process.currentStatus {
                throw HostProcessError(message: "durable exited (\(status)) before printing '\(text)': \(printed)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HostProcessError(message: "durable did not print '\(text)' within \(timeout): \(printed)")
    }

    /// The API port from the "durable host ready" line.
    func waitForPort(timeout: Duration = .seconds(60)) async throws -> Int {
        let line = try await waitForLine(containing: "durable host ready", timeout: timeout)
        guard let range = line.range(of: #"127\.0\.0\.1:(\d+)/"#, options: .regularExpression) else {
            throw HostProcessError(message: "no port in: \(line)")
        }
        let text = line[range].dropFirst("127.0.0.1:".count).dropLast()
        return Int(text)!
    }

    /// Sends a signal by PID.
    func signal(_ signal: Int32) {
        process.signal(signal)
    }

    /// Waits (bounded) for the process to exit and returns its exit code (or the number of
    /// the signal that ended it); SIGKILLs it on timeout.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        guard let status = await process.wait(for: timeout) else {
            await process.stop(signal: SIGKILL)
            throw HostProcessError(message: "durable did not exit within \(timeout): \(printed)")
        }
        switch status {
        case .exited(let code): return code
        case .signaled(let signal): return signal
        }
    }

    /// SIGKILLs the child if it still runs, without waiting (for `defer`).
    func kill9() {
        process.signal(SIGKILL)
    }

    /// SIGKILLs the child and waits until it has exited.
    func killAndWait() async {
        await process.stop(signal: SIGKILL)
    }
}

struct HostProcessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A fresh temp directory for a test, removed by the caller.
func makeTempDirectory() throws -> String {
    let path = "/tmp/dthost-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    return path
}

/// POSTs with AsyncHTTPClient and returns the status and body.
func httpPost(_ url: String) async throws -> (Int, String) {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        try await client.shutdown()
        return (Int(response.status.code), String(buffer: body))
    } catch {
        try? await client.shutdown()
        throw error
    }
}
