import DurableExamples
import DurableTask
import DurableTaskTesting
import Testing

/// The examples on the in-memory store with inputs at the limits of `Int` and `Double`: each
/// instance fails with a message that names the problem, and the test process (which runs the
/// worker) does not trap. Before the examples checked their arithmetic, these crashed it.
@Suite("Example input limits", .timeLimit(.minutes(1)))
struct ExampleInputLimitTests {
    /// Runs `body` with a worker serving the examples and two callers on an in-memory store:
    /// `CallEntity` (input ``EntityCall``) calls an entity operation with an `Int`, and
    /// `DoubleIt` (input n) calls ``ProcessItem``.
    func withExamples(_ body: (TestHost) async throws -> Void) async throws {
        try await TestHost.run(store: InMemoryOrchestrationStore(), register: {
            ExampleCatalog.register(into: &$0)
            $0.addOrchestrator(named: "CallEntity") { context, input in
                let call = try PayloadCoding.decode(EntityCall.self, from: input)
                _ = try await context.callEntity(call.entity, operation: call.operation, input: call.amount, returning: NoValue.self)
                return nil
            }
            $0.addOrchestrator(named: "DoubleIt") { context, input in
                let n = try PayloadCoding.decode(Int.self, from: input)
                return try PayloadCoding.encode(try await context.callActivity(ProcessItem.self, input: n))
            }
        }, body)
    }

    struct EntityCall: Codable {
        var entity: EntityID
        var operation: String
        var amount: Int
    }

    func call(_ host: TestHost, _ entity: EntityID, _ operation: String, _ amount: Int) async throws -> OrchestrationMetadata {
        try await host.runToCompletion(
            "CallEntity", input: EntityCall(entity: entity, operation: operation, amount: amount), timeout: .seconds(10))
    }

    @Test(arguments: HostileExampleInput.all)
    func hostileInputFailsTheInstance(_ hostile: HostileExampleInput) async throws {
        try await withExamples { host in
            let id = try await host.client.scheduleNewOrchestration(named: hostile.name, rawInput: hostile.json).instanceId
            let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
            #expect(done.runtimeStatus == .failed, "output: \(done.output ?? "null")")
            let failure = try #require(done.failureDetails)
            #expect(failure.errorType == hostile.errorType, "\(failure)")
            #expect(failure.errorMessage.contains(hostile.message), "\(failure)")
        }
    }

    /// `ProcessItem` checks its own arithmetic, whoever calls it.
    @Test func processItemOverflowFailsTheActivity() async throws {
        try await withExamples { host in
            for n in [Int.max, Int.min] {
                let done = try await host.runToCompletion("DoubleIt", input: n)
                #expect(done.runtimeStatus == .failed)
                let cause = try #require(done.failureDetails?.innerFailure)
                #expect(cause.errorType == "InvalidInput")
                #expect(cause.errorMessage == "ProcessItem: \(n) × 2 overflows Int")
            }
            #expect(try await host.runToCompletion("DoubleIt", input: Int.max / 2).output(as: Int.self) == Int.max - 1)
        }
    }

    /// A `Counter` add that would overflow fails that operation alone: the caller gets the failure,
    /// the counter keeps its value and goes on working.
    @Test func counterAddOverflowFailsTheOperation() async throws {
        try await withExamples { host in
            let counter = Counter.id("limits")
            #expect(try await call(host, counter, "add", Int.max).runtimeStatus == .completed)
            let over = try await call(host, counter, "add", 1)
            #expect(over.runtimeStatus == .failed)
            #expect(over.failureDetails?.innerFailure?.errorMessage == "Counter add: 9223372036854775807 + 1 overflows Int",
                    "\(String(describing: over.failureDetails))")
            #expect(try await host.client.getEntity(counter)?.state(as: Int.self) == Int.max)

            #expect(try await call(host, counter, "add", -Int.max).runtimeStatus == .completed)
            #expect(try await call(host, counter, "add", Int.min).runtimeStatus == .completed)
            let under = try await call(host, counter, "add", -1)
            #expect(under.failureDetails?.innerFailure?.errorMessage == "Counter add: -9223372036854775808 + -1 overflows Int",
                    "\(String(describing: under.failureDetails))")
            #expect(try await host.client.getEntity(counter)?.state(as: Int.self) == Int.min)
        }
    }

    /// A transfer into a balance that would overflow fails and moves nothing; a deposit that would
    /// overflow fails alone.
    @Test func bankTransferIntoAFullAccountMovesNothing() async throws {
        try await withExamples { host in
            let alice = Account.id("alice"), bob = Account.id("bob")
            #expect(try await call(host, alice, "deposit", 100).runtimeStatus == .completed)
            #expect(try await call(host, bob, "deposit", Int.max).runtimeStatus == .completed)
            let over = try await call(host, bob, "deposit", 1)
            #expect(over.failureDetails?.innerFailure?.errorMessage == "deposit to balance: 9223372036854775807 + 1 overflows Int",
                    "\(String(describing: over.failureDetails))")

            let transfer = try await host.runToCompletion("BankTransfer", input: TransferInput(from: "alice", to: "bob", amount: 1))
            #expect(transfer.runtimeStatus == .failed)
            #expect(transfer.failureDetails?.innerFailure?.errorMessage == "deposit to balance: 9223372036854775807 + 1 overflows Int",
                    "\(String(describing: transfer.failureDetails))")
            #expect(try await host.client.getEntity(alice)?.state(as: Int.self) == 100)
            #expect(try await host.client.getEntity(bob)?.state(as: Int.self) == Int.max)

            // The locks were released: the accounts still serve a transfer the other way.
            let back = try await host.runToCompletion("BankTransfer", input: TransferInput(from: "bob", to: "alice", amount: 5))
            #expect(try back.output(as: String.self) == "transferred")
            #expect(try await host.client.getEntity(alice)?.state(as: Int.self) == 105)
        }
    }
}
