/// Retries an operation that may hit a dropped connection or a restarting server, every 50 ms
/// for up to `timeout`; rethrows the last error after that.
public func retrying<T>(for timeout: Duration = .seconds(5), _ body: () async throws -> T) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        do { return try await body() } catch {
            if ContinuousClock.now > deadline { throw error }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
