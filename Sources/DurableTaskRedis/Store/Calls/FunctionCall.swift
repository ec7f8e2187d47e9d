import DurableTask

/// One call of a function of the `durabletask` library: the keys it touches, its arguments in the
/// order of its contract (`lua/<name>.lua`), and how its reply decodes. Each function has one
/// such type, so no call site builds a positional argument list by hand.
protocol FunctionCall: Sendable {
    /// What the reply decodes to.
    associatedtype Reply: Sendable
    /// The function called.
    static var function: LuaLibrary.Function { get }
    /// Every key the function touches, in its `KEYS` order.
    var keys: [String] { get }
    /// The function's `ARGV`.
    var arguments: [String] { get }
    /// The instance the call is about, for error messages ("" for a partition call).
    var instanceId: String { get }
    /// Decodes a reply that is not an error.
    /// - Throws: ``DurableTaskError`` with code ``DurableTaskError/Code/storeFailure`` when the
    ///   reply does not match the function's contract.
    static func decode(_ reply: RedisValue) throws -> Reply
}

extension FunctionCall {
    /// `FCALL <function> <numkeys> <keys...> <arguments...>`.
    var command: [String] { FunctionLibrary.call(Self.function, keys: keys, arguments: arguments) }

    /// The error for a reply that does not match the function's contract.
    static func unexpected(_ reply: RedisValue) -> DurableTaskError {
        DurableTaskError(.storeFailure, "unexpected \(function.rawValue) reply: \(reply)")
    }
}

/// The `ARGV` of a function call, appended in the order of its contract.
///
/// "No value" has one spelling, ``none`` (a single NUL), for every argument of every function: an
/// empty string stays a value (an empty output, for example).
struct FunctionArguments: Sendable {
    /// How the functions' contracts spell a missing argument.
    static let none = "\0"

    /// The arguments so far.
    private(set) var values: [String] = []

    init() {}

    /// Appends a text argument.
    mutating func add(_ value: String) { values.append(value) }
    /// Appends an integer.
    mutating func add(_ value: Int) { values.append(String(value)) }
    /// Appends an integer.
    mutating func add(_ value: Int64) { values.append(String(value)) }
    /// Appends `1` or `0`.
    mutating func add(_ flag: Bool) { values.append(flag ? "1" : "0") }
    /// Appends a value, or ``none``.
    mutating func add(optional value: String?) { values.append(value ?? Self.none) }
    /// Appends ``none`` until there are `count` arguments (the optional arguments a contract puts
    /// before those that follow).
    mutating func skip(to count: Int) {
        while values.count < count { values.append(Self.none) }
    }
}

/// The work item a function leased to the caller:
/// `{ execution ID, history length, message count, delivery count, message JSON... }`
/// (`leaseInstance` in `lua/lib.lua`).
struct LeasedInstance: Sendable, Equatable {
    /// The instance's execution ID; `nil` before its first turn.
    var executionId: String?
    /// The number of events in the stored history.
    var historyLength: Int
    /// Leases since the last commit, this one included.
    var deliveryCount: Int
    /// The leased inbox messages, in order.
    var messages: [HistoryEvent]

    /// Decodes a lease reply (an array); `nil` for any other reply.
    static func decode(_ reply: RedisValue, function: LuaLibrary.Function) throws -> LeasedInstance? {
        guard let parts = reply.array else { return nil }
        guard parts.count >= 4, let exec = parts[0].string, let length = parts[1].int, let count = parts[2].int,
            let deliveries = parts[3].int, parts.count == 4 + count
        else { throw DurableTaskError(.storeFailure, "unexpected \(function.rawValue) reply: \(reply)") }
        let messages = try parts[4...].map { try RedisCodec.decode(HistoryEvent.self, $0.string ?? "") }
        return LeasedInstance(
            executionId: exec.isEmpty ? nil : exec, historyLength: length, deliveryCount: deliveries, messages: messages)
    }

    /// The work item for `instanceId` leased under `token`.
    func workItem(instanceId: String, token: String) -> OrchestrationWorkItem {
        OrchestrationWorkItem(
            instanceId: instanceId, executionId: executionId,
            messages: messages.map { OrchestrationMessage(instanceId: instanceId, event: $0) }, historyLength: historyLength,
            lockToken: token, deliveryCount: deliveryCount)
    }
}

/// The reply of a function that answers only `1` (or an error).
enum Acknowledged {
    static func decode(_ reply: RedisValue, function: LuaLibrary.Function) throws {
        guard reply.int == 1 else { throw DurableTaskError(.storeFailure, "unexpected \(function.rawValue) reply: \(reply)") }
    }
}
