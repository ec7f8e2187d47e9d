public import Prometheus

/// What `GET /metrics` on the management port serves: a Prometheus registry in the text format,
/// refreshed before each scrape with what is read rather than counted (Redis round trips by
/// purpose, the backlog per partition).
public struct MetricsEndpoint: Sendable {
    /// The registry the process's swift-metrics factory writes to.
    public var registry: PrometheusCollectorRegistry
    /// Runs before each scrape.
    public var refresh: @Sendable () async -> Void

    /// Creates an endpoint.
    public init(registry: PrometheusCollectorRegistry, refresh: @escaping @Sendable () async -> Void = {}) {
        self.registry = registry
        self.refresh = refresh
    }

    /// A swift-prometheus factory on `registry`, with duration buckets from 100 µs to 10 s (the
    /// library's default starts at 5 ms, above most turns). Bootstrap `MetricsSystem` with it.
    public static func factory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        return factory
    }
}
