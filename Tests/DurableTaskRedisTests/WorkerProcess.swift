import Foundation
import Synchronization

/// Runs `durable-test-worker` (built beside the test bundle) as a child process.
final class WorkerProcess: Sendable {
    private let process: Process
    private let output = Mutex<String>("")

    private init(process: Process) {
        self.process = process
    }

    static func start(url: String, hub: String, partitions: Int, leaseMs: Int) throws -> WorkerProcess {
        let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let binary = binDir.appendingPathComponent("durable-test-worker")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw WorkerProcessError(message: "\(binary.path) is missing: build it with `swift build --build-tests` (make test does)")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = [url, hub, String(partitions), String(leaseMs)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        let worker = WorkerProcess(process: process)
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { worker.output.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        }
        try process.run()
        return worker
    }

    /// Waits (bounded) until the child printed a line containing `text`.
    func waitForLine(_ text: String, timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if output.withLock({ $0.contains(text) }) { return }
            if !process.isRunning { throw WorkerProcessError(message: "worker exited before printing '\(text)'") }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw WorkerProcessError(message: "worker did not print '\(text)' within \(timeout)")
    }

    /// Kills the child with SIGKILL (by PID) and reaps it.
    func kill9() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

struct WorkerProcessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
