public import Logging
public import ServiceLifecycle
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A redis-server that this process starts and owns: the host's embedded server (when no Redis
/// URL is configured) and the private servers of tests and benchmarks.
///
/// It owns finding the executable, the configuration, readiness, the log tail, a graceful stop
/// (`SHUTDOWN`, then SIGKILL) and cleaning up what an earlier owner left behind:
/// - ``start(_:logger:)`` launches it, waits until it answers `PING`, and checks the server that
///   answers is the one it started (`INFO server` `process_id` is the child's PID and
///   `CONFIG GET dir` its directory). A TCP port taken between choosing and binding it is
///   retried with another port.
/// - As a `Service`, ``run()`` supervises it: if redis-server dies it is started again on the
///   same data; on graceful shutdown it is stopped with `SHUTDOWN`, so Redis flushes its AOF.
/// - It talks to the server with the project's own client (`RedisConnection`).
///
/// Always stop it: ``shutDown()`` (graceful) or ``stopNow()`` (for `defer`). It is SIGKILLed if
/// the object is deallocated while the server runs.
public final class RedisServer: Service, Sendable {
    /// Path of the `redis-server` binary in use.
    public let executable: String
    /// The server's working directory (`--dir`).
    public let directory: String
    /// The TCP port on 127.0.0.1, or `nil` if the server listens only on its unix socket.
    public let tcpPort: Int?
    /// The unix socket path, if ``Options/unixSocket`` was set.
    public let unixSocketPath: String?
    /// The options used to start the server.
    public let options: Options
    let logger: Logger
    /// Held while the server uses a directory it was given.
    let lock: DirectoryLock?
    let process = Mutex<ChildProcess?>(nil)

    /// The TCP port (0 if the server has none).
    public var port: Int { tcpPort ?? 0 }

    /// `redis://127.0.0.1:<port>`, or the unix socket's URL when the server has no TCP port.
    public var url: String { tcpPort.map { "redis://127.0.0.1:\($0)" } ?? unixSocketURL ?? "" }

    /// `unix://<directory>/redis.sock`, if the server listens on a unix socket.
    public var unixSocketURL: String? { unixSocketPath.map { "unix://\($0)" } }

    /// The PID of the running server, or `nil` once stopped.
    public var pid: Int32? { process.withLock { $0.flatMap { $0.isRunning ? $0.pid : nil } } }

    /// Path of the server log file.
    public var logPath: String { directory + "/redis.log" }

    init(executable: String, directory: String, tcpPort: Int?, options: Options, lock: DirectoryLock?, logger: Logger) {
        self.executable = executable
        self.directory = directory
        self.tcpPort = tcpPort
        self.unixSocketPath = options.unixSocket ? directory + "/redis.sock" : nil
        self.options = options
        self.lock = lock
        self.logger = logger
    }

    deinit {
        process.withLock { $0 }?.signal(SIGKILL)
    }

    /// Starts a server and waits until it answers `PING`.
    /// - Throws: ``RedisServerError``; if `redis-server` is missing, its message says
    ///   `redis-server not found: install it with 'apt-get install -y redis-server'`.
    public static func start(_ options: Options = Options(), logger: Logger) async throws(RedisServerError) -> RedisServer {
        // Every Redis connection holds a descriptor: lift the soft limit (often 1,024).
        OpenFileLimit.raiseToHardLimit()
        guard options.tcp || options.unixSocket else {
            throw RedisServerError(.startFailed, "a redis-server needs a TCP port or a unix socket")
        }
        let executable = try findExecutable()
        let lock = try options.directory.map { (directory) throws(RedisServerError) in try DirectoryLock(directory) }
        var lastError = RedisServerError(.startFailed, "could not start redis-server")
        for _ in 0..<5 {
            let directory = if let lock { lock.path } else { try makeTemporaryDirectory() }
            let tcpPort = options.tcp ? try freePort() : nil
            let server = RedisServer(
                executable: executable, directory: directory, tcpPort: tcpPort, options: options, lock: lock, logger: logger)
            if lock != nil { await server.stopLeftoverServer() }
            do {
                try await server.launch()
                return server
            } catch {
                lastError = error
                await server.shutDown()
                // A port taken between probing and binding (by another process, or by a server
                // that got there first): retry with a new one. Ours is stopped; theirs is untouched.
                guard error.portTaken else { throw error }
            }
        }
        throw lastError
    }

    /// Supervises the server until graceful shutdown or cancellation, then stops it gracefully.
    public func run() async throws {
        // The host's ServiceGroup shuts its services down in reverse order, so this one (listed
        // first) stops last, after the worker has committed or released its work.
        try? await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                var status = "unknown"
                if let child = self.process.withLock({ $0 }) {
                    guard let ended = await child.waitUnlessCancelled() else { break }
                    status = "\(ended)"
                }
                if Task.isCancelled { break }
                failures += 1
                self.logger.error("redis-server exited; restarting", metadata: [LogKeys.status: "\(status)", LogKeys.restarts: "\(failures)"])
                try? await Task.sleep(for: .milliseconds(min(5_000, 100 * (1 << min(failures, 6)))))
                if Task.isCancelled { break }
                do { try await self.launch() } catch {
                    self.logger.error("redis-server failed to restart", metadata: [LogKeys.error: "\(error)"])
                }
            }
        }
        await shutDown()
    }

    /// Stops the server gracefully: `SHUTDOWN` (Redis flushes its AOF and exits), then SIGKILL
    /// after ``Options/shutdownGrace``. Removes a temporary directory. Safe to call more than once.
    public func shutDown() async {
        if let child = process.withLock({ $0 }), child.isRunning {
            if await !sendShutdown() { child.signal(SIGTERM) }
            if await child.wait(for: options.shutdownGrace) == nil {
                logger.warning("redis-server did not exit after SHUTDOWN; killing it", metadata: [LogKeys.pid: "\(child.pid)"])
                await child.stop(signal: SIGKILL, grace: .seconds(10))
            }
        }
        process.withLock { $0 = nil }
        lock?.release()
        removeTemporaryDirectory()
    }

    /// Kills the server with SIGKILL (no shutdown, no final AOF fsync) and waits until it has
    /// exited. The directory is kept, so ``restart()`` can start it again on the same data.
    public func kill9() async {
        guard let child = process.withLock({ $0 }) else { return }
        await child.stop(signal: SIGKILL)
    }

    /// For `defer` and other synchronous paths: SIGKILLs the server (by PID) without waiting,
    /// and removes a temporary directory.
    public func stopNow() {
        process.withLock { $0 }?.signal(SIGKILL)
        removeTemporaryDirectory()
    }

    /// Stops the server gracefully if it runs, then starts it again with the same directory,
    /// port and options (the AOF, if enabled, is replayed).
    public func restart() async throws(RedisServerError) {
        try lock?.acquire()
        if let child = process.withLock({ $0 }), child.isRunning {
            if await !sendShutdown() { child.signal(SIGTERM) }
            await child.stop(signal: SIGKILL, grace: options.shutdownGrace)
        }
        var lastError = RedisServerError(.startFailed, "could not restart redis-server")
        // The port is ours but may still be held briefly by the old process' socket.
        for _ in 0..<20 {
            do {
                try await launch()
                return
            } catch {
                lastError = error
                guard error.portTaken else { throw error }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        throw lastError
    }

    /// The end of the server's log, for error messages.
    public func logTail(lines: Int = 8) -> String {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    private func removeTemporaryDirectory() {
        if lock == nil { try? FileManager.default.removeItem(atPath: directory) }
    }
}
