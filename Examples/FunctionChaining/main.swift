// Function chaining on the in-memory store: `swift run FunctionChaining`.
// The orchestration is in Examples/Patterns/FunctionChaining.swift.
import DurableExamples
import DurableTask

try await ExampleRunner.run(FunctionChaining.name)
