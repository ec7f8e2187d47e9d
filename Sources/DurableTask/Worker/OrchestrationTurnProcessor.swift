import Foundation
package import Logging

/// Runs one orchestration turn for a leased work item: finds or replays the runner, applies the
/// new messages, and translates the outcome into an ``OrchestrationTurnResult`` for the store.
///
/// It is shared by every store: stores only persist what it decides.
package struct OrchestrationTurnProcessor: Sendable {
    /// How a turn found its runner.
    package enum Path: Sendable, Hashable {
        /// The cached runner had seen exactly the stored history; no replay.
        case cached
        /// The history was replayed into a new runner.
        case replayed
    }

    /// The outcome of ``process(_:history:)``.
    package struct Output: Sendable {
        /// What to commit.
        package var result: OrchestrationTurnResult
        /// The runner to cache after a successful commit (`nil` when the instance finished).
        package var runner: OrchestrationRunner?
        /// Whether the runner came from the cache.
        package var path: Path
        /// The start of the execution the turn ran (the last one, after a continue-as-new).
        package var started: ExecutionStartedEvent? = nil
    }

    let registry: TaskRegistry
    let logger: Logger
    /// The most generations one turn runs when an orchestrator continues as new without awaiting anything.
    var maxGenerationsPerTurn = 1_000

    /// Creates a processor.
    package init(registry: TaskRegistry, logger: Logger) {
        self.registry = registry
        self.logger = logger
    }

    /// Makes a fresh runner for an instance.
    package func makeRunner(instanceId: String) -> OrchestrationRunner {
        let registry = self.registry
        return OrchestrationRunner(instanceId: instanceId, logger: logger) { registry.orchestrator(named: $0) }
    }

    /// Processes a work item.
    ///
    /// - Parameters:
    ///   - cached: the cached runner for the instance, if any; used only if it has seen exactly
    ///     the stored history of the current execution, else abandoned.
    ///   - loadHistory: reads the stored history; called only when the runner must replay.
    package func process(
        _ item: OrchestrationWorkItem, cached: OrchestrationRunner?,
        loadHistory: () async throws -> [HistoryEvent]
    ) async throws -> Output {
        if item.messages.contains(where: \.event.isRewind) {
            return try await rewind(item, cached: cached, loadHistory: loadHistory)
        }
        var runner: OrchestrationRunner
        var past: [HistoryEvent] = []
        let path: Path
        if let cached, !cached.isCompleted, cached.historyLength == item.historyLength,
            cached.executionId == (item.executionId ?? "")
        {
            runner = cached
            path = .cached
        } else {
            cached?.abandon()
            runner = makeRunner(instanceId: item.instanceId)
            if item.historyLength > 0 {
                if let history = item.history { past = history } else { past = try await loadHistory() }
            }
            path = .replayed
        }
        var outcome = runner.execute(past: past, newEvents: item.messages.map(\.event), now: Date())
        var result = OrchestrationTurnResult(historyToAppend: outcome.historyToAppend, status: outcome.runtimeStatus)
        var executionId = outcome.executionStarted?.executionId ?? item.executionId ?? ""
        collect(outcome, executionId: executionId, into: &result)

        // Continue-as-new: start the next execution in the same turn.
        var generations = 0
        while let completion = outcome.completion, completion.status == .continuedAsNew, let started = outcome.executionStarted {
            generations += 1
            let now = Date()
            let next = Self.nextExecution(after: started, continuingWith: completion)
            executionId = next.executionId
            var events = [HistoryEvent(timestamp: now, kind: .executionStarted(next))]
            events += completion.carryoverEvents
            runner = makeRunner(instanceId: item.instanceId)
            if generations > maxGenerationsPerTurn {
                events.append(HistoryEvent(timestamp: now, kind: .executionTerminated(
                    reason: "continued as new \(generations) times in one turn without awaiting anything", recurse: false)))
            }
            outcome = runner.execute(past: [], newEvents: events, now: now)
            result.historyToAppend = outcome.historyToAppend
            result.replaceHistory = true
            result.newExecution = next
            result.status = outcome.runtimeStatus
            collect(outcome, executionId: executionId, into: &result)
        }
        result.customStatus = outcome.customStatus
        if let completion = outcome.completion, completion.status != .continuedAsNew {
            result.output = completion.result
            result.failureDetails = completion.failureDetails
        }
        return Output(result: result, runner: runner.isCompleted ? nil : runner, path: path, started: outcome.executionStarted)
    }

    /// The start of the execution that follows `started` when it continues as new.
    static func nextExecution(after started: ExecutionStartedEvent, continuingWith completion: CompleteOrchestrationAction)
        -> ExecutionStartedEvent
    {
        var next = started
        next.executionId = RandomIdentifier.uuidString()
        next.input = completion.result
        next.generation = started.generation + 1
        next.scheduledStartTime = nil
        if let v = completion.newVersion { next.version = v }
        return next
    }

    /// A rewind turn: replays the rewritten history (``RewindPlan``), applies the new messages,
    /// replaces the stored history, and runs the failed task again.
    private func rewind(
        _ item: OrchestrationWorkItem, cached: OrchestrationRunner?, loadHistory: () async throws -> [HistoryEvent]
    ) async throws -> Output {
        cached?.abandon()
        var stored = item.history ?? []
        if item.history == nil, item.historyLength > 0 { stored = try await loadHistory() }
        let plan = RewindPlan(stored)
        let runner = makeRunner(instanceId: item.instanceId)
        let outcome = runner.execute(past: plan.history, newEvents: item.messages.map(\.event), now: Date())
        var result = OrchestrationTurnResult(
            historyToAppend: plan.history + outcome.historyToAppend, replaceHistory: true, status: outcome.runtimeStatus)
        let executionId = outcome.executionStarted?.executionId ?? item.executionId ?? ""
        collect(outcome, executionId: executionId, into: &result)
        result.customStatus = outcome.customStatus
        if let completion = outcome.completion {
            result.output = completion.result
            result.failureDetails = completion.failureDetails
        }
        if let started = outcome.executionStarted, outcome.completion == nil {
            switch plan.retry {
            case .activity(let id, let name, let input, let attempt):
                result.activities.append(ActivityRequest(
                    instanceId: item.instanceId, executionId: executionId, taskId: id, name: name, input: input, attempt: attempt))
            case .subOrchestration(let id, let name, let child, let input):
                let start = ExecutionStartedEvent(
                    name: name, instanceId: child, executionId: RandomIdentifier.uuidString(), input: input,
                    parent: ParentInstance(name: started.name, instanceId: item.instanceId, executionId: executionId, taskScheduledId: id))
                result.messages.append(OrchestrationMessage(
                    instanceId: child, event: HistoryEvent(timestamp: Date(), kind: .executionStarted(start))))
            case nil:
                break
            }
        }
        return Output(result: result, runner: runner.isCompleted ? nil : runner, path: .replayed, started: outcome.executionStarted)
    }

    /// Translates actions into activities, timers and outbound messages.
    private func collect(_ outcome: OrchestrationTurnOutcome, executionId: String, into result: inout OrchestrationTurnResult) {
        guard let started = outcome.executionStarted else { return }
        Self.collect(outcome.actions, started: started, executionId: executionId, into: &result)
    }

    /// Translates the actions of an execution into activities, timers and outbound messages: the
    /// one path for a Swift orchestrator's actions and a remote worker's.
    static func collect(
        _ actions: [OrchestratorAction], started: ExecutionStartedEvent, executionId: String,
        into result: inout OrchestrationTurnResult
    ) {
        let instanceId = started.instanceId
        let now = Date()
        for action in actions {
            switch action.kind {
            case .scheduleTask(let name, let input, let attempt):
                result.activities.append(ActivityRequest(
                    instanceId: instanceId, executionId: executionId, taskId: action.id, name: name, input: input, attempt: attempt))
            case .createTimer(let fireAt):
                result.timers.append(OrchestrationMessage(
                    instanceId: instanceId, executionId: executionId,
                    event: HistoryEvent(timestamp: now, kind: .timerFired(timerId: action.id, fireAt: fireAt)), deliverAt: fireAt))
            case .sendEvent(let target, let name, let data):
                result.messages.append(OrchestrationMessage(
                    instanceId: target, event: HistoryEvent(timestamp: now, kind: .eventRaised(name: name, input: data))))
            case .createSubOrchestration(let name, let child, let input, let version):
                let start = ExecutionStartedEvent(
                    name: name, instanceId: child, executionId: RandomIdentifier.uuidString(), input: input, version: version,
                    parent: ParentInstance(name: started.name, instanceId: instanceId, executionId: executionId, taskScheduledId: action.id))
                result.messages.append(OrchestrationMessage(
                    instanceId: child, event: HistoryEvent(timestamp: now, kind: .executionStarted(start))))
            case .terminateOrchestration(let target, let reason, let recurse):
                result.messages.append(OrchestrationMessage(
                    instanceId: target, event: HistoryEvent(timestamp: now, kind: .executionTerminated(reason: reason, recurse: recurse))))
            case .completeOrchestration(let completion):
                if completion.status != .continuedAsNew,
                    let ended = ScheduleTags.runEndedMessage(for: started, status: completion.status, at: now)
                {
                    result.messages.append(ended)
                }
                guard let parent = started.parent, completion.status != .continuedAsNew else { continue }
                let kind: HistoryEvent.Kind
                switch completion.status {
                case .completed:
                    kind = .subOrchestrationInstanceCompleted(taskScheduledId: parent.taskScheduledId, result: completion.result)
                default:
                    let failure = completion.failureDetails ?? FailureDetails(
                        errorType: "Terminated",
                        errorMessage: "Sub-orchestration '\(started.name)' (\(instanceId)) was \(completion.status.rawValue.lowercased())"
                            + (completion.result.map { ": \($0)" } ?? ""))
                    kind = .subOrchestrationInstanceFailed(taskScheduledId: parent.taskScheduledId, failure: failure)
                }
                result.messages.append(OrchestrationMessage(
                    instanceId: parent.instanceId, executionId: parent.executionId, event: HistoryEvent(timestamp: now, kind: kind)))
            }
        }
    }
}
