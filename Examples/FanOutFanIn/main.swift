// Fan-out/fan-in on the in-memory store: `swift run FanOutFanIn [n]` (default 10).
import DurableExamples
import DurableTask

let n = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 10
try await ExampleRunner.run(FanOutFanIn.name, input: n)
