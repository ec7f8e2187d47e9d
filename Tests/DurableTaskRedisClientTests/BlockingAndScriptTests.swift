import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Testing

@Suite("Blocking commands on dedicated connections", .timeLimit(.minutes(2)))
struct BlockingCommandTests {
    @Test func blpopIsWokenByLpushFromThePool() async throws {
        try await withServerAndPool { _, pool in
            let blocking = try await pool.makeDedicatedConnection()
            let pop = Task { try await blocking.send(["BLPOP", "jobs", "10"]) }
            try await waitUntil("BLPOP is blocked") { try await blockedClients(pool) == 1 }

            // The pool keeps serving while the dedicated connection is blocked.
            #expect(try await pool.send("PING") == .status("PONG"))
            #expect(try await pool.send(["LPUSH", "jobs", "job-1"]) == .integer(1))

            #expect(try await pop.value == .array(["jobs", "job-1"]))
            #expect(try await pool.send(["LLEN", "jobs"]) == .integer(0))
            await blocking.close()
        }
    }

    @Test func bzpopminAndXreadgroupBlock() async throws {
        try await withServerAndPool { _, pool in
            let blocking = try await pool.makeDedicatedConnection()

            let zpop = Task { try await blocking.send(["BZPOPMIN", "timers", "10"]) }
            try await waitUntil("BZPOPMIN is blocked") { try await blockedClients(pool) == 1 }
            _ = try await pool.send(["ZADD", "timers", "5", "later", "1", "sooner"])
            #expect(try await zpop.value == .array(["timers", "sooner", "1"]))

            _ = try await pool.send(["XGROUP", "CREATE", "events", "workers", "$", "MKSTREAM"])
            let read = Task {
                try await blocking.send(["XREADGROUP", "GROUP", "workers", "w1", "COUNT", "1", "BLOCK", "10000", "STREAMS", "events", ">"])
            }
            try await waitUntil("XREADGROUP is blocked") { try await blockedClients(pool) == 1 }
            let id = try await pool.send(["XADD", "events", "*", "kind", "started"])
            let reply = try await read.value
            #expect(reply == .array([.array(["events", .array([.array([id, .array(["kind", "started"])])])])]))
            await blocking.close()
        }
    }
}

@Suite("Lua scripts via EVALSHA", .timeLimit(.minutes(2)))
struct ScriptTests {
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ("The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
    ])
    func sha1MatchesKnownVectors(input: String, digest: String) {
        #expect(RedisScript(input).sha1 == digest)
    }

    @Test func sha1MatchesTheServer() async throws {
        try await withServerAndPool { (_, pool) async throws in
            let sources = [
                "return 1",
                "return 'héllo ✓ — \u{1F600}'",
                String(repeating: "-- padding to cross SHA-1 block boundaries\n", count: 40) + "return ARGV[1]",
            ]
            for source in sources {
                let script = RedisScript(source)
                #expect(try await pool.send(["SCRIPT", "LOAD", source]).string == script.sha1)
            }
        }
    }

    @Test func evalshaReloadsAfterScriptFlush() async throws {
        try await withServerAndPool { (_, pool) async throws in
            let script = RedisScript("return redis.call('INCR', KEYS[1]) + tonumber(ARGV[1])")
            #expect(try await pool.send(["SCRIPT", "EXISTS", script.sha1]) == .array([.integer(0)]))

            let unknown = await expectRedisError { _ = try await pool.send(["EVALSHA", script.sha1, "0"]) }
            #expect(unknown?.serverErrorPrefix == "NOSCRIPT")

            #expect(try await pool.eval(script, keys: ["calls"], arguments: ["100"]) == .integer(101))
            #expect(try await pool.send(["SCRIPT", "EXISTS", script.sha1]) == .array([.integer(1)]))

            #expect(try await pool.send(["SCRIPT", "FLUSH"]) == .status("OK"))
            #expect(try await pool.send(["SCRIPT", "EXISTS", script.sha1]) == .array([.integer(0)]))
            #expect(try await pool.eval(script, keys: ["calls"], arguments: ["100"]) == .integer(102))
            #expect(try await pool.send(["SCRIPT", "EXISTS", script.sha1]) == .array([.integer(1)]))

            // Binary-safe variant and Lua errors.
            let echo = RedisScript("return ARGV[1]")
            let bytes: [UInt8] = [0, 1, 2, 255]
            #expect(try await pool.eval(echo, keys: [], arguments: [bytes]).bytes == bytes)
            let failing = RedisScript("return redis.error_reply('MYERR custom failure')")
            let error = await expectRedisError { _ = try await pool.eval(failing) }
            #expect(error?.serverErrorPrefix == "MYERR")
        }
    }
}
