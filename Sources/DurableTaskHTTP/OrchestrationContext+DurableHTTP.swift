public import DurableTask

extension OrchestrationContext {
    /// Calls an HTTP endpoint durably and returns its final response.
    ///
    /// The request is sent by the built-in activity `BuiltIn::HttpActivity` (register it with
    /// ``DurableTask/TaskRegistry/addDurableHTTP(client:configuration:)``), so it runs at least once
    /// and its response is recorded in history; on replay the recorded response is returned.
    ///
    /// The asynchronous pattern (on by default): when the response is `202 Accepted` with a
    /// `Location` header, the call polls that location with `GET` (the same headers, no body) until
    /// the answer is not 202, and returns that answer. Between polls it waits on durable timers
    /// (never `Task.sleep`), so a poll survives a host restart. The wait honours `Retry-After` as
    /// delta-seconds or as an HTTP-date (an absolute time; one already past polls at once), and
    /// falls back to ``DurableHTTPOptions/pollingInterval``. A relative `Location` is resolved
    /// against the URL of the request that returned it; a later 202 may move the location, and a
    /// later 202 without `Location` keeps polling the current one. A first 202 without `Location`
    /// is returned as is.
    ///
    /// Any status is a response, not an error, except statuses listed in
    /// ``DurableHTTPOptions/retry``, which are retried and returned when the attempts run out.
    ///
    /// - Throws: ``DurableHTTPTimeoutError`` when ``DurableHTTPOptions/timeout`` elapses first;
    ///   ``DurableHTTPError`` when a request fails (for example
    ///   ``DurableHTTPError/Code/destinationNotAllowed``, non-retriable, naming the host);
    ///   `TaskFailedError` for any other failure of the activity (such as it not being registered).
    public func callHttp(_ request: DurableHTTPRequest) async throws -> DurableHTTPResponse {
        var call = DurableHTTPCall(context: self, request: request)
        return try await call.run()
    }

    /// Calls an HTTP endpoint durably; see ``callHttp(_:)``.
    public func callHttp(
        method: String = "GET", url: String, headers: [String: String] = [:], body: String? = nil,
        options: DurableHTTPOptions = DurableHTTPOptions()
    ) async throws -> DurableHTTPResponse {
        try await callHttp(DurableHTTPRequest(method: method, url: url, headers: headers, body: body, options: options))
    }
}
