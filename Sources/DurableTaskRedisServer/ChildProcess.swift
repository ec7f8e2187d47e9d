import Foundation
import Subprocess
import Synchronization
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A child process started with swift-subprocess that outlives the call that started it: the
/// redis-servers, hosts and workers that the host and the tests run.
///
/// Subprocess does the hard parts: the child gets no descriptor but 0, 1 and 2, an empty signal
/// mask and default signal handlers, and is watched through a pidfd, so its exit is seen the
/// moment the kernel reports it without a thread per child. Here it is started in a process group
/// of its own (a terminal's Ctrl-C does not reach it; its parent decides how it stops).
///
/// What this type adds, and why: Subprocess scopes a process to one `run { execution in … }` call,
/// while a server must be started in one place and stopped in another. So `run` goes on in a task
/// of its own; its body hands the `Execution` out while it reads the child's combined output, and
/// ``signal(_:)`` goes through that execution (a pidfd, never a reused PID). If the child closes
/// its output before it exits, signals fall back to `kill(pid)` until the exit is recorded, which
/// happens right after Subprocess reaps it.
///
/// All mutable state lives in `state`, behind a mutex.
package final class ChildProcess: Sendable {
    /// How a child ended.
    package enum Status: Sendable, Equatable, CustomStringConvertible {
        /// It called `exit` with this code.
        case exited(Int32)
        /// A signal ended it.
        case signaled(Int32)

        package var description: String {
            switch self {
            case .exited(let code): "exit code \(code)"
            case .signaled(let signal): "signal \(signal)"
            }
        }
    }

    /// What becomes of the child's standard output and error.
    package enum Output: Sendable {
        /// Read and dropped.
        case discard
        /// Kept; ``output`` returns it (stdout and stderr interleaved).
        case capture
    }

    /// Why a child could not be started.
    package struct SpawnError: Error, CustomStringConvertible {
        /// The executable.
        package let executable: String
        /// What went wrong.
        package let reason: String

        package var description: String { "cannot start \(executable): \(reason)" }
    }

    private struct State {
        var status: Status?
        var output: [UInt8] = []
        /// Sends a signal through the running `Execution`, while its body runs.
        var sendSignal: (@Sendable (Int32) -> Bool)?
        var waiters: [UInt64: CheckedContinuation<Status?, Never>] = [:]
        var nextTicket: UInt64 = 0
        /// Tickets whose wait was cancelled before it suspended.
        var cancelledTickets: Set<UInt64> = []
    }

    /// The child's process ID.
    package let pid: Int32
    private let keepsOutput: Bool
    private let state = Mutex(State())

    private init(pid: Int32, keepsOutput: Bool) {
        self.pid = pid
        self.keepsOutput = keepsOutput
    }

    /// Starts `executable` with `arguments`.
    /// - Parameters:
    ///   - executable: Absolute path of the program.
    ///   - arguments: Its arguments (without the program name).
    ///   - environment: The child's environment; `nil` passes the parent's.
    ///   - directory: The child's working directory; `nil` keeps the parent's.
    ///   - output: Whether its output is kept.
    /// - Throws: ``SpawnError`` if the program cannot be started.
    package static func start(
        _ executable: String, arguments: [String], environment: [String: String]? = nil,
        directory: String? = nil, output: Output = .discard
    ) async throws(SpawnError) -> ChildProcess {
        var options = PlatformOptions()
        options.processGroupID = 0
        let configuration = Subprocess.Configuration(
            executable: .path(FilePath(executable)), arguments: Arguments(arguments),
            environment: environment.map { .custom(Dictionary(uniqueKeysWithValues: $0.map { (Environment.Key(stringLiteral: $0.key), $0.value) })) }
                ?? .inherit,
            workingDirectory: directory.map { FilePath($0) }, platformOptions: options)
        let handoff = Handoff()
        do {
            return try await withCheckedThrowingContinuation { continuation in
                handoff.started.withLock { $0 = continuation }
                Task {
                    do {
                        let result = try await Subprocess.run(
                            configuration, input: .none, output: .sequence, error: .combinedWithOutput
                        ) { execution in
                            let child = ChildProcess(pid: execution.processIdentifier.value, keepsOutput: output == .capture)
                            child.state.withLock { state in
                                state.sendSignal = { signal in (try? execution.send(signal: Signal(rawValue: signal))) != nil }
                            }
                            handoff.spawned.withLock { $0 = child }
                            handoff.started.withLock { $0.take() }?.resume(returning: child)
                            do {
                                for try await chunk in execution.standardOutput { child.take(chunk) }
                            } catch {}
                            child.state.withLock { $0.sendSignal = nil }
                            return child
                        }
                        let status: Status = switch result.terminationStatus {
                        case .exited(let code): .exited(code)
                        case .signaled(let signal): .signaled(signal)
                        }
                        result.closureResult.finish(status)
                    } catch {
                        handoff.started.withLock { $0.take() }?.resume(throwing: error)
                        // Subprocess lost track of a child it started (it could not watch or reap
                        // it): its waiters must not hang. -1 is no exit code a process can have.
                        handoff.spawned.withLock { $0 }?.finish(.exited(-1))
                    }
                }
            }
        } catch {
            throw SpawnError(executable: executable, reason: "\(error)")
        }
    }

    /// Whether the child has not been reaped yet.
    package var isRunning: Bool { currentStatus == nil }

    /// How the child ended, or `nil` while it runs.
    package var currentStatus: Status? { state.withLock { $0.status } }

    /// What the child printed so far (with ``Output/capture``).
    package var output: String { state.withLock { String(decoding: $0.output, as: UTF8.self) } }

    /// Sends `signal` to the child unless it has been reaped. Returns whether it was sent.
    @discardableResult
    package func signal(_ signal: Int32) -> Bool {
        state.withLock { state in
            guard state.status == nil else { return false }
            if let send = state.sendSignal { return send(signal) }
            return kill(pid, signal) == 0
        }
    }

    /// Suspends until the child has ended. Task cancellation does not end the wait.
    package func wait() async -> Status {
        // Only a cancellation handler resumes with nil, and this wait installs none; should one
        // ever come, wait again rather than trap.
        while true {
            if let status = await suspend(ticket: takeTicket()) { return status }
        }
    }

    /// Suspends until the child has ended, or returns `nil` as soon as the calling task is
    /// cancelled (the child keeps running).
    package func waitUnlessCancelled() async -> Status? {
        let ticket = takeTicket()
        return await withTaskCancellationHandler {
            await suspend(ticket: ticket)
        } onCancel: {
            let waiter = state.withLock { state in
                let waiter = state.waiters.removeValue(forKey: ticket)
                if waiter == nil { state.cancelledTickets.insert(ticket) }
                return waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Suspends until the child ends or `timeout` passes; returns the status, or `nil` on
    /// timeout or cancellation (the child keeps running).
    package func wait(for timeout: Duration) async -> Status? {
        let first = await withTaskGroup(of: Status?.self) { group in
            group.addTask { await self.waitUnlessCancelled() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        return first ?? currentStatus
    }

    /// Sends `signal`, waits up to `grace`, then SIGKILLs the child; suspends until it has ended.
    @discardableResult
    package func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(5)) async -> Status {
        if let status = currentStatus { return status }
        self.signal(signal)
        if let status = await wait(for: grace) { return status }
        self.signal(SIGKILL)
        return await wait()
    }

    // MARK: - Inside

    /// Between ``start(_:arguments:environment:directory:output:)`` and the task that runs the child.
    private final class Handoff: Sendable {
        /// Resumed once: with the child when it runs, or with the error if it cannot start.
        let started = Mutex<CheckedContinuation<ChildProcess, any Error>?>(nil)
        /// The child once it runs.
        let spawned = Mutex<ChildProcess?>(nil)
    }

    private func take(_ chunk: SubprocessOutputSequence.Buffer) {
        guard keepsOutput else { return }
        chunk.withUnsafeBytes { bytes in
            state.withLock { $0.output.append(contentsOf: bytes) }
        }
    }

    private func finish(_ status: Status) {
        let waiters = state.withLock { state in
            state.status = status
            state.sendSignal = nil
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    private func takeTicket() -> UInt64 {
        state.withLock { state in
            state.nextTicket += 1
            return state.nextTicket
        }
    }

    private func suspend(ticket: UInt64) async -> Status? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Status?, Never>) in
            let resumeWith: Status?? = state.withLock { state in
                if let status = state.status { return .some(status) }
                if state.cancelledTickets.remove(ticket) != nil { return .some(nil) }
                state.waiters[ticket] = continuation
                return .none
            }
            if case .some(let status) = resumeWith { continuation.resume(returning: status) }
        }
    }
}
