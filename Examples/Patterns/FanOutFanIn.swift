public import DurableTask

/// Activity: returns the work items 1...n, for n from 1 to ``maxItems``.
public struct GetWorkItems: Activity {
    /// The most work items: each is an activity of the fan-out, with its events in the history.
    public static let maxItems = 10_000

    /// Creates the activity.
    public init() {}

    /// Returns `[1, 2, ..., n]`; fails with ``InvalidInput`` unless 1 ≤ n ≤ ``maxItems``.
    public func run(input: Int, context: ActivityContext) async throws -> [Int] {
        Array(1...(try Self.checkedCount(input)))
    }

    /// `n` if it is a valid item count, else ``InvalidInput``.
    static func checkedCount(_ n: Int) throws(InvalidInput) -> Int {
        try CheckedInput.integer(n, named: "the item count n", in: 1...maxItems)
    }
}

/// Activity: processes one work item (doubles it).
public struct ProcessItem: Activity {
    /// Creates the activity.
    public init() {}

    /// Returns `2 × item`; fails with ``InvalidInput`` if that overflows `Int`.
    public func run(input: Int, context: ActivityContext) async throws -> Int {
        try CheckedInput.product(input, 2, "ProcessItem")
    }
}

/// Fan-out/fan-in: gets the work items 1...n, processes them all in parallel and sums the results.
///
/// Input: n, from 1 to ``GetWorkItems/maxItems``. Output: the sum of `2 × item`, i.e. n(n+1).
/// Any other n fails the instance with ``InvalidInput`` before anything is scheduled.
public struct FanOutFanIn: Orchestrator {
    /// Creates the orchestrator.
    public init() {}

    /// Runs the fan-out.
    public func run(context: OrchestrationContext, input: Int) async throws -> Int {
        let items = try await context.callActivity(GetWorkItems.self, input: try GetWorkItems.checkedCount(input))
        let futures = try items.map { try context.scheduleActivity(ProcessItem.self, input: $0) }
        return try await context.whenAll(futures).reduce(0) { try CheckedInput.sum($0, $1, "the sum of the results") }
    }
}
