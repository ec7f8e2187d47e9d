public import DurableTask

/// Entity `Counter`: an integer with `add` (int), `reset` and `get` → int. An `add` that would
/// overflow `Int` fails with ``InvalidInput`` and leaves the counter as it was.
public struct Counter: Entity {
    /// Creates the entity.
    public init() {}

    /// A new counter is 0.
    public var initialState: Int { 0 }

    /// `add`, `reset`, `get`.
    public var operations: EntityOperations<Int> {
        EntityOperations()
            .on("add") { (state: inout Int, amount: Int, _: EntityContext) in
                state = try CheckedInput.sum(state, amount, "Counter add")
            }
            .on("reset") { (state: inout Int, _: NoValue, _: EntityContext) in state = 0 }
            .on("get") { (state: inout Int, _: NoValue, _: EntityContext) -> Int in state }
    }
}
