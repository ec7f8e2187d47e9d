// Micro-benchmark for the Redis connection layer. Starts its own redis-server on a free
// loopback port (via DurableTaskRedisTestSupport) and stops it at the end.
//
//   swift run -c release ConnBench
//
// Measures: sequential round trips of PING, EVALSHA of a small script and FCALL of a small
// function (Redis 7), each through raw synchronous hiredis on the calling thread (baseline, no
// thread hop) and through RedisConnection; and INCR throughput with 32 concurrent tasks.
import CHiredis
import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Logging
#if canImport(Glibc)
import Glibc
#endif

let sequentialCalls = 20_000
let warmupCalls = 2_000
/// The sequential measurements are interleaved in rounds so that CPU placement changes
/// during the run (large on small VMs) affect every path alike.
let rounds = 4
let concurrentTasks = 32
let throughputOps = 200_000
let throughputCap: Duration = .seconds(30)

func percentile(_ sorted: [Duration], _ p: Double) -> Duration {
    sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

func micros(_ d: Duration) -> String {
    let us = Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
    return String(format2(us))
}

func format2(_ value: Double) -> String {
    let scaled = (value * 10).rounded() / 10
    return String(scaled)
}

/// `a / b` with two decimals, e.g. `1.23x`.
func ratio(_ a: Duration, _ b: Duration) -> String {
    String((a / b * 100).rounded() / 100) + "x"
}

struct LatencyRow {
    let name: String
    let p50: Duration
    let p99: Duration
    let mean: Duration
}

func summarize(_ name: String, _ samples: [Duration]) -> LatencyRow {
    let sorted = samples.sorted()
    let total = sorted.reduce(Duration.zero, +)
    return LatencyRow(name: name, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), mean: total / sorted.count)
}

/// The small script and function measured with EVALSHA and FCALL: one `INCR` of their key.
let benchScript = RedisScript("return redis.call('INCR', KEYS[1])")
let benchFunctionName = "connbench_incr"
let benchLibrary = """
    #!lua name=connbench
    redis.register_function('\(benchFunctionName)', function(keys, args) return redis.call('INCR', keys[1]) end)
    """

/// Baseline: a blocking hiredis command on the calling thread (no queue, no thread hop). The
/// arguments are laid out once, so the loop measures only `redisCommandArgv` and the reply.
func rawHiredis(
    _ context: UnsafeMutablePointer<redisContext>, _ arguments: [String], count: Int, into samples: inout [Duration]
) {
    let clock = ContinuousClock()
    let strings = arguments.map { strdup($0)! }
    defer { for string in strings { free(string) } }
    var argv: [UnsafePointer<CChar>?] = strings.map { UnsafePointer($0) }
    var lengths: [Int] = arguments.map { $0.utf8.count }
    for _ in 0..<count {
        let start = clock.now
        let reply = redisCommandArgv(context, Int32(argv.count), &argv, &lengths)
        let elapsed = clock.now - start
        guard let reply else { fatalError("raw hiredis \(arguments[0]) failed") }
        let type = reply.assumingMemoryBound(to: redisReply.self).pointee.type
        precondition(type != REDIS_REPLY_ERROR, "raw hiredis \(arguments[0]) returned an error")
        freeReplyObject(reply)
        samples.append(elapsed)
    }
}

/// Sequential calls of `call` through the connection layer. Not isolated to the main actor, so
/// each call resumes on the cooperative pool, as the store's callers do.
nonisolated func layer(count: Int, into samples: inout [Duration], _ call: @Sendable () async throws -> RedisValue) async throws {
    let clock = ContinuousClock()
    for _ in 0..<count {
        let start = clock.now
        let reply = try await call()
        let elapsed = clock.now - start
        precondition(reply.errorMessage == nil)
        samples.append(elapsed)
    }
}

struct ThroughputRow {
    let name: String
    let ops: Int
    let elapsed: Duration
    var opsPerSecond: Double {
        Double(ops) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

func throughput(_ client: some RedisClient, name: String, key: String) async throws -> ThroughputRow {
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start + throughputCap
    let perTask = throughputOps / concurrentTasks
    let done = try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<concurrentTasks {
            group.addTask {
                var count = 0
                while count < perTask {
                    _ = try await client.send(["INCR", key])
                    count += 1
                    if count % 1024 == 0 && clock.now > deadline { break }
                }
                return count
            }
        }
        return try await group.reduce(0, +)
    }
    let elapsed = clock.now - start
    let counter = try await client.send(["GET", key]).int ?? -1
    precondition(counter == done, "INCR count mismatch: \(counter) != \(done)")
    return ThroughputRow(name: name, ops: done, elapsed: elapsed)
}

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}
let logger = Logger(label: "ConnBench")

