/// How a durable HTTP call behaves beyond the single request.
///
/// Durations are encoded as seconds (a JSON number), so recorded requests stay readable.
public struct DurableHTTPOptions: Codable, Sendable, Hashable {
    /// Whether a `202 Accepted` with a `Location` header is polled until the answer is not 202.
    /// Default `true`. When `false`, the 202 itself is returned.
    public var asynchronousPatternEnabled: Bool
    /// The time the whole call may take, including every poll and retry, measured on the
    /// orchestration's clock from the moment the call starts. `nil` (the default) means no limit.
    /// When it elapses the call throws ``DurableHTTPTimeoutError``.
    public var timeout: Duration?
    /// How long to wait between polls when a 202 carries no usable `Retry-After`. Default 5 seconds.
    public var pollingInterval: Duration
    /// Retries for transport failures and for the listed status codes. `nil` (the default): no retries.
    public var retry: DurableHTTPRetryOptions?

    /// Creates options.
    public init(
        asynchronousPatternEnabled: Bool = true, timeout: Duration? = nil, pollingInterval: Duration = .seconds(5),
        retry: DurableHTTPRetryOptions? = nil
    ) {
        self.asynchronousPatternEnabled = asynchronousPatternEnabled
        self.timeout = timeout
        self.pollingInterval = pollingInterval
        self.retry = retry
    }

    private enum CodingKeys: String, CodingKey {
        case asynchronousPatternEnabled, timeout, pollingInterval, retry
    }

    /// Decodes options; missing fields take their defaults, durations are seconds.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        asynchronousPatternEnabled = try c.decodeIfPresent(Bool.self, forKey: .asynchronousPatternEnabled) ?? true
        timeout = try c.decodeIfPresent(Double.self, forKey: .timeout).map(Duration.seconds)
        pollingInterval = try c.decodeIfPresent(Double.self, forKey: .pollingInterval).map(Duration.seconds) ?? .seconds(5)
        retry = try c.decodeIfPresent(DurableHTTPRetryOptions.self, forKey: .retry)
    }

    /// Encodes the options, durations as seconds.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(asynchronousPatternEnabled, forKey: .asynchronousPatternEnabled)
        try c.encodeIfPresent(timeout?.secondsValue, forKey: .timeout)
        try c.encode(pollingInterval.secondsValue, forKey: .pollingInterval)
        try c.encodeIfPresent(retry, forKey: .retry)
    }
}

extension Duration {
    /// The duration in seconds.
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
