// Monitor on the in-memory store: `swift run MonitorJobStatus`. The job completes at its third poll.
import DurableExamples
import DurableTask

try await ExampleRunner.run(
    MonitorJobStatus.name,
    input: MonitorJobInput(jobId: "job-1", pollingIntervalSeconds: 0.2, expirySeconds: 10, completeAfterPolls: 3))
