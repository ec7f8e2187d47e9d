// Retries on the in-memory store: `swift run RetryFlaky`.
import DurableExamples
import DurableTask

try await ExampleRunner.run(RetryFlaky.name)
