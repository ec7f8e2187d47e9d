import DurableTaskRedisClient
import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension RedisServer {
    var arguments: [String] {
        var arguments = [
            "--port", String(tcpPort ?? 0),
            "--bind", "127.0.0.1",
            "--dir", directory,
            "--save", "",
            "--daemonize", "no",
            "--logfile", logPath,
            "--pidfile", directory + "/redis.pid",
            "--protected-mode", "yes",
        ]
        if let unixSocketPath {
            arguments += ["--unixsocket", unixSocketPath, "--unixsocketperm", "700"]
        }
        if options.appendOnly {
            arguments += ["--appendonly", "yes", "--appendfsync", options.fsyncAlways ? "always" : "everysec"]
        }
        if let password = options.password {
            arguments += ["--requirepass", password]
        }
        return arguments + options.extraArguments
    }

    /// Starts the process and waits until the server answers as ours.
    func launch() async throws(RedisServerError) {
        if let unixSocketPath { try? FileManager.default.removeItem(atPath: unixSocketPath) }
        let child: ChildProcess
        do {
            child = try await ChildProcess.start(executable, arguments: arguments, directory: directory)
        } catch {
            throw RedisServerError(.startFailed, error.description)
        }
        process.withLock { $0 = child }

        let deadline = ContinuousClock.now + options.startTimeout
        var lastProbeError = ""
        while ContinuousClock.now < deadline {
            if let status = child.currentStatus {
                let log = logTail()
                throw RedisServerError(
                    .startFailed, "redis-server exited during startup (\(status)); see \(logPath): \(log)",
                    portTaken: log.contains("Address already in use"))
            }
            do {
                try await verify(pid: child.pid)
                logger.debug("redis-server started", metadata: [LogKeys.pid: "\(child.pid)", LogKeys.url: "\(url)"])
                return
            } catch let error as RedisServerError {
                await child.stop(signal: SIGKILL)
                throw error
            } catch {
                lastProbeError = "\(error)"
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        await child.stop(signal: SIGKILL)
        throw RedisServerError(
            .startFailed, "redis-server did not answer PING within \(options.startTimeout) (\(lastProbeError)); see \(logPath): \(logTail())")
    }

    /// A connection to the server as its owner reaches it: TCP if it has a port, else the socket.
    func connect(_ endpoint: RedisURL.Endpoint? = nil, quiet: Bool = false) async throws -> RedisConnection {
        let endpoint = endpoint ?? tcpPort.map { .tcp(host: "127.0.0.1", port: $0) } ?? .unixSocket(path: unixSocketPath ?? "")
        let configuration = RedisConfiguration(
            url: RedisURL(endpoint: endpoint, password: options.password), connectTimeout: .seconds(1),
            readTimeout: .seconds(2), reconnectGiveUpAfter: .zero)
        var logger = logger
        // A connection that SHUTDOWN closes under its request: that is the expected answer.
        if quiet { logger.logLevel = max(logger.logLevel, .error) }
        return try await RedisConnection.connect(configuration: configuration, logger: logger, name: "redis-probe")
    }

    /// PINGs the server and checks it is the process we started, in our directory. Throws
    /// ``RedisServerError`` when another server answers; any other error means "not yet".
    func verify(pid: Int32) async throws {
        let connection: RedisConnection
        do {
            connection = try await connect()
        } catch let error as RedisError where error.code == .authenticationFailed {
            throw RedisServerError(.startFailed, "the redis-server on port \(port) rejected our password", portTaken: true)
        }
        defer { Task { await connection.close() } }
        guard try await connection.send(["PING"]).string == "PONG" else {
            throw RedisServerError(.startFailed, "unexpected PING reply")
        }
        let info = try await connection.send(["INFO", "server"]).string ?? ""
        let processLine = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("process_id:") }
        guard processLine == "process_id:\(pid)" else {
            throw RedisServerError(
                .startFailed, "port \(port) is served by another redis-server (\(processLine ?? "no process_id")), not PID \(pid)",
                portTaken: true)
        }
        let expected = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        guard case .array(let pair) = try await connection.send(["CONFIG", "GET", "dir"]), pair.count == 2,
              let dir = pair[1].string, URL(fileURLWithPath: dir).resolvingSymlinksInPath().path == expected
        else {
            throw RedisServerError(.startFailed, "the redis-server on port \(port) does not use the directory \(directory)")
        }
        if tcpPort != nil, let unixSocketPath {
            let viaSocket = try await connect(.unixSocket(path: unixSocketPath))
            defer { Task { await viaSocket.close() } }
            guard try await viaSocket.send(["PING"]).string == "PONG" else {
                throw RedisServerError(.startFailed, "the unix socket does not answer PING")
            }
        }
    }

    /// Sends `SHUTDOWN`; returns whether the server could be asked (it closes the connection
    /// instead of replying, so an error after sending is the expected answer).
    func sendShutdown() async -> Bool {
        guard let connection = try? await connect(quiet: true) else { return false }
        _ = try? await connection.send(["SHUTDOWN"])
        await connection.close()
        return true
    }

    /// Stops a redis-server recorded in `redis.pid` that outlived the process that started it,
    /// so two servers never share the data. Holding the directory lock proves no live owner has it.
    func stopLeftoverServer() async {
        guard let text = try? String(contentsOfFile: directory + "/redis.pid", encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1,
            let cmdline = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
            cmdline.contains("redis-server"), cmdline.contains(directory)
        else { return }
        logger.warning("stopping a redis-server left behind by an earlier owner", metadata: [LogKeys.pid: "\(pid)"])
        if await !sendShutdown() { kill(pid, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(10)
        while kill(pid, 0) == 0 && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }

    // MARK: - Finding things

    static let notFoundMessage = "redis-server not found: install it with 'apt-get install -y redis-server'"

    static func findExecutable() throws(RedisServerError) -> String {
        var candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/redis-server" }
        candidates += ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        throw RedisServerError(.executableNotFound, notFoundMessage)
    }

    /// A fresh private directory whose path is short enough for a unix socket.
    static func makeTemporaryDirectory() throws(RedisServerError) -> String {
        var base = NSTemporaryDirectory()
        if base.hasSuffix("/") { base.removeLast() }
        if base.utf8.count > 60 { base = "/tmp" }
        let path = base + "/dtredis-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw RedisServerError(.directoryUnusable, "cannot create \(path): \(error.localizedDescription)")
        }
        return path
    }

    /// Ports this process has handed out, never handed out twice: the kernel may offer a port
    /// again once the probe closed it, before the first server has bound it.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A free port on 127.0.0.1 that no other server of this process was given.
    static func freePort() throws(RedisServerError) -> Int {
        for _ in 0..<50 {
            let port: Int
            do { port = try PortProbe.freeLoopbackPort() } catch {
                throw RedisServerError(.startFailed, "could not find a free port: \(error)")
            }
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw RedisServerError(.startFailed, "could not find a free port not already handed out")
    }
}

/// An exclusive `flock` on `host.lock` in a data directory: taken when the server is created,
/// released when it is shut down (or this object goes).
final class DirectoryLock: Sendable {
    /// The absolute directory.
    let path: String
    private let descriptor = Mutex<Int32?>(nil)

    init(_ directory: String) throws(RedisServerError) {
        path = URL(fileURLWithPath: directory).standardizedFileURL.path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw RedisServerError(.directoryUnusable, "cannot create the data directory \(path): \(error.localizedDescription)")
        }
        guard (path + "/redis.sock").utf8.count < 100 else {
            throw RedisServerError(.directoryUnusable, "the data directory path \(path) is too long for a unix socket; use a shorter one")
        }
        try acquire()
    }

    deinit { release() }

    /// Takes the lock unless this object holds it already.
    func acquire() throws(RedisServerError) {
        try descriptor.withLock { (held: inout Int32?) throws(RedisServerError) in
            guard held == nil else { return }
            let fd = open(path + "/host.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw RedisServerError(.directoryUnusable, "cannot open \(path)/host.lock: \(String(cString: strerror(errno)))")
            }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                throw RedisServerError(.directoryUnusable, "another process (a durable host?) is using \(path)")
            }
            held = fd
        }
    }

    /// Lets another process have the directory.
    func release() {
        descriptor.withLock { held in
            if let fd = held { close(fd) }
            held = nil
        }
    }
}
