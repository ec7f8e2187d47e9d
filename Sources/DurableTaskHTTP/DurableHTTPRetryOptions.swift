package import DurableTask

/// Retries for a durable HTTP call: transport failures, per-request timeouts and the listed
/// status codes are retried; delays between attempts are durable timers.
///
/// Each request of the call (the first one and every poll) gets the same retry policy. When the
/// attempts for a retriable status are used up, the call returns that last response; when they are
/// used up for a transport failure, the call throws ``DurableHTTPError``.
public struct DurableHTTPRetryOptions: Codable, Sendable, Hashable {
    /// The status codes retried by default: 408, 429, 500, 502, 503, 504.
    public static let defaultStatusCodes: [Int] = [408, 429, 500, 502, 503, 504]

    /// Total attempts per request, including the first. At least 1.
    public var maxAttempts: Int
    /// The delay before the second attempt.
    public var firstRetryInterval: Duration
    /// The multiplier applied to the delay after each retry. Default 1 (a fixed delay).
    public var backoffCoefficient: Double
    /// The upper bound on a single delay, if any.
    public var maxRetryInterval: Duration?
    /// Response status codes that are retried like failures.
    public var statusCodes: [Int]

    /// Creates retry options.
    public init(
        maxAttempts: Int, firstRetryInterval: Duration, backoffCoefficient: Double = 1,
        maxRetryInterval: Duration? = nil, statusCodes: [Int] = DurableHTTPRetryOptions.defaultStatusCodes
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.firstRetryInterval = firstRetryInterval
        self.backoffCoefficient = backoffCoefficient
        self.maxRetryInterval = maxRetryInterval
        self.statusCodes = statusCodes
    }

    /// The core retry policy these options map to. It retries only retriable ``DurableHTTPError``
    /// failures (transport, request timeout, retriable status); `retryTimeout` bounds when the
    /// last retry may start.
    package func retryPolicy(retryTimeout: Duration? = nil) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: maxAttempts, firstRetryInterval: firstRetryInterval, backoffCoefficient: backoffCoefficient,
            maxRetryInterval: maxRetryInterval, retryTimeout: retryTimeout,
            shouldRetry: { failed in
                guard let error = DurableHTTPError(failureDetails: failed.cause) else { return false }
                return error.code.isRetriable
            })
    }

    private enum CodingKeys: String, CodingKey {
        case maxAttempts, firstRetryInterval, backoffCoefficient, maxRetryInterval, statusCodes
    }

    /// Decodes retry options; durations are seconds, missing optional fields take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            maxAttempts: try c.decode(Int.self, forKey: .maxAttempts),
            firstRetryInterval: .seconds(try c.decode(Double.self, forKey: .firstRetryInterval)),
            backoffCoefficient: try c.decodeIfPresent(Double.self, forKey: .backoffCoefficient) ?? 1,
            maxRetryInterval: try c.decodeIfPresent(Double.self, forKey: .maxRetryInterval).map(Duration.seconds),
            statusCodes: try c.decodeIfPresent([Int].self, forKey: .statusCodes) ?? Self.defaultStatusCodes)
    }

    /// Encodes the options, durations as seconds.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(maxAttempts, forKey: .maxAttempts)
        try c.encode(firstRetryInterval.secondsValue, forKey: .firstRetryInterval)
        try c.encode(backoffCoefficient, forKey: .backoffCoefficient)
        try c.encodeIfPresent(maxRetryInterval?.secondsValue, forKey: .maxRetryInterval)
        try c.encode(statusCodes, forKey: .statusCodes)
    }
}
