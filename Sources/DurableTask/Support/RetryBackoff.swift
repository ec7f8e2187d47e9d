/// Exponential backoff with full jitter, for loops that retry a store that fails: attempt n
/// waits a random time between zero and min(``maximum``, ``initial`` × 2ⁿ), so many retrying
/// loops spread out instead of retrying in step.
package struct RetryBackoff: Sendable {
    /// The ceiling of the first pause.
    package let initial: Duration
    /// The largest ceiling; pauses never exceed it.
    package let maximum: Duration
    private var attempt = 0

    /// Creates a backoff: 100 ms doubling up to 5 s by default.
    package init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The pause before the next attempt; each call doubles the ceiling, up to ``maximum``.
    package mutating func next() -> Duration {
        let ceiling = min(maximum, initial * (1 << min(attempt, 30)))
        attempt += 1
        let (seconds, attoseconds) = ceiling.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        return .nanoseconds(Int64.random(in: 0...max(0, nanoseconds)))
    }

    /// Starts over from ``initial`` (after a success).
    package mutating func reset() { attempt = 0 }
}
