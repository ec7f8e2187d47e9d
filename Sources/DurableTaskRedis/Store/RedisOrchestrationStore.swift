public import DurableTask
import DequeModule
import Foundation
public import Logging
import Synchronization

/// The task hub on Redis: streams, hashes and Lua scripts (see `lua/README.md`).
///
/// Each atomic step (create, deliver, lock, commit a turn, complete an activity, purge) is one
/// EVALSHA of a script in `lua/`. Work is pushed: idle workers block in `BLPOP`/`XREADGROUP BLOCK`
/// and wake as soon as work arrives. Durable timers sit in sorted sets; a timer loop sleeps in
/// `BLPOP` on a wake list with a timeout equal to the next due time.
public final class RedisOrchestrationStore: OrchestrationStore {
    /// Store settings.
    public struct Configuration: Sendable {
        /// The task hub name: the key prefix, so several hubs share one Redis.
        public var taskHub: String
        /// The number of partitions (hash-tagged key groups).
        public var partitions: Int
        /// How long a lease lasts before another worker may take the work.
        public var leaseTimeout: Duration
        /// The most messages one orchestration work item carries.
        public var maxMessagesPerWorkItem: Int
        /// How often the maintenance loop requeues expired leases and redelivers stale outbox entries.
        public var recoveryInterval: Duration
        /// The longest single blocking read (bounds shutdown latency of blocked calls).
        public var maxBlockingWait: Duration

        /// Creates a configuration.
        public init(
            taskHub: String = "default", partitions: Int = 4, leaseTimeout: Duration = .seconds(30),
            maxMessagesPerWorkItem: Int = 500, recoveryInterval: Duration? = nil, maxBlockingWait: Duration = .seconds(1)
        ) {
            self.taskHub = taskHub
            self.partitions = max(1, partitions)
            self.leaseTimeout = leaseTimeout
            self.maxMessagesPerWorkItem = maxMessagesPerWorkItem
            self.recoveryInterval = recoveryInterval ?? min(.seconds(1), leaseTimeout / 2)
            self.maxBlockingWait = maxBlockingWait
        }
    }

    /// The configuration.
    public let configuration: Configuration
    let keys: TaskHubKeys
    let pool: RedisConnectionPool
    let blocking: BlockingConnections
    let logger: Logger
    /// This store's consumer name in the activity consumer groups.
    let consumer: String
    let counters = RoundTripCounter()
    let historyReadCount = Atomic<Int>(0)
    /// Full history reads so far (a worker replaying an instance it does not have cached).
    public var historyReads: Int { historyReadCount.load(ordering: .relaxed) }
    let reclaimGate = PeriodicGate()
    /// Work this store's own scripts took for it: instance IDs popped from `ready` by a commit (to
    /// lock next without a blocking read) and instances leased by an activity completion.
    let handoff = Mutex<Deque<Handoff>>([])

    /// Signals appends to `handoff`.
    let handoffSignal = WakeSignal()

    enum Handoff: Sendable {
        case ready(String)
        case leased(OrchestrationWorkItem)
    }
    /// Lease tokens of turns handed to an activity loop by its activity's completion; their commits
    /// pop no next instance.
    let inlineTurns = Mutex<Set<String>>([])
    /// Activities fetched by one XREADGROUP beyond the one returned.
    let activityBuffer = Mutex<Deque<ActivityWorkItem>>([])

    /// Connects to Redis and creates a store. Call ``close()`` when done.
    public static func connect(
        url: String, configuration: Configuration = Configuration(), poolSize: Int = 4,
        logger: Logger = Logger(label: "durabletask.redis")
    ) async throws -> RedisOrchestrationStore {
        try await connect(url: try RedisURL(url), configuration: configuration, poolSize: poolSize, logger: logger)
    }

