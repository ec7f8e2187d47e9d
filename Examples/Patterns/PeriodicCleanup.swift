public import DurableTask
import Logging

/// The input of ``PeriodicCleanup``.
public struct PeriodicCleanupInput: Codable, Sendable, Hashable {
    /// Milliseconds to wait between generations.
    public var intervalMs: Int
    /// Complete after this many generations; run forever when `nil`.
    public var maxGenerations: Int?
    /// Generations already done (carried by continue-as-new; 0 at the start).
    public var generation: Int?

    /// Creates an input.
    public init(intervalMs: Int, maxGenerations: Int? = nil, generation: Int? = nil) {
        self.intervalMs = intervalMs
        self.maxGenerations = maxGenerations
        self.generation = generation
    }
}

/// Activity: one round of cleanup. Returns the generation it cleaned for.
public struct Cleanup: Activity {
    /// Creates the activity.
    public init() {}

    /// Does the (example's empty) cleanup work.
    public func run(input: Int, context: ActivityContext) async throws -> Int {
        context.logger.debug("cleanup", metadata: ["generation": "\(input)"])
        return input
    }
}

/// An eternal orchestration: each generation calls ``Cleanup``, waits `intervalMs` on a durable
/// timer, and continues as new with the generation count. With `maxGenerations` k it completes
/// after k generations with output k. The custom status shows the generation.
public struct PeriodicCleanup: Orchestrator {
    /// Creates the orchestrator.
    public init() {}

    /// Runs one generation.
    public func run(context: OrchestrationContext, input: PeriodicCleanupInput) async throws -> Int {
        let generation = (input.generation ?? 0) + 1
        try context.setCustomStatus(["generation": generation])
        _ = try await context.callActivity(Cleanup.self, input: generation)
        if input.intervalMs > 0 {
            try await context.createTimer(for: .milliseconds(input.intervalMs))
        }
        if let max = input.maxGenerations, generation >= max {
            return generation
        }
        var next = input
        next.generation = generation
        try context.continueAsNew(input: next)
    }
}
