import Testing

/// A well-formed but extreme input to an example orchestration, and how its instance must fail:
/// the example refuses it (or checks the arithmetic on it) instead of trapping the process.
struct HostileExampleInput: Sendable, CustomTestStringConvertible {
    /// The orchestrator.
    var name: String
    /// The input, as JSON text.
    var json: String
    /// The FailureDetails error type the instance must fail with.
    var errorType = "InvalidInput"
    /// Text the failure message must contain: what is wrong, and the value.
    var message: String

    var testDescription: String { "\(name) \(json)" }

    /// Inputs near the limits of `Int` and `Double` for every example that takes a number.
    /// Each of those marked "trapped" crashed the process that ran it before the examples
    /// checked their input.
    static let all: [HostileExampleInput] = [
        // trapped: 1...Int.max
        .init(name: "FanOutFanIn", json: "9223372036854775807", message: "the item count n must be between 1 and 10000, got 9223372036854775807"),
        .init(name: "FanOutFanIn", json: "-9223372036854775808", message: "the item count n must be between 1 and 10000, got -9223372036854775808"),
        .init(name: "FanOutFanIn", json: "0", message: "the item count n must be between 1 and 10000, got 0"),
        .init(name: "FanOutFanIn", json: "10001", message: "the item count n must be between 1 and 10000, got 10001"),
        // Not an Int at all: the input does not decode.
        .init(name: "FanOutFanIn", json: "1e308", errorType: "DurableTask.DurableTaskError",
              message: "could not decode the input of orchestrator 'FanOutFanIn' as Int from 1e308"),
        // trapped: Duration.seconds(1e308)
        .init(name: "BudgetApproval", json: #"{"timeoutSeconds":1e308}"#, message: "timeoutSeconds must be between 0.0 and 315576000000.0 seconds (10,000 years), got 1e+308"),
        .init(name: "BudgetApproval", json: #"{"timeoutSeconds":1.7976931348623157e308}"#, message: "timeoutSeconds must be between"),
        .init(name: "BudgetApproval", json: #"{"timeoutSeconds":2e20}"#, message: "got 2e+20"),
        .init(name: "BudgetApproval", json: #"{"timeoutSeconds":-1e308}"#, message: "got -1e+308"),
        .init(name: "BudgetApproval", json: #"{"timeoutSeconds":-1}"#, message: "got -1.0"),
        // trapped: Duration.seconds(min(1e308, remaining))
        .init(name: "MonitorJobStatus", json: #"{"jobId":"j","pollingIntervalSeconds":1e308,"expirySeconds":1e308}"#,
              message: "pollingIntervalSeconds must be between 0.001 and 315576000000.0 seconds (10,000 years), got 1e+308"),
        .init(name: "MonitorJobStatus", json: #"{"jobId":"j","pollingIntervalSeconds":1,"expirySeconds":1e308}"#,
              message: "expirySeconds must be between 0.0 and 315576000000.0 seconds (10,000 years), got 1e+308"),
        .init(name: "MonitorJobStatus", json: #"{"jobId":"j","pollingIntervalSeconds":0,"expirySeconds":60}"#,
              message: "pollingIntervalSeconds must be between 0.001 and"),
        .init(name: "MonitorJobStatus", json: #"{"jobId":"j","pollingIntervalSeconds":1,"expirySeconds":-1e308}"#,
              message: "expirySeconds must be between 0.0 and"),
        // trapped: generation + 1
        .init(name: "PeriodicCleanup", json: #"{"intervalMs":0,"generation":9223372036854775807}"#,
              message: "the next generation: 9223372036854775807 + 1 overflows Int"),
        .init(name: "PeriodicCleanup", json: #"{"intervalMs":0,"generation":-9223372036854775808}"#,
              message: "generation must be at least 0, got -9223372036854775808"),
        .init(name: "PeriodicCleanup", json: #"{"intervalMs":9223372036854775807}"#,
              message: "intervalMs must be between 0 and 315576000000000, got 9223372036854775807"),
        .init(name: "PeriodicCleanup", json: #"{"intervalMs":-9223372036854775808}"#,
              message: "intervalMs must be between 0 and 315576000000000, got -9223372036854775808"),
        .init(name: "PeriodicCleanup", json: #"{"intervalMs":0,"maxGenerations":-9223372036854775808}"#,
              message: "maxGenerations must be at least 1, got -9223372036854775808"),
        .init(name: "BankTransfer", json: #"{"from":"a","to":"b","amount":-9223372036854775808}"#,
              message: "amount must be at least 0, got -9223372036854775808"),
    ]
}