    /// Connects to Redis at a parsed URL (whose password may come from elsewhere than the text
    /// of a URL) and creates a store. Call ``close()`` when done.
    public static func connect(
        url: RedisURL, configuration: Configuration = Configuration(), poolSize: Int = 4,
        logger: Logger = Logger(label: "durabletask.redis")
    ) async throws -> RedisOrchestrationStore {
        var redis = RedisConfiguration(url: url)
        redis.poolSize = poolSize
        let pool = try await RedisConnectionPool.connect(configuration: redis, logger: logger)
        return RedisOrchestrationStore(pool: pool, configuration: configuration, logger: logger)
    }

    /// Creates a store over an existing connection pool.
    public init(pool: RedisConnectionPool, configuration: Configuration = Configuration(), logger: Logger) {
        self.pool = pool
        self.configuration = configuration
        self.keys = TaskHubKeys(hub: configuration.taskHub, partitions: configuration.partitions)
        self.blocking = BlockingConnections(pool: pool)
        self.logger = logger
        self.consumer = "w-" + RandomIdentifier.uuidString().prefix(8).lowercased()
    }

    /// Closes every connection.
    public func close() async {
        // Instances popped for this store but never locked go back to their ready lists now,
        // rather than waiting for lease-timeout recovery.
        let leftovers = handoff.withLock { h -> [Handoff] in
            let all = Array(h)
            h.removeAll()
            return all
        }
        for leftover in leftovers {
            switch leftover {
            case .ready(let id): _ = try? await command(["RPUSH", keys.ready(keys.partition(of: id)), id])
            case .leased(let item): try? await abandonOrchestrationWorkItem(item, reason: .notRun)
            }
        }
        // Activities fetched ahead but never run go back too, for the next worker's recovery pass.
        let prefetched = activityBuffer.withLock { b -> [ActivityWorkItem] in
            defer { b.removeAll() }
            return Array(b)
        }
        for item in prefetched { try? await abandonActivityWorkItem(item, reason: .notRun) }
        await blocking.closeAll()
        await pool.close()
    }

    var leaseMillis: Int64 { configuration.leaseTimeout.milliseconds }

    /// Sends one command; a connection failure becomes ``DurableTaskError/Code/storeFailure``,
    /// as the storage contract says.
    func command(_ arguments: [String]) async throws -> RedisValue {
        do { return try await pool.send(arguments) } catch let error as RedisError {
            throw DurableTaskError(.storeFailure, "Redis: \(error.message)", underlying: error)
        }
    }

    /// Sends commands in one pipeline; failures as in ``command(_:)``.
    func commands(_ commands: [[String]]) async throws -> [RedisValue] {
        do { return try await pool.pipeline(commands) } catch let error as RedisError {
            throw DurableTaskError(.storeFailure, "Redis: \(error.message)", underlying: error)
        }
    }

    /// Runs an instance script (counted under `category`), translating `DT_*` errors into ``DurableTaskError``s.
    @discardableResult
    func run(
        _ script: RedisScript, _ category: RoundTripCounter.Category, instance id: String, name: String? = nil,
        extraKeys: [String] = [], _ arguments: [String]
    ) async throws -> RedisValue {
        counters.add(category)
        do {
            return try await pool.eval(script, keys: keys.instanceKeys(id, name: name) + extraKeys, arguments: arguments)
        } catch let error as RedisError {
            throw Self.translate(error, instance: id)
        }
    }

    /// Runs many instance-script calls in one pipeline (one round trip). Calls that meet
    /// NOSCRIPT (after a SCRIPT FLUSH) are retried one by one, which reloads the script.
    /// Returns each call's reply or error.
    func runPipelined(
        _ script: RedisScript, _ category: RoundTripCounter.Category, _ calls: [(instance: String, name: String?, arguments: [String])]
    ) async throws -> [Result<RedisValue, any Error>] {
        try await runPipelined(script, category, calls.map { ($0.instance, $0.name, $0.arguments, []) })
    }

