import ChildProcesses
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A real `redis-server` started for a test or benchmark, private to its caller.
///
/// Each instance gets a fresh temporary directory, a free TCP port on 127.0.0.1 (bound
/// to loopback only) and optionally a unix socket inside that directory. After launch it
/// waits for `PING` and checks the server is really the one it started (`INFO server`
/// `process_id` equals the child's PID and `CONFIG GET dir` equals the directory).
///
/// Always stop it: use ``withRedisServer(_:_:)`` or `defer { server.stop() }`. The server
/// is also SIGKILLed if the object is deallocated while it is running.
///
/// The server is a ``ChildProcess``: reaped by a thread of its own, started with a clean
/// signal state and no inherited descriptors, so stopping it never waits on anything but
/// the server itself.
///
/// `@unchecked Sendable`: all mutable state (`process`) is guarded by `lock`.
public final class RedisServerProcess: @unchecked Sendable {
    /// How to start the server.
    public struct Options: Sendable {
        /// Also listen on a unix socket `redis.sock` in the server directory.
        public var unixSocket: Bool
        /// Enable AOF persistence (`--appendonly yes`), for restart tests.
        public var appendOnly: Bool
        /// With ``appendOnly``: fsync the AOF after every write (`--appendfsync always`), so a
        /// SIGKILL loses nothing acknowledged; otherwise once a second (`everysec`).
        public var fsyncAlways: Bool
        /// If set, started with `--requirepass` (the default user needs this password);
        /// the readiness probe authenticates with it.
        public var password: String?
        /// Extra `redis-server` arguments, e.g. `["--maxmemory", "64mb"]`.
        public var extraArguments: [String]
        /// How long to wait for the server to answer `PING`.
        public var startTimeout: Duration

        /// Creates options; by default TCP plus a unix socket, no persistence.
        public init(
            unixSocket: Bool = true,
            appendOnly: Bool = false,
            fsyncAlways: Bool = false,
            password: String? = nil,
            extraArguments: [String] = [],
            startTimeout: Duration = .seconds(10)
        ) {
            self.unixSocket = unixSocket
            self.appendOnly = appendOnly
            self.fsyncAlways = fsyncAlways
            self.password = password
            self.extraArguments = extraArguments
            self.startTimeout = startTimeout
        }
    }

    /// Why a server could not be started.
    public struct StartError: Error, CustomStringConvertible {
        /// What went wrong (includes the end of the server log when available).
        public let description: String
        /// The port was taken before our server bound it; another port may work.
        var portTaken = false
    }

    /// Path of the `redis-server` binary in use.
    public let executable: String
    /// The server's private working directory (`--dir`), removed by ``stop()``.
    public let directory: String
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The unix socket path, if ``Options/unixSocket`` was set.
    public let unixSocketPath: String?
    /// The options used to start the server.
    public let options: Options

    private let lock = NSLock()
    private var process: ChildProcess?

    /// `redis://127.0.0.1:<port>`.
    public var url: String { "redis://127.0.0.1:\(port)" }

    /// `unix://<directory>/redis.sock`, if the server listens on a unix socket.
    public var unixSocketURL: String? { unixSocketPath.map { "unix://\($0)" } }

    /// The PID of the running server, or `nil` once stopped.
    public var pid: Int32? {
        lock.withLock { process.flatMap { $0.isRunning ? $0.pid : nil } }
    }

    /// Path of the server log file.
    public var logPath: String { directory + "/redis.log" }

    private init(executable: String, directory: String, port: Int, options: Options) {
        self.executable = executable
        self.directory = directory
        self.port = port
        self.unixSocketPath = options.unixSocket ? directory + "/redis.sock" : nil
        self.options = options
    }

    deinit {
        process?.signal(SIGKILL)
    }

