public import Foundation

extension OrchestrationContext {
    /// Waits on a durable timer until the given time.
    public func createTimer(until fireAt: Date) async throws {
        _ = try await scheduleTimer(until: fireAt).value
    }

    /// Waits on a durable timer for the given duration from ``currentUtcDateTime``.
    public func createTimer(for duration: Duration) async throws {
        try await createTimer(until: currentUtcDateTime.addingTimeInterval(duration.timeInterval))
    }

    /// Creates a durable timer and returns a future that completes when it fires.
    public func scheduleTimer(until fireAt: Date) throws -> DurableFuture<NoValue> {
        try checkUsable()
        return DurableFuture(source: timerSource(fireAt: fireAt), context: self) { _ in NoValue() }
    }

    func timerSource(fireAt: Date) -> CompletionSource {
        // However far the code asks, the recorded time is one every store can hold.
        let fireAt = DurableTime.clamped(fireAt)
        let id = addAction { _ in .createTimer(fireAt: fireAt) }
        let source = CompletionSource(id: id, operation: .timer)
        openTasks[id] = source
        return source
    }
}
