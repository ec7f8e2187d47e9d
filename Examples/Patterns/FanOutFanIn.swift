public import DurableTask

/// Activity: returns the work items 1...n (at least one).
public struct GetWorkItems: Activity {
    /// Creates the activity.
    public init() {}

    /// Returns `[1, 2, ..., max(1, n)]`.
    public func run(input: Int, context: ActivityContext) async throws -> [Int] { Array(1...max(1, input)) }
}

/// Activity: processes one work item (doubles it).
public struct ProcessItem: Activity {
    /// Creates the activity.
    public init() {}

    /// Returns `2 × item`.
    public func run(input: Int, context: ActivityContext) async throws -> Int { input * 2 }
}

/// Fan-out/fan-in: gets the work items 1...n, processes them all in parallel and sums the results.
///
/// Input: n. Output: the sum of `2 × item`, i.e. n(n+1).
public struct FanOutFanIn: Orchestrator {
    /// Creates the orchestrator.
    public init() {}

    /// Runs the fan-out.
    public func run(context: OrchestrationContext, input: Int) async throws -> Int {
        let items = try await context.callActivity(GetWorkItems.self, input: input)
        let futures = try items.map { try context.scheduleActivity(ProcessItem.self, input: $0) }
        return try await context.whenAll(futures).reduce(0, +)
    }
}
