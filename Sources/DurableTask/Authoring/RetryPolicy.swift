/// How to retry a failed activity or sub-orchestration. Delays are durable timers, so a
/// retry survives restarts.
public struct RetryPolicy: Sendable {
    /// Total attempts, including the first. At least 1.
    public var maxAttempts: Int
    /// Delay before the second attempt.
    public var firstRetryInterval: Duration
    /// Multiplier applied to the delay after each retry.
    public var backoffCoefficient: Double
    /// Upper bound on a single delay.
    public var maxRetryInterval: Duration?
    /// Upper bound on the time from the first attempt to the start of the last retry.
    public var retryTimeout: Duration?
    /// Decides whether a failure is retried. Default: every retriable failure.
    public var shouldRetry: (@Sendable (TaskFailedError) -> Bool)?

    /// Creates a policy.
    public init(
        maxAttempts: Int, firstRetryInterval: Duration, backoffCoefficient: Double = 1,
        maxRetryInterval: Duration? = nil, retryTimeout: Duration? = nil,
        shouldRetry: (@Sendable (TaskFailedError) -> Bool)? = nil
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.firstRetryInterval = firstRetryInterval
        self.backoffCoefficient = backoffCoefficient
        self.maxRetryInterval = maxRetryInterval
        self.retryTimeout = retryTimeout
        self.shouldRetry = shouldRetry
    }

    /// The delay after the given failed attempt (1-based).
    public func delay(afterAttempt attempt: Int) -> Duration {
        let factor = pow(backoffCoefficient, Double(attempt - 1))
        var delay = firstRetryInterval * factor
        if let maxRetryInterval, delay > maxRetryInterval { delay = maxRetryInterval }
        return delay
    }
}

/// Per-call options for activities and sub-orchestrations.
public struct TaskOptions: Sendable {
    /// The retry policy, if any.
    public var retry: RetryPolicy?

    /// Creates options.
    public init(retry: RetryPolicy? = nil) {
        self.retry = retry
    }
}

private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var i = 0.0
    while i < exponent {
        result *= base
        i += 1
    }
    return result
}
