/// A durable entity: a small piece of durable state with named operations.
///
/// Operations on one entity run one at a time, in arrival order per sender. A failed operation
/// rolls back its state change (and the signals and starts it made) and reports the failure to
/// the caller; the entity stays usable. Every entity also has the implicit `delete` operation of
/// Durable Functions (unless it defines its own): its state goes, and it reads as not found.
///
/// ```swift
/// struct Counter: Entity {
///     var initialState: Int { 0 }
///     var operations: EntityOperations<Int> {
///         EntityOperations()
///             .on("add") { (state: inout Int, amount: Int, _) in state += amount }
///             .on("get") { (state: inout Int, _: NoValue, _) in state }
///     }
/// }
/// ```
public protocol Entity: Sendable {
    /// The state type.
    associatedtype State: Codable & Sendable

    /// The registered name (case-insensitive). Defaults to the type name.
    static var name: String { get }
    /// The state of an entity that has none yet.
    var initialState: State { get }
    /// The operations, by name.
    var operations: EntityOperations<State> { get }
}

extension Entity {
    /// The type name.
    public static var name: String { String(describing: Self.self) }

    /// An ID of this entity type.
    public static func id(_ key: String) -> EntityID { EntityID(name: name, key: key) }
}

/// An untyped entity operation over JSON text: reads and writes state through the context and
/// returns the serialized output.
public typealias EntityFunction = @Sendable (EntityContext) async throws -> String?

/// The named operations of an entity, dispatched by name (case-insensitively), not by reflection.
public struct EntityOperations<State: Codable & Sendable>: Sendable {
    typealias Handler = @Sendable (inout State, String?, EntityContext) async throws -> String?
    private(set) var handlers: [String: Handler] = [:]

    /// Creates an empty set.
    public init() {}

    /// Adds an operation with a typed input and output.
    public func on<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, _ handler: @escaping @Sendable (inout State, Input, EntityContext) async throws -> Output
    ) -> Self {
        var copy = self
        copy.handlers[name.lowercased()] = { state, input, context in
            let typed = try PayloadCoding.decodeOrThrow(Input.self, from: input, what: "the input of operation '\(name)'")
            let output = try await handler(&state, typed, context)
            return try PayloadCoding.encodeOrThrow(output, what: "the output of operation '\(name)'")
        }
        return copy
    }

    /// Adds an operation with a typed input and no output.
    public func on<Input: Decodable & Sendable>(
        _ name: String, _ handler: @escaping @Sendable (inout State, Input, EntityContext) async throws -> Void
    ) -> Self {
        on(name) { (state: inout State, input: Input, context: EntityContext) -> NoValue in
            try await handler(&state, input, context)
            return NoValue()
        }
    }
}

extension Entity {
    /// This entity as an untyped function.
    var function: EntityFunction {
        let operations = self.operations
        let initial = self.initialState
        return { context in
            guard let handler = operations.handlers[context.operationName.lowercased()] else {
                // Every entity has Durable Functions' implicit `delete`: its state goes.
                if context.operationName.lowercased() == "delete" {
                    context.deleteState()
                    return nil
                }
                throw ApplicationError(
                    type: EngineFailure.entityOperationNotFound,
                    message: "Entity '\(Self.name)' has no operation '\(context.operationName)'", isNonRetriable: true)
            }
            var state = context.hasState
                ? try context.getState(as: State.self) : initial
            let output = try await handler(&state, context.rawInput, context)
            if !context.stateDeletedByOperation { try context.setState(state) }
            return output
        }
    }
}
