/// A durable operation in flight: an activity, sub-orchestration, timer or event wait.
///
/// Await ``value`` for the result. Several futures can be awaited together with
/// ``OrchestrationContext/whenAll(_:)`` and ``OrchestrationContext/whenAny(_:)``.
public struct DurableFuture<Output: Sendable>: Sendable {
    let source: CompletionSource
    let context: OrchestrationContext
    let decode: @Sendable (String?) throws -> Output

    /// Waits for the result. Throws ``TaskFailedError`` when the operation failed.
    public var value: Output {
        get async throws {
            try context.checkUsable()
            await DurableWaiter.wait(for: [source], context: context)
            try context.checkUsable()
            return try decode(try source.result!.get())
        }
    }

    /// Whether the result is already known.
    public var isCompleted: Bool { source.isCompleted }

    /// The future as a type-erased handle, for ``OrchestrationContext/whenAny(_:)``.
    public var erased: AnyDurableFuture { AnyDurableFuture(source: source) }
}

/// A type-erased ``DurableFuture``.
public struct AnyDurableFuture: Sendable {
    let source: CompletionSource
}

extension OrchestrationContext {
    /// A future that decodes the source's payload as `T`; `what` names the payload in errors.
    func future<T: Decodable & Sendable>(
        _ source: CompletionSource, as type: T.Type, what: @escaping @Sendable () -> String
    ) -> DurableFuture<T> {
        DurableFuture(source: source, context: self) { text in
            try PayloadCoding.decodeOrThrow(T.self, from: text, what: what())
        }
    }

    /// Waits until every future has finished, then returns their values in order, or throws
    /// the first failure in list order.
    public func whenAll<T>(_ futures: [DurableFuture<T>]) async throws -> [T] {
        try checkUsable()
        for f in futures where !f.isCompleted {
            await DurableWaiter.wait(for: [f.source], context: self)
            try checkUsable()
        }
        return try futures.map { try $0.decode(try $0.source.result!.get()) }
    }

    /// Waits until one of the futures has finished and returns its index. When several have
    /// already finished, the first in list order wins, the same on every replay.
    public func whenAny(_ futures: [AnyDurableFuture]) async throws -> Int {
        try checkUsable()
        precondition(!futures.isEmpty, "whenAny needs at least one future")
        await DurableWaiter.wait(for: futures.map(\.source), context: self)
        try checkUsable()
        return futures.firstIndex { $0.source.isCompleted }!
    }

    /// Waits until one of the futures has finished and returns its index.
    public func whenAny<each T>(_ futures: repeat DurableFuture<each T>) async throws -> Int {
        var erased: [AnyDurableFuture] = []
        for f in repeat each futures { erased.append(f.erased) }
        return try await whenAny(erased)
    }
}
