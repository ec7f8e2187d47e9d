package import DurableTaskRedisServer
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs `durable-test-worker` (built beside the test bundle) as a child process.
public final class WorkerProcess: Sendable {
    private let process: ChildProcess

    private init(process: ChildProcess) {
        self.process = process
    }

    /// Starts `durable-test-worker <url> <hub> <partitions> <leaseMs>`.
    public static func start(
        url: String, hub: String, partitions: Int, leaseMs: Int, environment: [String: String] = [:]
    ) async throws -> WorkerProcess {
        try await start(arguments: [url, hub, String(partitions), String(leaseMs)], environment: environment)
    }

    /// Starts `durable-test-worker <arguments>`.
    /// `environment` is added to this process' environment.
    public static func start(arguments: [String], environment: [String: String] = [:]) async throws -> WorkerProcess {
        let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let binary = binDir.appendingPathComponent("durable-test-worker")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw WorkerProcessError(message: "\(binary.path) is missing: build it with `swift build --build-tests` (make test does)")
        }
        return WorkerProcess(process: try await ChildProcess.start(
            binary.path, arguments: arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, output: .capture))
    }

    /// Waits for the child to end; returns how it ended and everything it printed.
    package func finish() async -> (status: ChildProcess.Status, output: String) {
        let status = await process.wait()
        return (status, process.output)
    }

    /// Waits (bounded) until the child printed a line containing `text`.
    public func waitForLine(_ text: String, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if process.output.contains(text) { return }
            if let status = process.currentStatus {
                throw WorkerProcessError(message: "worker exited (\(status)) before printing '\(text)': \(process.output)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw WorkerProcessError(message: "worker did not print '\(text)' within \(timeout)")
    }

    /// The child's process ID.
    public var pid: Int32 { process.pid }

    /// Whether the child has exited.
    public var hasExited: Bool { process.currentStatus != nil }

    /// Kills the child with SIGKILL (by PID) and waits until it has exited.
    public func kill9() async {
        await process.stop(signal: SIGKILL)
    }

    /// For `defer`: SIGKILLs the child (by PID) without waiting.
    public func killNow() {
        process.signal(SIGKILL)
    }

    /// Sends `signal` (e.g. SIGSTOP, SIGCONT) to the child by PID; false if it has exited.
    @discardableResult
    public func send(_ signal: Int32) -> Bool {
        process.signal(signal)
    }
}

/// A test worker that could not be started or did not behave.
public struct WorkerProcessError: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The message.
    public var description: String { message }
}
