// Eternal orchestration on the in-memory store: `swift run PeriodicCleanup [generations]` (default 5).
import DurableExamples
import DurableTask

let k = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 5
try await ExampleRunner.run(PeriodicCleanup.name, input: PeriodicCleanupInput(intervalMs: 50, maxGenerations: k))
