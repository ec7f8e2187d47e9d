import DurableTask
import Foundation
import Logging

/// One run of ``DurableTask/OrchestrationContext/callHttp(_:)``: the request, the 202 polling
/// loop and the total deadline. It touches the world only through the context (its clock,
/// timers and activities), so it replays deterministically.
struct DurableHTTPCall {
    let context: OrchestrationContext
    let request: DurableHTTPRequest
    /// The absolute end of the total timeout, on the orchestration's clock.
    let deadline: Date?
    /// A durable timer at ``deadline``, raced against every activity and poll timer.
    private var deadlineTimer: DurableFuture<NoValue>?
    private var polls = 0
    private var lastResponse: DurableHTTPResponse?

    init(context: OrchestrationContext, request: DurableHTTPRequest) {
        self.context = context
        self.request = request
        self.deadline = request.options.timeout.map { context.currentUtcDateTime.addingTimeInterval($0.secondsValue) }
    }

    mutating func run() async throws -> DurableHTTPResponse {
        if let deadline { deadlineTimer = try context.scheduleTimer(until: deadline) }
        var response = try await send(request)
        guard request.options.asynchronousPatternEnabled, response.statusCode == 202, let location = response.header("Location")
        else { return response }
        var pollURL = try resolve(location, against: request.url)
        while true {
            let fireAt = nextPollTime(after: response)
            if fireAt > context.currentUtcDateTime {
                _ = try await raceDeadline(context.scheduleTimer(until: fireAt))
            }
            context.logger.debug("durable HTTP poll", metadata: [
                LogKeys.url: .string(pollURL), LogKeys.polls: .stringConvertible(polls + 1),
            ])
            let poll = DurableHTTPRequest(method: "GET", url: pollURL, headers: request.headers, body: nil, options: request.options)
            response = try await send(poll)
            polls += 1
            guard response.statusCode == 202 else { return response }
            if let next = response.header("Location") { pollURL = try resolve(next, against: pollURL) }
        }
    }

    /// Schedules the activity for one request (under the retry policy) and waits for it.
    private mutating func send(_ request: DurableHTTPRequest) async throws -> DurableHTTPResponse {
        var request = request
        var remaining: Duration?
        if let deadline {
            remaining = .seconds(max(deadline.timeIntervalSince(context.currentUtcDateTime), 0.001))
            // The activity caps its per-request timeout with this.
            request.options.timeout = remaining
        }
        let policy = request.options.retry.map { $0.retryPolicy(retryTimeout: remaining) }
        let future = try context.scheduleActivity(
            named: DurableHTTPActivity.name, input: request, returning: DurableHTTPResponse.self,
            options: TaskOptions(retry: policy))
        let response: DurableHTTPResponse
        do {
            response = try await raceDeadline(future)
        } catch let failed as TaskFailedError {
            guard let error = DurableHTTPError(failureDetails: failed.cause) else { throw failed }
            if error.code == .requestTimeout, let deadline, context.currentUtcDateTime >= deadline {
                // The activity's timeout was capped by the remaining total; report the total.
                throw timeoutError()
            }
            guard error.code == .retriableStatus, let last = error.response else { throw error }
            response = last
        }
        lastResponse = response
        return response
    }

    /// Waits for `future`, or throws ``DurableHTTPTimeoutError`` if the deadline timer fires first.
    private func raceDeadline<T>(_ future: DurableFuture<T>) async throws -> T {
        guard let deadlineTimer else { return try await future.value }
        let winner = try await context.whenAny([future.erased, deadlineTimer.erased])
        if winner == 1 { throw timeoutError() }
        return try await future.value
    }

    private func timeoutError() -> DurableHTTPTimeoutError {
        DurableHTTPTimeoutError(url: request.url, timeout: request.options.timeout ?? .zero, polls: polls, lastResponse: lastResponse)
    }

    /// When to poll after a 202: its `Retry-After`, else the polling interval.
    private func nextPollTime(after response: DurableHTTPResponse) -> Date {
        let now = context.currentUtcDateTime
        if let header = response.header("Retry-After"), let retryAfter = RetryAfter(header) {
            return retryAfter.fireTime(after: now)
        }
        return now.addingTimeInterval(request.options.pollingInterval.secondsValue)
    }

    /// Resolves a `Location` against the URL of the request that returned it.
    private func resolve(_ location: String, against base: String) throws -> String {
        let trimmed = location.trimmingCharacters(in: .whitespaces)
        guard let resolved = URL(string: trimmed, relativeTo: URL(string: base))?.absoluteString else {
            throw DurableHTTPError(.invalidResponse, "the 202 from \(base) has a Location that is not a URL: '\(location)'")
        }
        return resolved
    }
}
