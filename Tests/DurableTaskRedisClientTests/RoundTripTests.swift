import DurableTaskRedisClient
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import Testing

@Suite("Round trips and reply conversion", .timeLimit(.minutes(2)))
struct RoundTripTests {
    @Test func pingSetGet() async throws {
        try await withServerAndPool { _, pool in
            #expect(try await pool.send("PING") == .status("PONG"))
            #expect(try await pool.send(["SET", "greeting", "hello"]) == .status("OK"))
            let value = try await pool.send(["GET", "greeting"])
            #expect(value == .bulkString(Array(utf8: "hello")))
            #expect(value.string == "hello")
            #expect(try await pool.send(["GET", "missing"]) == .null)
        }
    }

    @Test func binarySafeValuesAndKeys() async throws {
        try await withServerAndPool { _, pool in
            let key: [UInt8] = [0x00, 0xFF, 0x0D, 0x0A, 0x20, 0x7F]
            let value: [UInt8] = Array(0...255) + [0, 13, 10, 0] + Array(repeating: 0, count: 16)
            let set = try await pool.send([Array(utf8: "SET"), key, value])
            #expect(set == .status("OK"))
            let got = try await pool.send([Array(utf8: "GET"), key])
            #expect(got.bytes == value)
            #expect(try await pool.send([Array(utf8: "STRLEN"), key]).int == value.count)

            // A 1 MiB value crosses many socket reads and writes.
            let big = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            #expect(try await pool.send([Array(utf8: "SET"), Array(utf8: "big"), big]) == .status("OK"))
            #expect(try await pool.send([Array(utf8: "GET"), Array(utf8: "big")]).bytes == big)

            // Empty strings are values, not nulls.
            #expect(try await pool.send(["SET", "empty", ""]) == .status("OK"))
            #expect(try await pool.send(["GET", "empty"]) == .bulkString([]))
        }
    }

    @Test func integerArrayNullAndStatusReplies() async throws {
        try await withServerAndPool { _, pool in
            #expect(try await pool.send(["RPUSH", "list", "a", "b", "c"]) == .integer(3))
            let range = try await pool.send(["LRANGE", "list", "0", "-1"])
            #expect(range == .array(["a", "b", "c"]))
            #expect(range.stringArray == ["a", "b", "c"])
            #expect(try await pool.send(["MGET", "list-missing", "list-missing-2"]) == .array([.null, .null]))

            _ = try await pool.send(["SET", "counter", "41"])
            #expect(try await pool.send(["INCR", "counter"]).int == 42)
            #expect(try await pool.send(["GET", "counter"]).int == 42)

            let nested = try await pool.send(["EVAL", "return {1, 'two', {3, false}}", "0"])
            #expect(nested == .array([.integer(1), "two", .array([.integer(3), .null])]))
            #expect(try await pool.send(["EXISTS", "nope"]) == .integer(0))
            #expect(try await pool.send(["TYPE", "list"]) == .status("list"))
        }
    }

    @Test func errorRepliesAreThrownWithTheirPrefix() async throws {
        try await withServerAndPool { _, pool in
            _ = try await pool.send(["SET", "text", "abc"])
            let notInteger = await expectRedisError { _ = try await pool.send(["INCR", "text"]) }
            #expect(notInteger?.code == .serverError)
            #expect(notInteger?.serverErrorPrefix == "ERR")
            #expect(notInteger?.message.contains("not an integer") == true)

            let wrongType = await expectRedisError { _ = try await pool.send(["LPUSH", "text", "x"]) }
            #expect(wrongType?.isServerError("WRONGTYPE") == true)

            let unknown = await expectRedisError { _ = try await pool.send(["NOSUCHCOMMAND"]) }
            #expect(unknown?.code == .serverError)
            #expect(unknown?.message.contains("unknown command") == true)

            // The connection keeps working after error replies.
            #expect(try await pool.send("PING") == .status("PONG"))
        }
    }

    @Test func pipelineKeepsOrderAndReturnsErrorsInPlace() async throws {
        try await withServerAndPool { _, pool in
            let sets = (0..<1000).map { ["SET", "p:\($0)", "\($0)"] }
            let setReplies = try await pool.pipeline(sets)
            #expect(setReplies.count == 1000)
            #expect(setReplies.allSatisfy { $0 == .status("OK") })
            let gets = try await pool.pipeline((0..<1000).map { ["GET", "p:\($0)"] })
            #expect(gets.map(\.int) == (0..<1000).map { Optional($0) })

            let mixed = try await pool.pipeline([["SET", "m", "x"], ["INCR", "m"], ["GET", "m"]])
            #expect(mixed[0] == .status("OK"))
            #expect(mixed[1].errorMessage?.hasPrefix("ERR") == true)
            #expect(throws: RedisError.self) { try mixed[1].throwingServerError() }
            #expect(mixed[2] == "x")

            // MULTI/EXEC inside one pipeline is never interleaved with other callers.
            let transaction = try await pool.pipeline([["MULTI"], ["INCR", "tx"], ["INCR", "m"], ["INCR", "tx"], ["EXEC"]])
            #expect(transaction[0] == .status("OK"))
            #expect(transaction[1] == .status("QUEUED"))
            guard case .array(let results) = transaction[4] else {
                Issue.record("EXEC did not return an array: \(transaction[4])")
                return
            }
            #expect(results.count == 3)
            #expect(results[0] == .integer(1))
            #expect(results[1].errorMessage != nil)
            #expect(results[2] == .integer(2))
        }
    }

    @Test func concurrentPipelinesStayContiguous() async throws {
        try await withServerAndPool(poolSize: 1) { _, pool in
            try await withThrowingTaskGroup(of: [RedisValue].self) { group in
                for task in 0..<8 {
                    group.addTask {
                        try await pool.pipeline((0..<200).map { _ in ["INCR", "contiguous:\(task)"] })
                    }
                }
                for try await replies in group {
                    #expect(replies == (1...200).map { .integer(Int64($0)) })
                }
            }
        }
    }

    @Test(arguments: [1, 2])
    func thirtyTwoTasksTimesAThousandIncrements(poolSize: Int) async throws {
        try await withServerAndPool(poolSize: poolSize) { _, pool in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<32 {
                    group.addTask {
                        for _ in 0..<1000 {
                            _ = try await pool.send(["INCR", "shared-counter"])
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await pool.send(["GET", "shared-counter"]).int == 32_000)
        }
    }
}
