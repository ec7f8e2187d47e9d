@testable import DurableTask
import Foundation
import Logging

/// Helpers to drive an `OrchestrationRunner` by hand, turn by turn, as a worker would.
struct RunnerDriver {
    var functions: [String: OrchestratorFunction]
    var history: [HistoryEvent] = []
    let instanceId = "test-instance"
    var clock = Date(timeIntervalSince1970: 1_700_000_000)

    init(_ functions: [String: OrchestratorFunction]) {
        self.functions = functions
    }

    func makeRunner() -> OrchestrationRunner {
        let functions = self.functions
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return OrchestrationRunner(instanceId: instanceId, logger: logger) { functions[$0] }
    }

    func start(_ name: String, input: String? = nil) -> HistoryEvent {
        HistoryEvent(timestamp: clock, kind: .executionStarted(ExecutionStartedEvent(
            name: name, instanceId: instanceId, executionId: "exec-1", input: input)))
    }

    /// Replays the whole history into a fresh runner and applies `new`.
    mutating func replayTurn(_ new: [HistoryEvent]) -> OrchestrationTurnOutcome {
        let runner = makeRunner()
        defer { runner.abandon() }
        clock += 1
        let outcome = runner.execute(past: history, newEvents: new, now: clock)
        history += outcome.historyToAppend
        return outcome
    }

    /// Applies `new` to a cached runner.
    mutating func cachedTurn(_ runner: OrchestrationRunner, _ new: [HistoryEvent]) -> OrchestrationTurnOutcome {
        clock += 1
        let outcome = runner.execute(past: [], newEvents: new, now: clock)
        history += outcome.historyToAppend
        return outcome
    }

    func event(_ kind: HistoryEvent.Kind) -> HistoryEvent { HistoryEvent(timestamp: clock, kind: kind) }
}
