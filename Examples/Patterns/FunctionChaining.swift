public import DurableTask

/// Activity: greets a city.
public struct SayHello: Activity {
    /// Creates the activity.
    public init() {}

    /// Returns `Hello <city>!`.
    public func run(input: String, context: ActivityContext) async throws -> String {
        "Hello \(input)!"
    }
}

/// Function chaining: calls ``SayHello`` for Tokyo, Seattle and London, one after another.
///
/// Output: `["Hello Tokyo!","Hello Seattle!","Hello London!"]`.
public struct FunctionChaining: Orchestrator {
    /// Creates the orchestrator.
    public init() {}

    /// Runs the chain.
    public func run(context: OrchestrationContext, input: NoValue) async throws -> [String] {
        var greetings: [String] = []
        for city in ["Tokyo", "Seattle", "London"] {
            greetings.append(try await context.callActivity(SayHello.self, input: city))
        }
        return greetings
    }
}

/// The smallest orchestration with work in it: one ``SayHello`` call. Input: a name.
///
/// Output: `"Hello <name>!"`. The benchmarks time it end to end (`bench/python/http_bench.py`).
public struct Hello: Orchestrator {
    /// Creates the orchestrator.
    public init() {}

    /// Greets `input`.
    public func run(context: OrchestrationContext, input: String) async throws -> String {
        try await context.callActivity(SayHello.self, input: input)
    }
}
