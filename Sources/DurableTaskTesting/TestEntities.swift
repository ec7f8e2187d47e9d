package import DurableTask
import Foundation

/// Entity `TestCounter`: `add` (int), `addThenFail` (adds, then throws: must roll back),
/// `get`, `delete` (removes the state), `append` (string, to a log kept beside the value).
package struct TestCounter: Entity {
    /// The state: a value and the log of `append`s, in the order they ran.
    package struct State: Codable, Sendable, Hashable {
        /// The value.
        package var value = 0
        /// What `append` received, in order.
        package var log: [String] = []
    }

    /// Creates the entity.
    package init() {}

    /// Zero, empty log.
    package var initialState: State { State() }

    /// The operations.
    package var operations: EntityOperations<State> {
        EntityOperations()
            .on("add") { (state: inout State, amount: Int, _: EntityContext) in state.value += amount }
            .on("addThenFail") { (state: inout State, amount: Int, _: EntityContext) in
                state.value += amount
                throw ApplicationError(type: "TestFailure", message: "addThenFail fails after adding \(amount)")
            }
            .on("get") { (state: inout State, _: NoValue, _: EntityContext) -> Int in state.value }
            .on("append") { (state: inout State, item: String, _: EntityContext) in state.log.append(item) }
            .on("delete") { (_: inout State, _: NoValue, context: EntityContext) in context.deleteState() }
            .on("signalOther") { (_: inout State, key: String, context: EntityContext) in
                try context.signalEntity(TestCounter.id(key), operation: "add", input: 1)
            }
    }
}

/// Entity `TestAccount`: `deposit`, `withdraw` (fails when short), `balance`.
package struct TestAccount: Entity {
    /// Creates the entity.
    package init() {}

    /// A new account holds 0.
    package var initialState: Int { 0 }

    /// The operations.
    package var operations: EntityOperations<Int> {
        EntityOperations()
            .on("deposit") { (balance: inout Int, amount: Int, _: EntityContext) in balance += amount }
            .on("withdraw") { (balance: inout Int, amount: Int, _: EntityContext) in
                guard balance >= amount else { throw ApplicationError(type: "InsufficientFunds", message: "short") }
                balance -= amount
            }
            .on("balance") { (balance: inout Int, _: NoValue, _: EntityContext) -> Int in balance }
    }
}

/// The input of the `Transfer` test orchestration.
package struct TestTransfer: Codable, Sendable, Hashable {
    /// Account keys and amount.
    package var from: String, to: String, amount: Int

    /// Creates an input.
    package init(from: String, to: String, amount: Int) {
        self.from = from
        self.to = to
        self.amount = amount
    }
}

extension TestOrchestrations {
    /// Registers the test entities and the orchestrations that use them.
    static func registerEntities(_ r: inout TaskRegistry) {
        r.addEntity(TestCounter())
        r.addEntity(TestAccount())
        // Calls TestCounter `key`: add 5, get, addThenFail 100 (caught), get. Output [5, failed?, 5].
        r.addOrchestrator(named: "EntityCalls") { ctx, input in
            let counter = TestCounter.id(try PayloadCoding.decode(String.self, from: input))
            _ = try await ctx.callEntity(counter, operation: "add", input: 5, returning: NoValue.self)
            let first = try await ctx.callEntity(counter, operation: "get", returning: Int.self)
            var failed = 0
            do {
                _ = try await ctx.callEntity(counter, operation: "addThenFail", input: 100, returning: NoValue.self)
            } catch let error as EntityOperationFailedError {
                failed = error.cause.errorType == "TestFailure" ? 1 : -1
            }
            let after = try await ctx.callEntity(counter, operation: "get", returning: Int.self)
            return try PayloadCoding.encode([first, failed, after])
        }
        // Signals TestCounter `key` with add 1, `count` times.
        r.addOrchestrator(named: "EntitySignals") { ctx, input in
            struct Input: Codable { var key: String; var count: Int }
            let request = try PayloadCoding.decode(Input.self, from: input)
            for _ in 0..<request.count { try ctx.signalEntity(TestCounter.id(request.key), operation: "add", input: 1) }
            return nil
        }
        // Moves money between TestAccounts inside a critical section.
        r.addOrchestrator(named: "Transfer") { ctx, input in
            let t = try PayloadCoding.decode(TestTransfer.self, from: input)
            let from = TestAccount.id(t.from), to = TestAccount.id(t.to)
            let outcome = try await ctx.lockEntities([from, to]) { () async throws -> String in
                let balance = try await ctx.callEntity(from, operation: "balance", returning: Int.self)
                guard balance >= t.amount else { return "insufficient funds" }
                _ = try await ctx.callEntity(from, operation: "withdraw", input: t.amount, returning: NoValue.self)
                _ = try await ctx.callEntity(to, operation: "deposit", input: t.amount, returning: NoValue.self)
                return "transferred"
            }
            return try PayloadCoding.encode(outcome)
        }
        // Inside a critical section on TestCounter `key`: signals add 2, then calls get. Output: what get saw.
        r.addOrchestrator(named: "LockSignalCall") { ctx, input in
            let counter = TestCounter.id(try PayloadCoding.decode(String.self, from: input))
            let seen = try await ctx.lockEntities([counter]) { () async throws -> Int in
                try ctx.signalEntity(counter, operation: "add", input: 2)
                return try await ctx.callEntity(counter, operation: "get", returning: Int.self)
            }
            return try PayloadCoding.encode(seen)
        }
        // Locks TestCounter `key`, then waits inside the critical section for event "go"
        // (sets custom status "locked" first); on "go" adds 1 and finishes. With "fail" it throws.
        r.addOrchestrator(named: "LockAndWait") { ctx, input in
            let counter = TestCounter.id(try PayloadCoding.decode(String.self, from: input))
            try await ctx.lockEntities([counter]) {
                try ctx.setCustomStatus("locked")
                let command = try await ctx.waitForExternalEvent("go", as: String.self)
                if command == "fail" { throw ApplicationError(type: "TestFailure", message: "failing inside the lock") }
                _ = try await ctx.callEntity(counter, operation: "add", input: 1, returning: NoValue.self)
            }
            return try PayloadCoding.encode("released")
        }
    }
}
