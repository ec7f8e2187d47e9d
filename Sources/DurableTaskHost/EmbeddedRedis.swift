import ChildProcesses
public import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The host's own redis-server, used when no Redis URL is configured: data in a directory
/// (`./.durable/` by default) with AOF on, reachable only through a unix socket in it.
///
/// ``start(directory:logger:)`` launches it and waits until it accepts connections. As a
/// `Service`, it supervises the process: if redis-server dies, it is started again on the same
/// data. On graceful shutdown it sends `SHUTDOWN`, so Redis flushes its AOF, and waits for it to exit.
///
/// One host at a time may use a directory: the host holds an exclusive `flock` on `host.lock`
/// there. A redis-server left behind by a host that was killed (its PID is in `redis.pid`) is
/// stopped before a new one starts.
///
/// `@unchecked Sendable`: the mutable `process` is guarded by `state`'s mutex.
public final class EmbeddedRedis: Service, @unchecked Sendable {
    /// The absolute data directory.
    public let directory: String
    /// `unix://<directory>/redis.sock`.
    public var url: String { "unix://" + socketPath }
    /// The unix socket path.
    public let socketPath: String
    private let executable: String
    private let logger: Logger
    private let lockDescriptor: Int32
    private let state = Mutex<ChildProcess?>(nil)

    private init(directory: String, executable: String, lockDescriptor: Int32, logger: Logger) {
        self.directory = directory
        self.socketPath = directory + "/redis.sock"
        self.executable = executable
        self.lockDescriptor = lockDescriptor
        self.logger = logger
    }

    deinit {
        close(lockDescriptor)
    }

    /// Creates the directory if needed, takes its lock, starts redis-server and waits until it answers.
    /// - Throws: ``HostError`` (`embeddedRedisFailed`) with a message that says what to fix.
    public static func start(directory: String, logger: Logger) async throws -> EmbeddedRedis {
        let executable = try findExecutable()
        let path = URL(fileURLWithPath: directory).standardizedFileURL.path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw HostError(.embeddedRedisFailed, "cannot create the data directory \(path): \(error.localizedDescription)")
        }
        guard (path + "/redis.sock").utf8.count < 100 else {
            throw HostError(.embeddedRedisFailed, "the data directory path \(path) is too long for a unix socket; use a shorter --data-dir")
        }
        let fd = open(path + "/host.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HostError(.embeddedRedisFailed, "cannot open \(path)/host.lock: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw HostError(.embeddedRedisFailed, "another durable host is using \(path); stop it or pass another --data-dir")
        }
        let redis = EmbeddedRedis(directory: path, executable: executable, lockDescriptor: fd, logger: logger)
        redis.stopLeftoverServer()
        try await redis.launch()
        return redis
    }

    /// Supervises the server until graceful shutdown or cancellation, then stops it.
    public func run() async throws {
        await withGracefulShutdownHandler {
            var failures = 0
            while !(Task.isCancelled || Task.isShuttingDownGracefully) {
                var status = "unknown"
                if let process = state.withLock({ $0 }) {
                    guard let ended = await process.waitUnlessCancelled() else { break }
                    status = "\(ended)"
                }
                if (Task.isCancelled || Task.isShuttingDownGracefully) { break }
                failures += 1
                logger.error("embedded redis-server exited; restarting", metadata: ["status": "\(status)", "restarts": "\(failures)"])
                try? await Task.sleep(for: .milliseconds(min(5_000, 100 * (1 << min(failures, 6)))))
                do { try await launch() } catch {
                    logger.error("embedded redis-server failed to restart", metadata: ["error": "\(error)"])
                }
            }
        } onGracefulShutdown: {
            self.stop()
        }
        stop()
    }

    /// Sends `SHUTDOWN` (Redis flushes its AOF and exits) and waits up to 10 seconds for the
    /// server to exit, then SIGKILLs it.
    public func stop() {
        guard let process = state.withLock({ p -> ChildProcess? in defer { p = nil }; return p }) else { return }
        guard process.isRunning else { return }
        _ = Self.command("SHUTDOWN", socket: socketPath)
        if process.wait(timeout: .seconds(10)) == nil {
            logger.warning("embedded redis-server did not exit after SHUTDOWN; killing it", metadata: ["pid": "\(process.pid)"])
            process.stopBlocking(signal: SIGKILL, grace: .seconds(10))
        }
    }

    private func launch() async throws {
        try? FileManager.default.removeItem(atPath: socketPath)
        let arguments = [
            "--port", "0", "--unixsocket", socketPath, "--unixsocketperm", "700",
            "--dir", directory, "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
            "--pidfile", directory + "/redis.pid", "--logfile", directory + "/redis.log", "--daemonize", "no",
        ]
        let process: ChildProcess
        do {
            process = try ChildProcess.spawn(executable, arguments: arguments, directory: directory)
        } catch {
            throw HostError(.embeddedRedisFailed, "\(error)")
        }
        state.withLock { $0 = process }
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let status = process.currentStatus {
                throw HostError(.embeddedRedisFailed, "redis-server exited at startup (\(status)); see \(directory)/redis.log: \(logTail())")
            }
            if Self.command("PING", socket: socketPath) == "+PONG" {
                logger.info("embedded redis-server started", metadata: ["pid": "\(process.pid)", "socket": "\(socketPath)"])
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        stop()
        throw HostError(.embeddedRedisFailed, "redis-server did not start within 20 seconds; see \(directory)/redis.log")
    }

    /// Stops a redis-server recorded in `redis.pid` that outlived the host that started it.
    /// Holding the directory lock proves no other host owns it.
    private func stopLeftoverServer() {
        guard let text = try? String(contentsOfFile: directory + "/redis.pid", encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1,
            let cmdline = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
            cmdline.contains("redis-server"), cmdline.contains(directory)
        else { return }
        logger.warning("stopping a redis-server left behind by an earlier host", metadata: ["pid": "\(pid)"])
        _ = Self.command("SHUTDOWN", socket: socketPath)
        for _ in 0..<1000 where kill(pid, 0) == 0 { usleep(10_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }

    private func logTail() -> String {
        let text = (try? String(contentsOfFile: directory + "/redis.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(3).joined(separator: " | ")
    }

    /// Sends one inline command over the unix socket and returns the first line of the reply
    /// (`nil` if the server cannot be reached or closes the connection, as `SHUTDOWN` does).
    private static func command(_ text: String, socket path: String) -> String? {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in path.utf8.enumerated() where i < buffer.count - 1 { buffer[i] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { return nil }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array((text + "\r\n").utf8)
        guard write(fd, request, request.count) == request.count else { return nil }
        var reply = [UInt8](repeating: 0, count: 256)
        let n = read(fd, &reply, reply.count)
        guard n > 0 else { return nil }
        return String(decoding: reply[0..<n], as: UTF8.self).split(separator: "\r\n").first.map(String.init)
    }

    private static func findExecutable() throws -> String {
        var candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/redis-server" }
        candidates += ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        throw HostError(.embeddedRedisFailed, "redis-server not found: install it with 'apt-get install -y redis-server', or pass --redis <url>")
    }
}