let server = try await RedisServer.start(.init(unixSocket: true))
do {
    let configuration = try RedisConfiguration(url: server.url)
    let unixConfiguration = try RedisConfiguration(url: server.unixSocketURL!)

    guard let raw = redisConnect("127.0.0.1", Int32(server.port)), raw.pointee.err == 0 else {
        fatalError("raw hiredis connect failed")
    }
    let connection = try await RedisConnection.connect(configuration: configuration, logger: logger)
    let unixConnection = try await RedisConnection.connect(configuration: unixConfiguration, logger: logger)

    try await connection.load(benchScript)
    _ = try await connection.send(["FUNCTION", "LOAD", "REPLACE", benchLibrary])
    let ping = ["PING"]
    let evalsha = ["EVALSHA", benchScript.sha1, "1", "bench:eval"]
    let fcall = ["FCALL", benchFunctionName, "1", "bench:fcall"]

    /// One sequential path: its name and how to run `count` calls into `samples`.
    struct Path {
        let name: String
        let run: (Int, inout [Duration]) async throws -> Void
    }
    let paths: [Path] = [
        Path(name: "raw hiredis PING, TCP (baseline)") { rawHiredis(raw, ping, count: $0, into: &$1) },
        Path(name: "RedisConnection.send PING, TCP") { try await layer(count: $0, into: &$1) { try await connection.send(ping) } },
        Path(name: "RedisConnection.send PING, unix socket") {
            try await layer(count: $0, into: &$1) { try await unixConnection.send(ping) }
        },
        Path(name: "raw hiredis EVALSHA, TCP (baseline)") { rawHiredis(raw, evalsha, count: $0, into: &$1) },
        Path(name: "RedisConnection.eval (EVALSHA), TCP") {
            try await layer(count: $0, into: &$1) { try await connection.eval(benchScript, keys: ["bench:eval"]) }
        },
        Path(name: "raw hiredis FCALL, TCP (baseline)") { rawHiredis(raw, fcall, count: $0, into: &$1) },
        Path(name: "RedisConnection.send FCALL, TCP") { try await layer(count: $0, into: &$1) { try await connection.send(fcall) } },
    ]
    /// Each layer path and the raw baseline it is compared with.
    let comparisons = [(1, 0, "PING"), (4, 3, "EVALSHA"), (6, 5, "FCALL")]

    var warmup: [Duration] = []
    for path in paths { try await path.run(warmupCalls, &warmup) }
    var samples = [[Duration]](repeating: [], count: paths.count)
    for _ in 0..<rounds {
        for (index, path) in paths.enumerated() {
            try await path.run(sequentialCalls / rounds, &samples[index])
        }
    }
    redisFree(raw)
    await unixConnection.close()
    let latencies = zip(paths, samples).map { summarize($0.name, $1) }

    var rows: [ThroughputRow] = []
    rows.append(try await throughput(connection, name: "1 connection, TCP", key: "bench:1"))
    await connection.close()
    for size in [2, 4] {
        var poolConfiguration = configuration
        poolConfiguration.poolSize = size
        let pool = try await RedisConnectionPool.connect(configuration: poolConfiguration, logger: logger)
        rows.append(try await throughput(pool, name: "pool of \(size), TCP", key: "bench:pool\(size)"))
        await pool.close()
    }

    print("Sequential round trips (\(sequentialCalls) calls per path after \(warmupCalls) warm-up, \(rounds) interleaved rounds)")
    print("| path | p50 µs | p99 µs | mean µs |")
    print("|---|---:|---:|---:|")
    for row in latencies {
        print("| \(row.name) | \(micros(row.p50)) | \(micros(row.p99)) | \(micros(row.mean)) |")
    }
    print("\nRedisConnection vs raw hiredis, TCP:")
    print("| command | p50 overhead µs | p50 ratio | p99 ratio |")
    print("|---|---:|---:|---:|")
    for (layerIndex, rawIndex, command) in comparisons {
        let layerRow = latencies[layerIndex], rawRow = latencies[rawIndex]
        print("| \(command) | \(micros(layerRow.p50 - rawRow.p50)) | \(ratio(layerRow.p50, rawRow.p50)) | \(ratio(layerRow.p99, rawRow.p99)) |")
    }
    print("")
    print("Throughput: \(concurrentTasks) concurrent tasks, INCR, \(throughputOps) ops total (cap \(throughputCap))")
    print("| client | ops | seconds | ops/s |")
    print("|---|---:|---:|---:|")
    for row in rows {
        let seconds = Double(row.elapsed.components.seconds) + Double(row.elapsed.components.attoseconds) / 1e18
        print("| \(row.name) | \(row.ops) | \(format2(seconds)) | \(Int(row.opsPerSecond)) |")
    }
} catch {
    await server.shutDown()
    throw error
}
await server.shutDown()
