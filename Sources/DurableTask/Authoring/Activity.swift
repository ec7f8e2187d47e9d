public import Logging

/// An activity: a unit of work with side effects, run at least once per scheduling.
public protocol Activity: Sendable {
    /// The input type. Use ``NoValue`` for none.
    associatedtype Input: Codable & Sendable = NoValue
    /// The output type. Use ``NoValue`` for none.
    associatedtype Output: Codable & Sendable = NoValue

    /// The stable registered name. Defaults to the type name.
    static var name: String { get }

    /// Runs the activity. Throwing fails the task; the orchestrator sees a ``TaskFailedError``.
    func run(input: Input, context: ActivityContext) async throws -> Output
}

extension Activity {
    /// The type name.
    public static var name: String { String(describing: Self.self) }
}

/// An untyped activity function over JSON payload text.
public typealias ActivityFunction = @Sendable (ActivityContext, String?) async throws -> String?

extension Activity {
    var function: ActivityFunction {
        { context, input in
            let typed = try PayloadCoding.decodeOrThrow(Input.self, from: input, what: "the input of activity '\(Self.name)'")
            let output = try await self.run(input: typed, context: context)
            return try PayloadCoding.encodeOrThrow(output, what: "the output of activity '\(Self.name)'")
        }
    }
}

/// What an activity knows about its invocation.
///
/// The activity runs in a task that is cancelled when the worker shuts down forcefully;
/// check `Task.isCancelled` or use cancellable APIs in long activities.
public struct ActivityContext: Sendable {
    /// The orchestration instance that scheduled the activity.
    public var instanceId: String
    /// The execution of that instance.
    public var executionId: String
    /// The activity's task ID (its sequence number in the orchestration).
    public var taskId: Int
    /// The activity name.
    public var name: String
    /// The attempt number under the caller's retry policy, starting at 1.
    public var attempt: Int
    /// A logger with the instance and task in its metadata.
    public var logger: Logger

    /// Creates a context (stores and tests).
    public init(instanceId: String, executionId: String, taskId: Int, name: String, attempt: Int, logger: Logger) {
        self.instanceId = instanceId
        self.executionId = executionId
        self.taskId = taskId
        self.name = name
        self.attempt = attempt
        self.logger = logger
    }

    /// Whether the worker is shutting down and asked the activity to stop.
    public var isCancelled: Bool { Task.isCancelled }
}
