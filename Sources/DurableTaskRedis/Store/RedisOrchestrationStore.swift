public import DurableTask
public import DurableTaskRedisClient
import Foundation
public import Logging
import Synchronization

/// The task hub on Redis: streams, hashes and the `durabletask` Redis Functions library (see `lua/README.md`).
///
/// Each atomic step (create, deliver, lock, commit a turn, complete an activity, purge) is one
/// `FCALL` of a function in `lua/`. The store loads the library when it connects and refuses to
/// start when Redis holds another version (see ``upgradeFunctionLibrary(url:)``). Work is pushed: one reader per kind of work blocks in `BLPOP`
/// (ready instances) or `XREADGROUP BLOCK` (activities) for all of the store's waiting loops and
/// wakes as soon as work arrives. Durable timers sit in sorted sets; a timer loop sleeps locally
/// until the next due time and is woken by a `BLPOP` on the timer wake lists. An idle store sends
/// about one command per second or less (see ``Configuration/recoveryInterval`` and
/// ``Configuration/maxBlockingWait``).
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
        /// The longest time between two recovery scans, which requeue expired leases, redeliver
        /// stale outbox entries and find expired activities (default 30 s). A scan also runs as
        /// soon as something the last scan saw comes due, and the store never waits longer than
        /// the lease timeout between scans, so work a dead worker held is recovered within about
        /// 50 ms of its lease's expiry. An idle hub costs `1 + 3 × partitions` commands per scan.
        public var recoveryInterval: Duration
        /// The longest single blocking read (default 30 s). An idle store has three: one for
        /// ready instances, one for activities and one for timer wake-ups, each renewed this
        /// often; work that arrives ends them at once, and closing the store or cancelling the
        /// waiting task interrupts them.
        public var maxBlockingWait: Duration

        /// Creates a configuration.
        public init(
            taskHub: String = "default", partitions: Int = 4, leaseTimeout: Duration = .seconds(30),
            maxMessagesPerWorkItem: Int = 500, recoveryInterval: Duration? = nil, maxBlockingWait: Duration = .seconds(30)
        ) {
            self.taskHub = taskHub
            self.partitions = max(1, partitions)
            self.leaseTimeout = leaseTimeout
            self.maxMessagesPerWorkItem = maxMessagesPerWorkItem
            self.recoveryInterval = recoveryInterval ?? .seconds(30)
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
    package var historyReads: Int { historyReadCount.load(ordering: .relaxed) }
    /// Set when a recovery scan saw an activity's lease expire (or one was abandoned): the next
    /// activity loop to look claims it.
    let reclaimDue = Atomic<Bool>(false)
    /// Work for the orchestration loops: instance IDs popped from `ready` (by the reader, or by a
    /// commit, to lock next without a blocking read) and instances leased by an activity
    /// completion or a routed message.
    let orchestrationFeed = WorkFeed<Handoff>()
    /// Activities the reader fetched for the activity loops.
    let activityFeed = WorkFeed<ActivityWorkItem>()
    /// The blocking readers that fill the feeds.
    let readers = ReaderTasks()
    /// Whether Redis answers: logs an outage once, and wakes loops that back off when it ends.
    let health: OutageMonitor

    enum Handoff: Sendable {
        case ready(String)
        case leased(OrchestrationWorkItem)
    }
    /// Lease tokens of turns handed to an activity loop by its activity's completion; their commits
    /// pop no next instance.
    let inlineTurns = Mutex<Set<String>>([])

    /// Connects to Redis and creates a store that logs to `logger`. Call ``close()`` when done.
    ///
    /// Loads the `durabletask` Redis Functions library if Redis has none.
    /// - Throws: ``DurableTaskError`` with code ``DurableTaskError/Code/functionLibraryMismatch``
    ///   when Redis holds another version of the library (see ``upgradeFunctionLibrary(url:)``),
    ///   or ``DurableTaskError/Code/storeFailure``.
    public static func connect(
        url: String, configuration: Configuration = Configuration(), poolSize: Int = 4,
        logger: Logger
    ) async throws -> RedisOrchestrationStore {
        try await connect(url: try RedisURL(url), configuration: configuration, poolSize: poolSize, logger: logger)
    }

    /// Connects to Redis at a parsed URL (whose password may come from elsewhere than the text
    /// of a URL) and creates a store that logs to `logger`. Call ``close()`` when done.
    ///
    /// Loads or checks the Redis Functions library as ``connect(url:configuration:poolSize:logger:)-(String,_,_,_)`` does.
    public static func connect(
        url: RedisURL, configuration: Configuration = Configuration(), poolSize: Int = 4,
        logger: Logger
    ) async throws -> RedisOrchestrationStore {
        var redis = RedisConfiguration(url: url)
        redis.poolSize = poolSize
        let pool = try await RedisConnectionPool.connect(configuration: redis, logger: logger)
        do {
            try await FunctionLibrary.prepare(pool, url: url)
        } catch {
            await pool.close()
            throw error
        }
        return RedisOrchestrationStore(pool: pool, configuration: configuration, logger: logger)
    }

    /// Creates a store over an existing connection pool; it logs to `logger`. Call
    /// ``createTaskHub()`` before use: it loads the Redis Functions library the store calls.
    public init(pool: RedisConnectionPool, configuration: Configuration = Configuration(), logger: Logger) {
        self.pool = pool
        self.configuration = configuration
        self.keys = TaskHubKeys(hub: configuration.taskHub, partitions: configuration.partitions)
        self.blocking = BlockingConnections(pool: pool, readTimeout: configuration.maxBlockingWait + .seconds(10))
        self.logger = logger
        self.health = OutageMonitor(down: "Redis unavailable; retrying with backoff", up: "Redis available again", logger: logger)
        self.consumer = "w-" + RandomIdentifier.uuidString().prefix(8).lowercased()
    }

    /// Closes every connection.
    public func close() async {
        readers.stopAll(closing: true)
        // Instances popped for this store but never locked go back to their ready lists now,
        // rather than waiting for lease-timeout recovery.
        for leftover in orchestrationFeed.drain() {
            switch leftover {
            case .ready(let id): _ = try? await command(["RPUSH", keys.ready(keys.partition(of: id)), id])
            case .leased(let item): try? await abandonOrchestrationWorkItem(item, reason: .notRun)
            }
        }
        // Activities fetched ahead but never run go back too, for the next worker's recovery pass.
        for item in activityFeed.drain() { try? await abandonActivityWorkItem(item, reason: .notRun) }
        await blocking.closeAll()
        await pool.close()
    }

    var leaseMillis: Int64 { configuration.leaseTimeout.milliseconds }

    /// Sends one command; a connection failure becomes ``DurableTaskError/Code/storeFailure``,
    /// as the storage contract says.
    func command(_ arguments: [String]) async throws -> RedisValue {
        let started = ContinuousClock.now
        do {
            let reply = try await pool.send(arguments)
            health.succeeded(startedAt: started)
            return reply
        } catch let error as RedisError {
            noteFailure(error, startedAt: started)
            throw DurableTaskError(.storeFailure, "Redis: \(error.message)", underlying: error)
        }
    }

    /// Sends commands in one pipeline; failures as in ``command(_:)``.
    func commands(_ commands: [[String]]) async throws -> [RedisValue] {
        let started = ContinuousClock.now
        do {
            let replies = try await pool.pipeline(commands)
            health.succeeded(startedAt: started)
            return replies
        } catch let error as RedisError {
            noteFailure(error, startedAt: started)
            throw DurableTaskError(.storeFailure, "Redis: \(error.message)", underlying: error)
        }
    }

    /// Notes a connection failure as an outage (logged once), unless it is an error reply or
    /// the store is closing.
    private func noteFailure(_ error: RedisError, startedAt started: ContinuousClock.Instant) {
        if error.code != .serverError, error.code != .connectionClosed { health.failed(error, startedAt: started) }
    }

    /// Makes one function call (counted under `category`) and decodes its reply, translating
    /// `DT_*` errors into ``DurableTaskError``s.
    @discardableResult
    func run<Call: FunctionCall>(_ call: Call, _ category: RoundTripCounter.Category) async throws -> Call.Reply {
        counters.add(category)
        let started = ContinuousClock.now
        let reply: RedisValue
        do {
            reply = try await pool.send(call.command)
            health.succeeded(startedAt: started)
        } catch let error as RedisError {
            noteFailure(error, startedAt: started)
            throw Self.translate(error, function: Call.function, instance: call.instanceId)
        }
        return try Call.decode(reply)
    }

    /// Makes many calls of one function in one pipeline (one round trip). Returns each call's
    /// decoded reply or error.
    func runPipelined<Call: FunctionCall>(_ calls: [Call], _ category: RoundTripCounter.Category) async throws
        -> [Result<Call.Reply, any Error>]
    {
        guard !calls.isEmpty else { return [] }
        counters.add(category)
        let replies = try await self.commands(calls.map(\.command))
        return zip(calls, replies).map { call, reply in
            Self.reply(reply, of: call)
        }
    }

    /// One reply of a pipeline, decoded or translated.
    static func reply<Call: FunctionCall>(_ reply: RedisValue, of call: Call) -> Result<Call.Reply, any Error> {
        if let message = reply.errorMessage {
            return .failure(translate(RedisError(code: .serverError, message: message), function: Call.function, instance: call.instanceId))
        }
        return Result { try Call.decode(reply) }
    }

    /// The error for a function's error reply: `DT_*` codes become their ``DurableTaskError``s, a
    /// missing function ``DurableTaskError/Code/functionLibraryMismatch``, anything else
    /// ``DurableTaskError/Code/storeFailure``.
    static func translate(_ error: RedisError, function: LuaLibrary.Function, instance id: String) -> any Error {
        if error.code == .serverError, error.message.contains("Function not found") {
            return FunctionLibrary.missing(function, reply: error.message)
        }
        // Function errors arrive as "ERR DT_CODE detail" or "DT_CODE detail".
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

    /// Loads the Redis Functions library if Redis has none and creates the activity consumer
    /// groups. Idempotent.
    /// - Throws: ``DurableTaskError`` with code ``DurableTaskError/Code/functionLibraryMismatch``
    ///   when Redis holds another version of the library, or ``DurableTaskError/Code/storeFailure``.
    public func createTaskHub() async throws {
        try await FunctionLibrary.prepare(pool, url: pool.configuration.url)
        var commands: [[String]] = []
        for p in 0..<keys.partitions {
            commands.append(["XGROUP", "CREATE", keys.activities(p), "dt", "0", "MKSTREAM"])
        }
        for reply in try await self.commands(commands) {
            if let message = reply.errorMessage, !message.hasPrefix("BUSYGROUP") {
                throw DurableTaskError(.storeFailure, "creating the task hub failed: \(message)")
            }
        }
    }

    // MARK: Function library

    /// The version of the `durabletask` Redis Functions library this build loads and calls.
    public static var functionLibraryVersion: Int { LuaLibrary.version }

    /// Moves a Redis to this build's version of the `durabletask` Redis Functions library
    /// (`FUNCTION LOAD REPLACE`), which `durable upgrade-functions` runs. Stores that start
    /// afterwards accept it; stores already running call the new functions. See `lua/README.md`
    /// for when this is safe.
    /// - Returns: The version Redis held before and the one it holds now.
    /// - Throws: ``DurableTaskError`` with code ``DurableTaskError/Code/storeFailure``.
    public static func upgradeFunctionLibrary(url: RedisURL, logger: Logger) async throws -> FunctionLibraryUpgrade {
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(configuration: RedisConfiguration(url: url), logger: logger)
        } catch let error as RedisError {
            throw DurableTaskError(.storeFailure, "Redis: \(error.message)", underlying: error)
        }
        do {
            let upgrade = try await FunctionLibrary.replace(connection)
            await connection.close()
            return upgrade
        } catch {
            await connection.close()
            throw error
        }
    }

    /// ``upgradeFunctionLibrary(url:logger:)-(RedisURL,_)`` for a URL given as text.
    public static func upgradeFunctionLibrary(url: String, logger: Logger) async throws -> FunctionLibraryUpgrade {
        let parsed: RedisURL
        do { parsed = try RedisURL(url) } catch {
            throw DurableTaskError(.invalidArgument, "invalid Redis URL: \(error.message)", underlying: error)
        }
        return try await upgradeFunctionLibrary(url: parsed, logger: logger)
    }

    /// Deletes every key of the task hub.
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
