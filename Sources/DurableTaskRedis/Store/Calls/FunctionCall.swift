import DurableTaskRedisClient
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
