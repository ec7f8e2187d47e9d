public import DurableTask
import Foundation

/// The input of ``MonitorJobStatus``.
public struct MonitorJobInput: Codable, Sendable, Hashable {
    /// The job to watch.
    public var jobId: String
    /// Seconds between status checks: at least 0.001 (timers are stored to the millisecond), at most 10,000 years.
    public var pollingIntervalSeconds: Double
    /// Seconds after the start at which the monitor gives up: 0 to 10,000 years.
    public var expirySeconds: Double
    /// The job reports "Completed" from this poll on (1-based); `nil` means only the `JobDone` event completes it.
    public var completeAfterPolls: Int?

    /// Creates an input.
    public init(jobId: String, pollingIntervalSeconds: Double, expirySeconds: Double, completeAfterPolls: Int? = nil) {
        self.jobId = jobId
        self.pollingIntervalSeconds = pollingIntervalSeconds
        self.expirySeconds = expirySeconds
        self.completeAfterPolls = completeAfterPolls
    }
}

/// The input of ``GetJobStatus``.
public struct JobStatusQuery: Codable, Sendable, Hashable {
    /// The job.
    public var jobId: String
    /// Which poll this is, from 1.
    public var poll: Int
    /// See ``MonitorJobInput/completeAfterPolls``.
    public var completeAfterPolls: Int?
    /// Whether the monitor has received the `JobDone` event.
    public var jobDoneRaised: Bool

    /// Creates a query.
    public init(jobId: String, poll: Int, completeAfterPolls: Int?, jobDoneRaised: Bool) {
        self.jobId = jobId
        self.poll = poll
        self.completeAfterPolls = completeAfterPolls
        self.jobDoneRaised = jobDoneRaised
    }
}

/// Activity: reports a job's status, "Completed" or "Running".
///
/// The example's job counts as completed once `JobDone` was raised to its monitor, or from
/// poll ``JobStatusQuery/completeAfterPolls`` on.
public struct GetJobStatus: Activity {
    /// Creates the activity.
    public init() {}

    /// Returns "Completed" or "Running".
    public func run(input: JobStatusQuery, context: ActivityContext) async throws -> String {
        if input.jobDoneRaised { return "Completed" }
        if let after = input.completeAfterPolls, input.poll >= after { return "Completed" }
        return "Running"
    }
}

/// Monitor: checks ``GetJobStatus`` on a durable timer until the job reports "Completed"
/// (output "Completed") or the expiry passes (output "Expired"). Raising the event `JobDone`
/// to the monitor completes the job; the monitor wakes for it at once.
public struct MonitorJobStatus: Orchestrator {
    /// Creates the orchestrator.
    public init() {}

    /// Runs the monitor.
    public func run(context: OrchestrationContext, input: MonitorJobInput) async throws -> String {
        let interval = try CheckedInput.seconds(input.pollingIntervalSeconds, named: "pollingIntervalSeconds", atLeast: 0.001)
        let expiry = context.currentUtcDateTime.addingTimeInterval(try CheckedInput.seconds(input.expirySeconds, named: "expirySeconds"))
        var jobDone = false
        var poll = 0
        while true {
            poll = try CheckedInput.sum(poll, 1, "the poll count")
            try context.setCustomStatus(["poll": poll])
            let status = try await context.callActivity(
                GetJobStatus.self,
                input: JobStatusQuery(
                    jobId: input.jobId, poll: poll, completeAfterPolls: input.completeAfterPolls, jobDoneRaised: jobDone))
            if status == "Completed" { return "Completed" }
            let remaining = expiry.timeIntervalSince(context.currentUtcDateTime)
            if remaining <= 0 { return "Expired" }
            let wait = min(interval, remaining)
            do {
                _ = try await context.waitForExternalEvent("JobDone", as: NoValue.self, timeout: .seconds(wait))
                jobDone = true
            } catch is ExternalEventTimeoutError {
                if context.currentUtcDateTime >= expiry { return "Expired" }
            }
        }
    }
}
