// Human interaction on the in-memory store: `swift run BudgetApproval [true|false|none]`.
// It raises `Approval` with the given value; with `none` it waits out a 1-second timeout.
import DurableExamples
import DurableTask

let answer = CommandLine.arguments.dropFirst().first ?? "true"
try await ExampleRunner.run(
    BudgetApproval.name, input: BudgetApprovalInput(timeoutSeconds: answer == "none" ? 1 : 30)
, interact: { client, id in
    if answer != "none" { try await client.raiseEvent(id, name: "Approval", payload: answer == "true") }
})
