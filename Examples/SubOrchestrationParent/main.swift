// Sub-orchestration on the in-memory store: `swift run SubOrchestrationParent`.
import DurableExamples
import DurableTask

try await ExampleRunner.run(SubOrchestrationParent.name)
