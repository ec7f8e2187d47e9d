internal import CSpawn
public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A child process started with `posix_spawn` and reaped by a thread of its own.
///
/// Why not Foundation's `Process`: on Linux it learns that a child ended when a socket the
/// child inherited reaches end-of-file, on one manager thread shared by every process, and
/// its `waitUntilExit()` spins a run loop on the calling thread. A child that exits while
/// another process still holds that socket stays "running" for ever, and a test that waits
/// for it on Swift's cooperative pool can starve the pool. Here:
/// - each child gets a reaper thread blocked in `waitid`, so ``isRunning`` turns false the
///   moment the kernel reports the exit, and ``wait()`` suspends without holding a thread;
/// - the child starts with every descriptor but 0, 1 and 2 closed, an empty signal mask
///   and default signal handlers, in a process group of its own (a terminal's Ctrl-C does
///   not reach it; its parent decides how it stops);
/// - ``signal(_:)`` never signals a PID that has been reaped (and so may be reused).
///
/// `@unchecked Sendable`: the mutable state lives in `state`, guarded by its lock.
public final class ChildProcess: @unchecked Sendable {
    /// How a child ended.
    public enum Status: Sendable, Equatable, CustomStringConvertible {
        /// It called `exit` with this code.
        case exited(Int32)
        /// A signal ended it.
        case signaled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): "exit code \(code)"
            case .signaled(let signal): "signal \(signal)"
            }
        }
    }

    /// Where the child's standard output and error go.
    public enum Output: Sendable {
        /// `/dev/null`.
        case discard
        /// The parent's own descriptors.
        case inherit
        /// A pipe the parent reads into ``output`` (stdout and stderr interleaved).
        case capture
    }

    /// Why a child could not be started.
    public struct SpawnError: Error, CustomStringConvertible {
        /// The executable.
        public let executable: String
        /// The `errno` value.
        public let code: Int32

        public var description: String {
            "cannot start \(executable): \(String(cString: strerror(code))) (errno \(code))"
        }
    }

    /// The child's process ID.
    public let pid: Int32
    private let state = NSCondition()
    private var status_: Status?
    /// Suspended ``wait()`` / ``waitUnlessCancelled()`` calls, by ticket.
    private var waiters: [UInt64: CheckedContinuation<Status?, Never>] = [:]
    private var nextTicket: UInt64 = 0
    /// Tickets whose wait was cancelled before it suspended.
    private var cancelledTickets: Set<UInt64> = []
    private var captured: [UInt8] = []
    /// False while a reader thread drains the output pipe.
    private var outputComplete = true

    private init(pid: Int32) {
        self.pid = pid
    }

    /// Starts `executable` with `arguments`.
    /// - Parameters:
    ///   - executable: Absolute path of the program.
    ///   - arguments: Its arguments (without the program name).
    ///   - environment: The child's environment; `nil` passes the parent's.
    ///   - directory: The child's working directory; `nil` keeps the parent's.
    ///   - output: Where stdout and stderr go.
    /// - Throws: ``SpawnError`` if the program cannot be started.
    public static func spawn(
        _ executable: String,
        arguments: [String],
        environment: [String: String]? = nil,
        directory: String? = nil,
        output: Output = .discard
    ) throws(SpawnError) -> ChildProcess {
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard null >= 0 else { throw SpawnError(executable: executable, code: errno) }
        defer { close(null) }
        var pipe: [Int32] = [-1, -1]
        if case .capture = output {
            let result = cspawn_pipe(&pipe)
            guard result == 0 else { throw SpawnError(executable: executable, code: result) }
        }
        let outputDescriptor: Int32 = switch output {
        case .discard: null
        case .inherit: -1
        case .capture: pipe[1]
        }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = argv.withUnsafeBufferPointer { argvBuffer in
            envp.withUnsafeBufferPointer { envpBuffer in
                let spawn = { (dir: UnsafePointer<CChar>?) in
                    cspawn_spawn(&pid, executable, argvBuffer.baseAddress, envpBuffer.baseAddress, dir,
                                 null, outputDescriptor, outputDescriptor)
                }
                return directory.map { $0.withCString(spawn) } ?? spawn(nil)
            }
        }
        if pipe[1] >= 0 { close(pipe[1]) }
        guard result == 0 else {
            if pipe[0] >= 0 { close(pipe[0]) }
            throw SpawnError(executable: executable, code: result)
        }
        let child = ChildProcess(pid: pid)
        if pipe[0] >= 0 {
            child.outputComplete = false
            child.startReading(pipe[0])
        }
        child.startReaping()
        return child
    }

    /// Whether the child has not been reaped yet.
    public var isRunning: Bool { currentStatus == nil }

    /// How the child ended, or `nil` while it runs.
    public var currentStatus: Status? {
        state.lock()
        defer { state.unlock() }
        return status_
    }

    /// What the child printed so far (with ``Output/capture``); once the child has ended,
    /// everything it printed.
    public var output: String {
        state.lock()
        defer { state.unlock() }
        return String(decoding: captured, as: UTF8.self)
    }

    /// Sends `signal` to the child if it has not been reaped (its PID is still its own).
    /// Returns whether the signal was sent.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        state.lock()
        defer { state.unlock() }
        guard status_ == nil else { return false }
        return kill(pid, signal) == 0
    }

    /// Suspends until the child has ended (without holding a thread). Task cancellation
    /// does not end the wait; see ``waitUnlessCancelled()``.
    public func wait() async -> Status {
        // Only a cancellation handler resumes with nil, and this wait installs none.
        await suspend(ticket: takeTicket())!
    }

    /// Suspends until the child has ended, or returns `nil` as soon as the calling task is
    /// cancelled (the child keeps running).
    public func waitUnlessCancelled() async -> Status? {
        let ticket = takeTicket()
        return await withTaskCancellationHandler {
            await suspend(ticket: ticket)
        } onCancel: {
            state.lock()
            let waiter = waiters.removeValue(forKey: ticket)
            if waiter == nil { cancelledTickets.insert(ticket) }
            state.unlock()
            waiter?.resume(returning: nil)
        }
    }

    private func takeTicket() -> UInt64 {
        state.lock()
        defer { state.unlock() }
        nextTicket += 1
        return nextTicket
    }

    private func suspend(ticket: UInt64) async -> Status? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Status?, Never>) in
            state.lock()
            if let status = status_ {
                state.unlock()
                continuation.resume(returning: status)
            } else if cancelledTickets.remove(ticket) != nil {
                state.unlock()
                continuation.resume(returning: nil)
            } else {
                waiters[ticket] = continuation
                state.unlock()
            }
        }
    }

    /// Suspends until the child ends or `timeout` passes; returns the status, or `nil` on
    /// timeout or cancellation (the child keeps running).
    public func wait(for timeout: Duration) async -> Status? {
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

    /// Blocks the calling thread until the child ends or `timeout` passes; returns the
    /// status, or `nil` on timeout. For synchronous cleanup paths (`defer`, `deinit`).
    public func wait(timeout: Duration) -> Status? {
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
        state.lock()
        defer { state.unlock() }
        while status_ == nil {
            if !state.wait(until: deadline) { break }
        }
        return status_
    }

    /// Like ``stop(signal:grace:)``, for synchronous paths (`defer`, `deinit`): waits up to
    /// 10 s more after the SIGKILL. Blocks the calling thread; returns `nil` only if even SIGKILL did not end it.
    @discardableResult
    public func stopBlocking(signal: Int32 = SIGTERM, grace: Duration = .seconds(5)) -> Status? {
        if let status = currentStatus { return status }
        self.signal(signal)
        if let status = wait(timeout: grace) { return status }
        self.signal(SIGKILL)
        return wait(timeout: .seconds(10))
    }

    /// Sends `signal`, waits up to `grace`, then SIGKILLs the child; suspends (holding no
    /// thread) until it has ended.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(5)) async -> Status {
        if let status = currentStatus { return status }
        self.signal(signal)
        if let status = await wait(for: grace) { return status }
        self.signal(SIGKILL)
        return await wait()
    }

    // MARK: - Threads

    private func startReaping() {
        let thread = Thread { [self] in
            // Wait without reaping, record the status under the lock, then reap: `signal`
            // (which takes the lock) can never hit a reused PID.
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
            var raw: Int32 = 0
            let code = info.si_code
            let value = info._sifields._sigchld.si_status
            let status: Status = code == Int32(CLD_EXITED) ? .exited(value) : .signaled(value)
            state.lock()
            // Let the reader take in what the child printed last (bounded: a descendant
            // that inherited the pipe may keep it open).
            let drained = Date().addingTimeInterval(2)
            while !outputComplete && state.wait(until: drained) {}
            status_ = status
            let resumed = Array(waiters.values)
            waiters = [:]
            state.broadcast()
            while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
            state.unlock()
            for waiter in resumed { waiter.resume(returning: status) }
        }
        thread.name = "reap-\(pid)"
        thread.start()
    }

    private func startReading(_ descriptor: Int32) {
        let thread = Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                state.lock()
                captured.append(contentsOf: chunk[..<count])
                state.unlock()
            }
            close(descriptor)
            state.lock()
            outputComplete = true
            state.broadcast()
            state.unlock()
        }
        thread.name = "read-\(pid)"
        thread.start()
    }
}
