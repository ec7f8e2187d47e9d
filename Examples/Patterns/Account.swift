public import DurableTask

/// Entity `Account`: a balance with `deposit` (int; fails if the balance would overflow `Int`),
/// `withdraw` (int; fails when funds are short) and `balance` → int.
public struct Account: Entity {
    /// Creates the entity.
    public init() {}

    /// A new account holds 0.
    public var initialState: Int { 0 }

    /// `deposit`, `withdraw`, `balance`.
    public var operations: EntityOperations<Int> {
        EntityOperations()
            .on("deposit") { (balance: inout Int, amount: Int, _: EntityContext) in
                guard amount >= 0 else { throw ApplicationError(type: "InvalidAmount", message: "cannot deposit \(amount)") }
                balance = try CheckedInput.sum(balance, amount, "deposit to balance")
            }
            .on("withdraw") { (balance: inout Int, amount: Int, _: EntityContext) in
                guard amount >= 0 else { throw ApplicationError(type: "InvalidAmount", message: "cannot withdraw \(amount)") }
                guard balance >= amount else {
                    throw ApplicationError(type: "InsufficientFunds", message: "balance \(balance) is less than \(amount)")
                }
                balance -= amount
            }
            .on("balance") { (balance: inout Int, _: NoValue, _: EntityContext) -> Int in balance }
    }
}

/// The input of ``BankTransfer``.
public struct TransferInput: Codable, Sendable, Hashable {
    /// The account key to take from.
    public var from: String
    /// The account key to pay into.
    public var to: String
    /// The amount.
    public var amount: Int

    /// Creates an input.
    public init(from: String, to: String, amount: Int) {
        self.from = from
        self.to = to
        self.amount = amount
    }
}

/// Moves money between two ``Account``s inside a critical section that locks both, so no
/// other operation sees or changes them halfway. Output "transferred" or "insufficient funds".
/// A negative amount fails with ``InvalidInput``; so does a deposit that would overflow the
/// receiving balance, and then nothing has moved (it is paid in before it is taken out).
public struct BankTransfer: Orchestrator {
    /// Creates the orchestrator.
    public init() {}

    /// Runs the transfer.
    public func run(context: OrchestrationContext, input: TransferInput) async throws -> String {
        try CheckedInput.integer(input.amount, named: "amount", in: 0...Int.max)
        let from = Account.id(input.from)
        let to = Account.id(input.to)
        return try await context.lockEntities([from, to]) {
            let balance = try await context.callEntity(from, operation: "balance", returning: Int.self)
            guard balance >= input.amount else { return "insufficient funds" }
            // Deposit first: it is the step that can fail (overflow), and then nothing has moved.
            // The withdrawal cannot fail: the balance was checked under the lock.
            _ = try await context.callEntity(to, operation: "deposit", input: input.amount, returning: NoValue.self)
            _ = try await context.callEntity(from, operation: "withdraw", input: input.amount, returning: NoValue.self)
            return "transferred"
        }
    }
}
