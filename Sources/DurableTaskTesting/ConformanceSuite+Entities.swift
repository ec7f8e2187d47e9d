import DurableTask
import Foundation

extension ConformanceSuite {
    static var entities: [ConformanceScenario] {
        [
            ConformanceScenario("every entity has the implicit delete operation: its state is gone afterwards") { make in
                try await withHost(make) { host in
                    let client = host.client
                    // TestAccount defines no "delete" of its own.
                    let account = TestAccount.id("deleted")
                    try await client.signalEntity(account, operation: "deposit", input: 5)
                    try await waitUntil("the deposit") { try await client.getEntity(account)?.state == "5" }
                    try await client.signalEntity(account, operation: "delete")
                    try await waitUntil("the delete") { try await client.getEntity(account) == nil }
                    // It can be created again from nothing.
                    try await client.signalEntity(account, operation: "deposit", input: 2)
                    try await waitUntil("a new deposit") { try await client.getEntity(account)?.state == "2" }
                }
            },
            ConformanceScenario("entity signals create the entity and run in arrival order") { make in
                try await withHost(make) { host in
                    let counter = TestCounter.id("order")
                    let none = try await host.client.getEntity(counter)
                    try require(none == nil, "no entity before the first signal")
                    for item in ["a", "b", "c", "d"] {
                        try await host.client.signalEntity(counter, operation: "append", input: item)
                    }
                    try await waitUntil("four appends") {
                        try await host.client.getEntity(counter)?.state(as: TestCounter.State.self).log.count == 4
                    }
                    let entity = try await host.client.getEntity(counter)
                    try requireEqual(try entity?.state(as: TestCounter.State.self).log, ["a", "b", "c", "d"])
                    let instance = try await host.client.getInstance(counter.instanceId)
                    try requireEqual(instance?.name, "testcounter", "entities show up as instances named after the entity")
                }
            },
            ConformanceScenario("callEntity returns outputs; a failed operation rolls back and reports its failure") { make in
                try await withHost(make) { host in
                    let done = try await host.runToCompletion("EntityCalls", input: "calls")
                    try requireEqual(done.runtimeStatus, .completed)
                    try requireEqual(try done.output(as: [Int].self), [5, 1, 5])
                    try requireEqual(try await host.client.getEntity(TestCounter.id("calls"))?.state(as: TestCounter.State.self).value, 5)
                    // The entity stays usable after the failure.
                    try await host.client.signalEntity(TestCounter.id("calls"), operation: "add", input: 2)
                    try await waitUntil("add after failure") {
                        try await host.client.getEntity(TestCounter.id("calls"))?.state(as: TestCounter.State.self).value == 7
                    }
                }
            },
            ConformanceScenario("1,000 concurrent add-1 signals from clients and orchestrations sum to exactly 1,000") { make in
                try await withHost(make, workers: 2) { host in
                    let counter = TestCounter.id("thousand")
                    let client = host.client
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in 0..<10 {
                            group.addTask {
                                for _ in 0..<50 { try await client.signalEntity(counter, operation: "add", input: 1) }
                            }
                        }
                        for _ in 0..<50 {
                            group.addTask {
                                _ = try await client.scheduleNewOrchestration(
                                    named: "EntitySignals", input: SignalsInput(key: "thousand", count: 10))
                            }
                        }
                        try await group.waitForAll()
                    }
                    try await waitUntil("1,000 adds", timeout: .seconds(60)) {
                        try await client.getEntity(counter)?.state(as: TestCounter.State.self).value ?? 0 >= 1000
                    }
                    try await Task.sleep(for: .milliseconds(200))
                    try requireEqual(try await client.getEntity(counter)?.state(as: TestCounter.State.self).value, 1000,
                                     "every signal applied exactly once")
                }
            },
            ConformanceScenario("200 concurrent transfers under locks conserve the total and never overdraw") { make in
                try await withHost(make, workers: 2) { host in
                    let client = host.client
                    let keys = (0..<5).map { "acct\($0)" }
                    for key in keys { try await client.signalEntity(TestAccount.id(key), operation: "deposit", input: 100) }
                    var generator = SeededGenerator(seed: 42)
                    let transfers = (0..<200).map { _ -> TestTransfer in
                        let from = Int.random(in: 0..<5, using: &generator)
                        let to = (from + Int.random(in: 1..<5, using: &generator)) % 5
                        return TestTransfer(from: keys[from], to: keys[to], amount: Int.random(in: 1...80, using: &generator))
                    }
                    let ids = try await withThrowingTaskGroup(of: String.self) { group in
                        for transfer in transfers {
                            group.addTask { try await client.scheduleNewOrchestration(named: "Transfer", input: transfer) }
                        }
                        return try await group.reduce(into: [String]()) { $0.append($1) }
                    }
                    var outcomes: [String: Int] = [:]
                    for id in ids {
                        let done = try await client.waitForInstanceCompletion(id, timeout: .seconds(60))
                        try requireEqual(done.runtimeStatus, .completed, "\(done.failureDetails.map { "\($0)" } ?? "")")
                        outcomes[try done.output(as: String.self), default: 0] += 1
                    }
                    try requireEqual(outcomes.values.reduce(0, +), 200)
                    try require(outcomes["transferred", default: 0] > 0, "some transfers went through: \(outcomes)")
                    // The last releases travel after their orchestrations completed.
                    try await waitUntil("every lock released") {
                        for key in keys where try await client.getEntity(TestAccount.id(key))?.lockedBy != nil { return false }
                        return true
                    }
                    var total = 0
                    for key in keys {
                        let entity = try await client.getEntity(TestAccount.id(key))
                        let balance = try entity?.state(as: Int.self) ?? -1
                        try require(balance >= 0, "account \(key) has balance \(balance)")
                        total += balance
                    }
                    try requireEqual(total, 500, "the total is conserved")
                }
            },
            ConformanceScenario("a critical section makes others wait, and ends with termination or failure") { make in
                try await withHost(make) { host in
                    let client = host.client
                    for (key, end) in [("term", "terminate"), ("fail", "fail"), ("done", "go")] {
                        let counter = TestCounter.id(key)
                        let id = try await client.scheduleNewOrchestration(named: "LockAndWait", input: key)
                        try await waitUntil("lock taken") { try await client.getInstance(id)?.customStatus == "\"locked\"" }
                        try requireEqual(try await client.getEntity(counter), nil, "a lock alone gives no state")
                        try await client.signalEntity(counter, operation: "add", input: 10)
                        try await waitUntil("signal waits") {
                            let instance = try await client.getInstance(counter.instanceId)
                            return instance?.input?.contains("\"queue\":[{") == true
                        }
                        switch end {
                        case "terminate": try await client.terminate(id, reason: "stop")
                        case "fail": try await client.raiseEvent(id, name: "go", payload: "fail")
                        default: try await client.raiseEvent(id, name: "go", payload: "go")
                        }
                        let finished = try await client.waitForInstanceCompletion(id)
                        try requireEqual(finished.runtimeStatus, end == "terminate" ? .terminated : end == "fail" ? .failed : .completed)
                        let expected = end == "go" ? 11 : 10
                        try await waitUntil("waiting signal runs after \(end)") {
                            let entity = try await client.getEntity(counter)
                            return try entity?.state(as: TestCounter.State.self).value == expected && entity?.lockedBy == nil
                        }
                    }
                }
            },
            ConformanceScenario("inside a critical section the holder's signals run in order before its calls") { make in
                try await withHost(make) { host in
                    let done = try await host.runToCompletion("LockSignalCall", input: "holder")
                    try requireEqual(done.runtimeStatus, .completed)
                    try requireEqual(try done.output(as: Int.self), 2)
                }
            },
            ConformanceScenario("an emptied entity is removed, revived by the next operation, and cleaned") { make in
                try await withHost(make) { host in
                    let client = host.client
                    let counter = TestCounter.id("gone")
                    try await client.signalEntity(counter, operation: "add", input: 3)
                    try await waitUntil("created") { try await client.getEntity(counter) != nil }
                    try await client.signalEntity(counter, operation: "delete")
                    try await waitUntil("deleted") { try await client.getInstance(counter.instanceId)?.runtimeStatus == .completed }
                    try requireEqual(try await client.getEntity(counter), nil)
                    try await client.signalEntity(counter, operation: "add", input: 4)
                    try await waitUntil("revived") {
                        try await client.getEntity(counter)?.state(as: TestCounter.State.self).value == 4
                    }
                    try await client.signalEntity(counter, operation: "delete")
                    try await waitUntil("deleted again") { try await client.getInstance(counter.instanceId)?.runtimeStatus == .completed }
                    let cleaned = try await client.cleanEntityStorage()
                    try requireEqual(cleaned.emptyEntitiesRemoved, 1)
                    try requireEqual(try await client.getInstance(counter.instanceId), nil)
                }
            },
            ConformanceScenario("cleanEntityStorage releases a lock whose orchestration is gone") { make in
                try await withHost(make) { host in
                    let client = host.client
                    let counter = TestCounter.id("orphan")
                    // A live orchestration takes the lock (written straight into the store), then
                    // ends without releasing it, as a crashed or terminated holder could.
                    try await client.signalEntity(counter, operation: "add", input: 5)
                    try await waitUntil("the first add") { try await client.getEntity(counter)?.state != nil }
                    let holder = try await client.scheduleNewOrchestration(named: "WaitEvent", input: 1)
                    try await waitUntil("the holder runs") { try await client.getInstance(holder)?.runtimeStatus == .running }
                    try await forgeLock(on: counter, from: holder, host.store)
                    try await waitUntil("the lock") { try await client.getEntity(counter)?.lockedBy == holder }
                    try await client.signalEntity(counter, operation: "add", input: 1)
                    try await waitUntil("the signal waits") { try await client.getEntity(counter)?.backlog == 1 }
                    try await client.terminate(holder, reason: "gone")
                    _ = try await client.waitForInstanceCompletion(holder, timeout: .seconds(10))
                    let cleaned = try await client.cleanEntityStorage()
                    try requireEqual(cleaned.orphanedLocksReleased, 1)
                    try await waitUntil("the waiting signal ran") {
                        try await client.getEntity(counter)?.state(as: TestCounter.State.self).value == 6
                    }
                }
            },
            ConformanceScenario("a scheduled signal runs no earlier than its time") { make in
                try await withHost(make) { host in
                    let client = host.client
                    let counter = TestCounter.id("later")
                    let at = Date().addingTimeInterval(0.4)
                    try await client.signalEntity(counter, operation: "add", input: 1, at: at)
                    try await Task.sleep(for: .milliseconds(150))
                    let early = try await client.getEntity(counter)?.state(as: TestCounter.State.self).value ?? 0
                    // Judged only if this read surely came before the due time (a loaded machine may sleep long).
                    if Date() < at.addingTimeInterval(-0.05) { try requireEqual(early, 0, "the signal ran before its time") }
                    try await waitUntil("scheduled add") {
                        try await client.getEntity(counter)?.state(as: TestCounter.State.self).value == 1
                    }
                    let entity = try await client.getEntity(counter)
                    try require(entity!.lastModifiedTime >= at.addingTimeInterval(-0.01), "ran at \(entity!.lastModifiedTime), due \(at)")
                }
            },
            ConformanceScenario("an entity signals another entity") { make in
                try await withHost(make) { host in
                    try await host.client.signalEntity(TestCounter.id("a"), operation: "signalOther", input: "b")
                    try await waitUntil("b was signalled") {
                        try await host.client.getEntity(TestCounter.id("b"))?.state(as: TestCounter.State.self).value == 1
                    }
                }
            },
            ConformanceScenario("queryEntities filters by name prefix and time, with paging") { make in
                try await withHost(make) { host in
                    let client = host.client
                    let before = Date()
                    for i in 0..<5 { try await client.signalEntity(TestCounter.id("q\(i)"), operation: "add", input: i + 1) }
                    for i in 0..<2 { try await client.signalEntity(TestAccount.id("q\(i)"), operation: "deposit", input: 1) }
                    try await waitUntil("all created") {
                        var count = 0
                        for i in 0..<5 where try await client.getEntity(TestCounter.id("q\(i)")) != nil { count += 1 }
                        return count == 5
                    }
                    var seen: [EntityMetadata] = []
                    var token: String?
                    repeat {
                        let page = try await client.queryEntities(EntityQuery(namePrefix: "testc", pageSize: 2, continuationToken: token))
                        try require(page.entities.count <= 2)
                        seen += page.entities
                        token = page.continuationToken
                    } while token != nil
                    try requireEqual(Set(seen.map(\.id)), Set((0..<5).map { TestCounter.id("q\($0)") }))
                    let values = try seen.map { try $0.state(as: TestCounter.State.self).value }.sorted()
                    try requireEqual(values, [1, 2, 3, 4, 5])
                    let bare = try await client.queryEntities(EntityQuery(namePrefix: "testaccount", includeState: false))
                    try requireEqual(bare.entities.count, 2)
                    try require(bare.entities.allSatisfy { $0.state == nil }, "includeState: false returns no state")
                    let future = try await client.queryEntities(EntityQuery(lastModifiedFrom: Date().addingTimeInterval(60)))
                    try requireEqual(future.entities.count, 0)
                    let recent = try await client.queryEntities(EntityQuery(lastModifiedFrom: before, pageSize: 100))
                    try requireEqual(recent.entities.count, 7)
                }
            },
        ]
    }
}

/// The input of the `EntitySignals` test orchestration.
struct SignalsInput: Codable, Sendable {
    var key: String
    var count: Int
}

/// A small deterministic random generator (SplitMix64) for reproducible test data.
package struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    /// Creates a generator.
    package init(seed: UInt64) { state = seed }
    /// The next value.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