    /// Starts a new server and waits until it answers `PING`.
    /// - Throws: ``StartError``; if `redis-server` is missing, its message says
    ///   `redis-server not found: install it with 'apt-get install -y redis-server'`.
    public static func start(_ options: Options = Options()) async throws -> RedisServerProcess {
        // A test process runs many stores at once, each holding sockets: lift the soft
        // limit on descriptors (often 1,024) to the hard limit.
        OpenFileLimit.raiseToHardLimit()
        let executable = try findExecutable()
        var lastError: (any Error)?
        for _ in 0..<5 {
            let directory = try makeDirectory()
            let server = RedisServerProcess(
                executable: executable, directory: directory, port: try freePort(), options: options
            )
            do {
                try await server.launch()
                return server
            } catch {
                lastError = error
                server.stop()  // also removes the directory
                // A port taken between probing and binding (by another process, or by a server
                // that got there first): retry with a new one. Ours is stopped; theirs is untouched.
                guard (error as? StartError)?.portTaken == true else { throw error }
            }
        }
        throw lastError ?? StartError(description: "could not start redis-server")
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its directory.
    /// Safe to call more than once; blocks the calling thread until the process has exited
    /// (prefer ``shutDown()`` in async code).
    public func stop() {
        terminate(signal: SIGTERM, grace: .seconds(5))
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops the server like ``stop()``, suspending instead of blocking a thread.
    public func shutDown() async {
        await terminateGracefully()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Kills the server with SIGKILL (no shutdown, no final AOF fsync) and waits for it
    /// to exit. The directory is kept so ``restart()`` can start it again.
    public func kill9() {
        terminate(signal: SIGKILL, grace: .seconds(5))
    }

    /// Stops the server gracefully if it is running, then starts it again with the same
    /// directory, port and options (the AOF, if enabled, is replayed).
    public func restart() async throws {
        await terminateGracefully()
        var lastError: (any Error)?
        // The port is ours but may still be held briefly by the old process' socket.
        for _ in 0..<20 {
            do {
                try await launch()
                return
            } catch {
                lastError = error
                guard (error as? StartError)?.portTaken == true else { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw lastError ?? StartError(description: "could not restart redis-server")
    }

    // MARK: - Launching

    private var arguments: [String] {
        var arguments = [
            "--port", String(port),
            "--bind", "127.0.0.1",
            "--dir", directory,
            "--save", "",
            "--daemonize", "no",
            "--logfile", logPath,
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

    private func launch() async throws {
        let process: ChildProcess
        do {
            process = try ChildProcess.spawn(executable, arguments: arguments, directory: directory)
        } catch {
            throw StartError(description: error.description)
        }
        lock.withLock { self.process = process }

        let deadline = ContinuousClock.now + options.startTimeout
        var lastProbeError = ""
        while ContinuousClock.now < deadline {
            if let status = process.currentStatus {
                let log = logTail()
                throw StartError(
                    description: "redis-server exited during startup (\(status)): \(log)",
                    portTaken: log.contains("Address already in use"))
            }
            do {
                try verify(pid: process.pid)
                return
            } catch let error as OwnershipError {
                terminate(signal: SIGKILL, grace: .seconds(5))
                throw StartError(description: error.description, portTaken: error.portTaken)
            } catch {
                lastProbeError = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        terminate(signal: SIGKILL, grace: .seconds(5))
        throw StartError(description: "redis-server did not answer PING within \(options.startTimeout) (\(lastProbeError)): \(logTail())")
    }

    private struct OwnershipError: Error, CustomStringConvertible {
        let description: String
        /// Another redis-server answers on our port.
        var portTaken = false
    }

    /// PINGs the server and checks it is the process we started, in our directory.
    private func verify(pid: Int32) throws {
        var client = try MiniRedisClient(tcpPort: port)
        if let password = options.password {
            guard try client.command("AUTH", password) == .simple("OK") else {
                throw OwnershipError(description: "redis-server on port \(port) rejected our password")
            }
        }
        guard try client.command("PING") == .simple("PONG") else {
            throw StartError(description: "unexpected PING reply")
        }
        guard case .bulk(let info?) = try client.command("INFO", "server") else {
            throw StartError(description: "unexpected INFO reply")
        }
        let processLine = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("process_id:") }
        guard processLine == "process_id:\(pid)" else {
            throw OwnershipError(
                description: "port \(port) is served by another redis-server (\(processLine ?? "no process_id")), not PID \(pid)",
                portTaken: true)
        }
        let expected = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        guard case .array(let pair?) = try client.command("CONFIG", "GET", "dir"),
              pair.count == 2, case .bulk(let dir?) = pair[1],
              URL(fileURLWithPath: dir).resolvingSymlinksInPath().path == expected else {
            throw OwnershipError(description: "redis-server on port \(port) does not use directory \(directory)")
        }
        if let unixSocketPath {
            var unixClient = try MiniRedisClient(unixPath: unixSocketPath)
            if let password = options.password {
                _ = try unixClient.command("AUTH", password)
            }
            guard try unixClient.command("PING") == .simple("PONG") else {
                throw StartError(description: "unix socket does not answer PING")
            }
        }
    }

    /// SIGTERMs our child, SIGKILLs it after 5 s, and suspends until it has exited.
    private func terminateGracefully() async {
        guard let process = lock.withLock({ self.process }) else { return }
        await process.stop(signal: SIGTERM, grace: .seconds(5))
        lock.withLock { if self.process === process { self.process = nil } }
    }

    /// Sends `signal` to our child by PID, waits up to `grace`, then SIGKILLs it.
    private func terminate(signal: Int32, grace: Duration) {
        guard let process = lock.withLock({ self.process }) else { return }
        defer { lock.withLock { if self.process === process { self.process = nil } } }
        process.stopBlocking(signal: signal, grace: grace)
    }

    private func logTail() -> String {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n").suffix(8).joined(separator: "\n")
    }

    // MARK: - Helpers

    static let notFoundMessage = "redis-server not found: install it with 'apt-get install -y redis-server'"

    private static func findExecutable() throws -> String {
        var candidates: [String] = []
        if let path = ProcessInfo.processInfo.environment["PATH"] {
            candidates += path.split(separator: ":").map { "\($0)/redis-server" }
        }
        candidates += ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw StartError(description: notFoundMessage)
    }

    /// A fresh private directory whose path is short enough for a unix socket.
    private static func makeDirectory() throws -> String {
        var base = NSTemporaryDirectory()
        if base.hasSuffix("/") { base.removeLast() }
        if base.utf8.count > 60 { base = "/tmp" }
        let name = "dtredis-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let path = base + "/" + name
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700]
        )
        return path
    }

    /// Ports this process has handed out, never handed out twice: the kernel may offer a port
    /// again once the probe closed it, before the first server has bound it.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A free port on 127.0.0.1 that no other server of this process was given.
    private static func freePort() throws -> Int {
        for _ in 0..<50 {
            let port = try probePort()
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw StartError(description: "could not find a free port not already handed out")
    }

    /// Asks the kernel for a free port on 127.0.0.1 (bind to port 0, read it back, close).
    private static func probePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw StartError(description: "could not find a free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Starts a ``RedisServerProcess``, runs `body` with it and always stops the server
/// (by PID) afterwards, whether `body` returns or throws.
public func withRedisServer<T>(
    _ options: RedisServerProcess.Options = RedisServerProcess.Options(),
    _ body: (RedisServerProcess) async throws -> T
) async throws -> T {
    let server = try await RedisServerProcess.start(options)
    do {
        let result = try await body(server)
        await server.shutDown()
        return result
    } catch {
        await server.shutDown()
        throw error
    }
}
