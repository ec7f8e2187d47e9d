/// The engine-side state of one durable operation: an activity, timer, sub-orchestration,
/// external-event wait or retry loop. Touched only on the engine's thread.
final class CompletionSource: @unchecked Sendable {
    // Safe: created, completed and awaited only on the deterministic executor's drain thread.
    enum Operation {
        case activity(name: String)
        case subOrchestration(name: String, instanceId: String)
        case timer
        case externalEvent(name: String)
        case composite(String)
    }

    let id: Int
    let operation: Operation
    private(set) var result: Result<String?, any Error>?
    private var waiters: [DurableWaiter] = []

    init(id: Int, operation: Operation) {
        self.id = id
        self.operation = operation
    }

    var isCompleted: Bool { result != nil }

    /// Completes the operation once; later completions are ignored (exactly-once application).
    func complete(_ result: Result<String?, any Error>) {
        guard self.result == nil else { return }
        self.result = result
        let ws = waiters
        waiters = []
        for w in ws { w.resume() }
    }

    func addWaiter(_ waiter: DurableWaiter) {
        waiters.append(waiter)
    }
}

/// One suspended `await` on one or more durable operations.
final class DurableWaiter: @unchecked Sendable {
    // Safe: used only on the deterministic executor's drain thread.
    private var continuation: UnsafeContinuation<Void, Never>?
    private unowned let context: OrchestrationContext

    init(context: OrchestrationContext) {
        self.context = context
    }

    /// Suspends until one of `sources` completes. Returns at once if one already has.
    static func wait(for sources: [CompletionSource], context: OrchestrationContext) async {
        if sources.contains(where: { $0.isCompleted }) { return }
        let waiter = DurableWaiter(context: context)
        await withUnsafeContinuation { (c: UnsafeContinuation<Void, Never>) in
            waiter.continuation = c
            context.parkedWaiters += 1
            for s in sources { s.addWaiter(waiter) }
        }
    }

    func resume() {
        guard let c = continuation else { return }
        continuation = nil
        context.parkedWaiters -= 1
        c.resume()
    }
}
