/// An orchestrator: ordinary `async` Swift code that the engine replays deterministically.
///
/// Orchestrator code must reach the world only through its ``OrchestrationContext``.
/// Forbidden inside `run`: `Date()`, `UUID()`, random numbers, `Task.sleep`, `Task.detached`,
/// actors and global actors (including `@MainActor`), I/O, locks, continuations resumed
/// from other threads, and letting the iteration order of a `Dictionary` or `Set` decide which
/// calls are made (their order differs between processes). Use `context.currentUtcDateTime`, `context.newGUID()`,
/// `context.createTimer`, activities and sub-orchestrations instead. A violation fails the
/// instance with a ``FailureDetails`` of type ``EngineFailure/nonDurableAwait`` or
/// ``EngineFailure/contextMisuse``; it never hangs.
///
/// `async let`, task groups, ``OrchestrationContext/whenAll(_:)`` and
/// ``OrchestrationContext/whenAny(_:)`` replay in the same order every time.
public protocol Orchestrator: Sendable {
    /// The input type. Use ``NoValue`` for none.
    associatedtype Input: Codable & Sendable = NoValue
    /// The output type. Use ``NoValue`` for none.
    associatedtype Output: Codable & Sendable = NoValue

    /// The stable registered name. Defaults to the type name.
    static var name: String { get }

    /// Runs the orchestration.
    func run(context: OrchestrationContext, input: Input) async throws -> Output
}

extension Orchestrator {
    /// The type name.
    public static var name: String { String(describing: Self.self) }
}

/// An untyped orchestrator function over JSON payload text, for hosts and remote workers.
public typealias OrchestratorFunction = @Sendable (OrchestrationContext, String?) async throws -> String?

extension Orchestrator {
    /// This orchestrator as an untyped function.
    var function: OrchestratorFunction {
        { context, input in
            let typed = try PayloadCoding.decodeOrThrow(Input.self, from: input, what: "the input of orchestrator '\(Self.name)'")
            let output = try await self.run(context: context, input: typed)
            return try PayloadCoding.encodeOrThrow(output, what: "the output of orchestrator '\(Self.name)'")
        }
    }
}