    /// Pipelined instance scripts whose calls may name keys beyond the instance layout.
    func runPipelined(
        _ script: RedisScript, _ category: RoundTripCounter.Category,
        _ calls: [(instance: String, name: String?, arguments: [String], extraKeys: [String])]
    ) async throws -> [Result<RedisValue, any Error>] {
        guard !calls.isEmpty else { return [] }
        counters.add(category)
        let commands = calls.map { call -> [String] in
            let k = keys.instanceKeys(call.instance, name: call.name) + call.extraKeys
            return ["EVALSHA", script.sha1, String(k.count)] + k + call.arguments
        }
        let replies = try await self.commands(commands)
        var results: [Result<RedisValue, any Error>] = []
        for (call, reply) in zip(calls, replies) {
            if let message = reply.errorMessage {
                if message.hasPrefix("NOSCRIPT") {
                    do {
                        results.append(.success(try await run(
                            script, category, instance: call.instance, name: call.name, extraKeys: call.extraKeys, call.arguments)))
                    } catch { results.append(.failure(error)) }
                } else {
                    results.append(.failure(Self.translate(RedisError(code: .serverError, message: message), instance: call.instance)))
                }
            } else {
                results.append(.success(reply))
            }
        }
        return results
    }

    static func translate(_ error: RedisError, instance id: String) -> any Error {
        // Script errors arrive as "ERR DT_CODE detail" (Redis adds the generic prefix).
        var words = error.message.split(separator: " ", maxSplits: 2).map(String.init)
        if words.first == "ERR" { words.removeFirst() }
        guard error.code == .serverError, let code = words.first, code.hasPrefix("DT_") else {
            return DurableTaskError(.storeFailure, "Redis: \(error.message)", underlying: error)
        }
        switch code {
        case "DT_EXISTS":
            return DurableTaskError(.instanceAlreadyExists, "an instance with ID '\(id)' is already live (\(error.message))")
        case "DT_NOT_FOUND": return DurableTaskError(.instanceNotFound, "no instance has ID '\(id)'")
        case "DT_COMPLETED": return DurableTaskError(.instanceCompleted, "instance '\(id)' has already finished (\(error.message))")
        case "DT_LEASE_LOST": return DurableTaskError(.leaseLost, "the lease on '\(id)' expired or was taken over; nothing was committed")
        case "DT_STATE":
            return DurableTaskError(.invalidState, "instance '\(id)' cannot do this in its state (\(error.message))")
        case "DT_LIVE":
            return DurableTaskError(.invalidArgument, "instance '\(id)' is still live (\(error.message)); only finished instances can be purged")
        default: return DurableTaskError(.storeFailure, "Redis: \(error.message)", underlying: error)
        }
    }

    // MARK: Task hub

    public func createTaskHub() async throws {
        var commands: [[String]] = []
        for p in 0..<keys.partitions {
            commands.append(["XGROUP", "CREATE", keys.activities(p), "dt", "0", "MKSTREAM"])
        }
        for reply in try await self.commands(commands) {
            if let message = reply.errorMessage, !message.hasPrefix("BUSYGROUP") {
                throw DurableTaskError(.storeFailure, "creating the task hub failed: \(message)")
            }
        }
        // Load every script up front (EVALSHA still reloads on NOSCRIPT, e.g. after SCRIPT FLUSH).
        for script in LuaScripts.all { try await pool.load(script) }
    }

    public func deleteTaskHub() async throws {
        var cursor = "0"
        repeat {
            let reply = try await command(["SCAN", cursor, "MATCH", keys.matchPattern, "COUNT", "1000"])
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string, let found = parts[1].stringArray else {
                throw DurableTaskError(.storeFailure, "unexpected SCAN reply: \(reply)")
            }
            let names = found.compactMap { $0 }
            if !names.isEmpty { _ = try await command(["UNLINK"] + names) }
            cursor = next
        } while cursor != "0"
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (s, atto) = components
        return s * 1000 + atto / 1_000_000_000_000_000
    }

    /// Seconds with millisecond precision, as Redis blocking commands take them.
    var redisSeconds: String { String(format: "%.3f", Double(max(1, milliseconds)) / 1000) }
}
