public import DurableTask
import Logging

/// The input of ``PeriodicCleanup``.
public struct PeriodicCleanupInput: Codable, Sendable, Hashable {
    /// Milliseconds to wait between generations: 0 to 10,000 years.
    public var intervalMs: Int
    /// Complete after this many generations (at least 1); run forever when `nil`.
    public var maxGenerations: Int?
    /// Generations already done (carried by continue-as-new; 0 at the start, never negative).
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
        context.logger.debug("cleanup", metadata: [LogKeys.generation: "\(input)"])
        return input
    }
}

/// An eternal orchestration: each generation calls ``Cleanup``, waits `intervalMs` on a durable
/// timer, and continues as new with the generation count. With `maxGenerations` k it completes
/// after k generations with output k. The custom status shows the generation. An input out of
/// range (see ``PeriodicCleanupInput``) fails the instance with ``InvalidInput``.
public struct PeriodicCleanup: Orchestrator {
    /// The longest interval: 10,000 years in milliseconds.
    public static let maxIntervalMs = Int(DurableTime.maxDelaySeconds) * 1000

    /// Creates the orchestrator.
    public init() {}

    /// Runs one generation.
    public func run(context: OrchestrationContext, input: PeriodicCleanupInput) async throws -> Int {
        let done = try CheckedInput.integer(input.generation ?? 0, named: "generation", in: 0...Int.max)
        let generation = try CheckedInput.sum(done, 1, "the next generation")
        try CheckedInput.integer(input.intervalMs, named: "intervalMs", in: 0...Self.maxIntervalMs)
        if let max = input.maxGenerations { try CheckedInput.integer(max, named: "maxGenerations", in: 1...Int.max) }
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
