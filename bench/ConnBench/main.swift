// Micro-benchmark for the Redis connection layer. Starts its own redis-server on a free
// loopback port (via DurableTaskRedisTestSupport) and stops it at the end.
//
//   swift run -c release ConnBench
//
// Measures: a raw synchronous hiredis round trip (baseline, no thread hop), sequential
// PING latency through RedisConnection, and INCR throughput with 32 concurrent tasks.
import CHiredis
import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Logging

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

/// Baseline: blocking hiredis PING on the calling thread (no queue, no thread hop).
func rawHiredisPings(_ context: UnsafeMutablePointer<redisContext>, count: Int, into samples: inout [Duration]) {
    let clock = ContinuousClock()
    let command: StaticString = "PING"
    var length = 4
    for _ in 0..<count {
        let start = clock.now
        var argv: UnsafePointer<CChar>? = UnsafeRawPointer(command.utf8Start).assumingMemoryBound(to: CChar.self)
        let reply = redisCommandArgv(context, 1, &argv, &length)
        let elapsed = clock.now - start
        guard let reply else { fatalError("raw hiredis PING failed") }
        freeReplyObject(reply)
        samples.append(elapsed)
    }
}

func connectionPings(_ connection: RedisConnection, count: Int, into samples: inout [Duration]) async throws {
    let clock = ContinuousClock()
    for _ in 0..<count {
        let start = clock.now
        let reply = try await connection.send(["PING"])
        let elapsed = clock.now - start
        precondition(reply == .status("PONG"))
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

    var warmup: [Duration] = []
    rawHiredisPings(raw, count: warmupCalls, into: &warmup)
    try await connectionPings(connection, count: warmupCalls, into: &warmup)
    try await connectionPings(unixConnection, count: warmupCalls, into: &warmup)

    var rawSamples: [Duration] = [], tcpSamples: [Duration] = [], unixSamples: [Duration] = []
    for _ in 0..<rounds {
        rawHiredisPings(raw, count: sequentialCalls / rounds, into: &rawSamples)
        try await connectionPings(connection, count: sequentialCalls / rounds, into: &tcpSamples)
        try await connectionPings(unixConnection, count: sequentialCalls / rounds, into: &unixSamples)
    }
    redisFree(raw)
    await unixConnection.close()
    let latencies = [
        summarize("raw hiredis on the calling thread, TCP (baseline)", rawSamples),
        summarize("RedisConnection.send PING, TCP", tcpSamples),
        summarize("RedisConnection.send PING, unix socket", unixSamples),
    ]

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

    print("Sequential PING round trip (\(sequentialCalls) calls per path after \(warmupCalls) warm-up, \(rounds) interleaved rounds)")
    print("| path | p50 µs | p99 µs | mean µs |")
    print("|---|---:|---:|---:|")
    for row in latencies {
        print("| \(row.name) | \(micros(row.p50)) | \(micros(row.p99)) | \(micros(row.mean)) |")
    }
    let overhead = latencies[1].p50 - latencies[0].p50
    print("\nOverhead of the queue + I/O thread hop vs raw hiredis (p50, TCP): \(micros(overhead)) µs\n")
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
