public import AsyncHTTPClient
public import DurableTask

extension TaskRegistry {
    /// Registers the built-in durable HTTP activity (`BuiltIn::HttpActivity`), which
    /// ``DurableTask/OrchestrationContext/callHttp(_:)`` schedules.
    ///
    /// - Parameters:
    ///   - client: the client that sends the requests; the caller owns it and shuts it down.
    ///     Create it with ``DurableHTTPConfiguration/recommendedClientConfiguration`` so it does
    ///     not follow redirects past the allow-list.
    ///   - configuration: the allow-list (default: deny everything), per-request timeout and body limit.
    public mutating func addDurableHTTP(client: HTTPClient, configuration: DurableHTTPConfiguration = DurableHTTPConfiguration()) {
        addActivity(DurableHTTPActivity(client: client, configuration: configuration))
    }
}
