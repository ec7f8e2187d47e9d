public import Foundation
public import Logging
import DequeModule

/// The replay engine for one episode of one orchestration instance.
///
/// It is a state machine over history: feed it past events (replayed) and new events, and it
/// returns the new actions. It performs no I/O. Orchestrator code runs on a
/// ``DeterministicExecutor`` that is drained after every event, so each step ends in exact
/// quiescence. A runner that finished a turn without completing can be kept (cached) and
/// given the next turn's events directly; that yields the same actions as a fresh replay.
public final class OrchestrationRunner: @unchecked Sendable {
    // Safe: a runner is driven by one caller at a time (the store leases an instance to one
    // worker, and the worker's cache hands a runner to one turn at a time).

    /// The instance this runner executes.
    public let instanceId: String
    /// The number of history events this runner has seen, including what its last turn appended.
    package private(set) var historyLength = 0
    /// The execution ID this runner is executing, once started.
    public var executionId: String { context.executionId }
    /// Whether the execution has finished (no further turns are possible).
    public var isCompleted: Bool { hasCompletion }

    let context: OrchestrationContext
    private let executor = DeterministicExecutor()
    private let resolve: @Sendable (String) -> OrchestratorFunction?
    private var rootTask: Task<Void, Never>?
    var rootResult: Result<String?, any Error>?
    private var started: ExecutionStartedEvent?
    private var suspended = false
    private var suspendedQueue: [HistoryEvent] = []
    private var completion: CompleteOrchestrationAction? {
        didSet { hasCompletion = completion != nil }
    }
    /// Mirrors `completion != nil`; checked after every event, so kept as a plain flag.
    private var hasCompletion = false
    private var completionEmitted = false
    private var lateEvents: [HistoryEvent] = []
    /// Terminate, suspend and resume requests that arrived after the execution ended in this
    /// turn. If it continued as new, they apply to the next execution.
    private var lateControl: [HistoryEvent] = []
    private var abandonedEpisode = false

    /// Creates a runner.
    /// - Parameter resolve: finds the orchestrator function for the name in `ExecutionStarted`.
    public init(instanceId: String, logger: Logger, resolve: @escaping @Sendable (String) -> OrchestratorFunction?) {
        self.instanceId = instanceId
        self.resolve = resolve
        self.context = OrchestrationContext(instanceId: instanceId, executor: executor, logger: logger)
    }

    deinit {
        if !abandonedEpisode && rootTask != nil && rootResult == nil { abandon() }
    }

    /// Runs one turn: replays `past`, then applies `newEvents` as a new turn starting at `now`.
    ///
    /// For a cached runner, pass an empty `past`.
    public func execute(past: [HistoryEvent], newEvents: [HistoryEvent], now: Date) -> OrchestrationTurnOutcome {
        executor.withOwnership {
            context.isReplaying = true
            for event in past { apply(event) }
            historyLength += past.count
            context.isReplaying = false
            var appended: [HistoryEvent] = []
            appended.reserveCapacity(newEvents.count + 4)
            let turnStart = HistoryEvent(timestamp: now, kind: .orchestratorStarted)
            appended.append(turnStart)
            apply(turnStart)
            for event in newEvents {
                appended.append(event)
                apply(event)
            }
            return finishTurn(appending: appended)
        }
    }

    /// Abandons the episode: every pending durable await resumes with
    /// ``OrchestrationAbandonedError``, the root task is cancelled and its jobs are drained.
    public func abandon() {
        executor.withOwnership { abandonInPlace() }
    }

    /// The number of durable awaits still suspended (0 after ``abandon()`` has drained).
    var parkedWaiters: Int { context.parkedWaiters }

    // MARK: Applying events

    private func apply(_ event: HistoryEvent) {
        if hasCompletion {
            switch event.kind {
            case .eventRaised:
                lateEvents.append(event)
            case .executionTerminated, .executionSuspended, .executionResumed:
                lateControl.append(event)
            case .taskScheduled, .timerCreated, .subOrchestrationInstanceCreated, .eventSent:
                // History says the code did more than it does now.
                if !completionEmitted { matchAfterCompletion(event) }
            default:
                break
            }
            return
        }
        if suspended {
            switch event.kind {
            case .executionResumed, .executionTerminated, .executionSuspended, .executionRewound, .orchestratorStarted,
                .orchestratorCompleted:
                break
            default:
                suspendedQueue.append(event)
                return
            }
        }
        let c = context
        switch event.kind {
        case .orchestratorStarted:
            // Only the clock moves; nothing becomes runnable, so there is nothing to drain.
            c.currentUtcDateTime = event.timestamp
            return
        case .orchestratorCompleted:
            return
        case .executionStarted(let started):
            start(started, at: event.timestamp)
        case .taskScheduled(let name, _, _):
            match(event, "TaskScheduled '\(name)'") {
                if case .scheduleTask(name, _, _) = $0 { return true }
                return false
            }
        case .subOrchestrationInstanceCreated(let name, let childId, _):
            match(event, "SubOrchestrationInstanceCreated '\(name)' (\(childId))") {
                if case .createSubOrchestration(name, childId, _, _) = $0 { return true }
                return false
            }
        case .timerCreated:
            match(event, "TimerCreated") {
                if case .createTimer = $0 { return true }
                return false
            }
        case .eventSent(let target, let name, _):
            match(event, "EventSent '\(name)' to \(target)") {
                if case .sendEvent(target, name, _) = $0 { return true }
                return false
            }
        case .taskCompleted(let id, let result):
            c.openTasks.removeValue(forKey: id)?.complete(.success(result))
        case .taskFailed(let id, let failure):
            if let source = c.openTasks.removeValue(forKey: id) {
                source.complete(.failure(TaskFailedError(taskName: source.operation.name, taskId: id, cause: failure)))
            }
        case .subOrchestrationInstanceCompleted(let id, let result):
            c.openSubOrchestrations.removeValue(forKey: id)
            c.openTasks.removeValue(forKey: id)?.complete(.success(result))
        case .subOrchestrationInstanceFailed(let id, let failure):
            c.openSubOrchestrations.removeValue(forKey: id)
            if let source = c.openTasks.removeValue(forKey: id) {
                source.complete(.failure(TaskFailedError(
                    taskName: source.operation.name, taskId: id, isSubOrchestration: true, cause: failure)))
            }
        case .timerFired(let id, _):
            c.openTasks.removeValue(forKey: id)?.complete(.success(nil))
        case .eventRaised:
            c.deliverEvent(event)
        case .executionTerminated(let reason, let recurse):
            terminate(reason: reason, recurse: recurse)
        case .executionSuspended:
            suspended = true
        case .executionResumed:
            suspended = false
            let queued = suspendedQueue
            suspendedQueue = []
            for e in queued { apply(e) }
        case .executionCompleted, .continueAsNew, .executionRewound:
            break
        }
        executor.drain()
        checkProgress()
    }

    private func start(_ event: ExecutionStartedEvent, at timestamp: Date) {
        guard started == nil else { return }
        started = event
        let c = context
        c.name = event.name
        c.executionId = event.executionId
        c.version = event.version
        c.parent = event.parent
        c.generation = event.generation
        if c.currentUtcDateTime.timeIntervalSince1970 == 0 { c.currentUtcDateTime = timestamp }
        guard let function = resolve(event.name) else {
            c.fatal = FailureDetails(
                errorType: EngineFailure.orchestratorNotRegistered,
                errorMessage: "No orchestrator named '\(event.name)' is registered with this worker", isNonRetriable: true)
            return
        }
        let input = event.input
        rootTask = Task(executorPreference: executor) { [self] in
            let result: Result<String?, any Error>
            do { result = .success(try await function(c, input)) } catch { result = .failure(error) }
            rootResult = result
        }
    }

    private func match(_ event: HistoryEvent, _ recorded: @autoclosure () -> String, _ matches: (OrchestratorAction.Kind) -> Bool) {
        let id = event.eventId
        guard let action = context.pendingActions.peek(id) else {
            failNonDeterministic(
                "history has \(recorded()) #\(id), but the orchestrator code produced no action #\(id) at this point")
            return
        }
        if matches(action.kind) {
            _ = context.pendingActions.take(id)
        } else {
            failNonDeterministic("history has \(recorded()) #\(id), but the orchestrator code now produced \(action.summary)")
        }
    }

    /// An action event replayed after the code already finished: it must match an action the
    /// code produced before finishing, or the code changed.
    private func matchAfterCompletion(_ event: HistoryEvent) {
        guard context.pendingActions.take(event.eventId) == nil else { return }
        failNonDeterministic(
            "history has \(event.kind.typeName) #\(event.eventId), but the orchestrator code now finishes before producing action #\(event.eventId)")
    }

    private func failNonDeterministic(_ message: String) {
        guard context.fatal == nil else { return }
        defer {
            if hasCompletion && !completionEmitted, let fatal = context.fatal {
                context.pendingActions.removeAll()
                completion = CompleteOrchestrationAction(status: .failed, failureDetails: fatal)
            }
        }
        context.fatal = FailureDetails(
            errorType: EngineFailure.nonDeterministic,
            errorMessage: "Non-deterministic orchestration '\(context.name)' (\(instanceId)): \(message). "
                + "Orchestrator code must make the same calls in the same order on every replay.",
            isNonRetriable: true)
    }

    private func terminate(reason: String?, recurse: Bool) {
        var kept: [OrchestratorAction] = []
        if recurse {
            for (_, child) in context.openSubOrchestrations.sorted(by: { $0.key < $1.key }) {
                let id = context.addAction { _ in .terminateOrchestration(instanceId: child, reason: reason, recurse: true) }
                kept.append(context.pendingActions.take(id)!)
            }
        }
        // Actions not yet recorded are dropped; only the terminations of children go out.
        context.pendingActions.removeAll()
        for action in kept { context.pendingActions.append(action) }
        completion = CompleteOrchestrationAction(status: .terminated, result: reason)
        abandonRoot()
    }

    /// After each step: detect non-durable awaits, completion and fatal failures.
    private func checkProgress() {
        guard !hasCompletion else { return }
        let c = context
        if c.fatal == nil && executor.foreignEnqueues > 0 {
            c.fatal = FailureDetails(
                errorType: EngineFailure.nonDurableAwait,
                errorMessage: "Orchestrator '\(c.name)' (\(instanceId)) was resumed by something outside the orchestration "
                    + "(Task.sleep, Task.detached, an actor or global actor, or a continuation resumed from another thread). "
                    + "Use the context's timers, activities and events instead.",
                isNonRetriable: true)
        }
        if let fatal = c.fatal {
            context.pendingActions.removeAll()
            completion = CompleteOrchestrationAction(status: .failed, failureDetails: fatal)
            abandonRoot()
            return
        }
        if let result = rootResult {
            completion = completionAction(for: result)
            return
        }
        if rootTask != nil && c.parkedWaiters == 0 {
            c.fatal = FailureDetails(
                errorType: EngineFailure.nonDurableAwait,
                errorMessage: "Orchestrator '\(c.name)' (\(instanceId)) is suspended but awaits no durable operation: it awaited "
                    + "something non-durable (Task.sleep, Task.detached, an actor or global actor, or a continuation resumed "
                    + "elsewhere). Use the context's timers, activities and events instead.",
                isNonRetriable: true)
            checkProgress()
        }
    }

    private func completionAction(for result: Result<String?, any Error>) -> CompleteOrchestrationAction {
        if let request = context.continueAsNewRequest {
            return CompleteOrchestrationAction(status: .continuedAsNew, result: request.input, newVersion: request.version)
        }
        switch result {
        case .success(let output):
            return CompleteOrchestrationAction(status: .completed, result: output)
        case .failure(let error):
            return CompleteOrchestrationAction(status: .failed, failureDetails: FailureDetails(error: error))
        }
    }

    private func abandonRoot() {
        // The episode is over; release everything it still waits on.
        if rootTask != nil && rootResult == nil { abandonInPlace() }
    }

    /// Abandon while already on the engine's thread.
    private func abandonInPlace() {
        guard !abandonedEpisode else { return }
        abandonedEpisode = true
        context.abandoned = true
        for source in context.openTasks.values { source.complete(.failure(OrchestrationAbandonedError())) }
        for queue in context.eventWaiters.values {
            for source in queue { source.complete(.failure(OrchestrationAbandonedError())) }
        }
        context.openTasks.removeAll()
        context.eventWaiters.removeAll()
        rootTask?.cancel()
        executor.drain(limit: 100_000)
        executor.markAbandoned()
    }

    // MARK: Finishing a turn

    private func finishTurn(appending newEvents: [HistoryEvent]) -> OrchestrationTurnOutcome {
        let c = context
        var appended = newEvents
        // However the execution ends, the entity locks it holds or requested are released.
        if completion != nil && !completionEmitted { c.releaseAllLocks() }
        var actions = c.pendingActions.takeAll()
        let now = c.currentUtcDateTime
        for action in actions {
            if let event = action.historyEvent(at: now) { appended.append(event) }
        }
        if var completion, !completionEmitted {
            completionEmitted = true
            if completion.status == .continuedAsNew {
                // Unprocessed events move on only when asked; a terminate, suspend or resume
                // that came after the continue-as-new always does, or it would be lost.
                if c.continueAsNewRequest?.preserveEvents == true {
                    completion.carryoverEvents = c.bufferedEvents + suspendedQueue.filter(\.isEventRaised) + lateEvents
                }
                completion.carryoverEvents += lateControl
                self.completion = completion
            }
            let id = c.nextSequence
            c.nextSequence += 1
            actions.append(OrchestratorAction(id: id, kind: .completeOrchestration(completion)))
            switch completion.status {
            case .continuedAsNew:
                appended.append(HistoryEvent(timestamp: now, kind: .continueAsNew(input: completion.result)))
            default:
                appended.append(HistoryEvent(
                    eventId: id, timestamp: now,
                    kind: .executionCompleted(
                        status: completion.status, result: completion.result, failure: completion.failureDetails)))
            }
            if !abandonedEpisode { abandonInPlace() }
        }
        appended.append(HistoryEvent(timestamp: now, kind: .orchestratorCompleted))
        historyLength += appended.count
        let status: OrchestrationStatus =
            completion?.status ?? (suspended ? .suspended : (started == nil ? .pending : .running))
        return OrchestrationTurnOutcome(
            actions: actions, historyToAppend: appended, runtimeStatus: status,
            customStatus: c.customStatus, completion: completion, executionStarted: started)
    }
}

extension HistoryEvent {
    var isEventRaised: Bool {
        if case .eventRaised = kind { return true }
        return false
    }
}

extension CompletionSource.Operation {
    var name: String {
        switch self {
        case .activity(let name), .subOrchestration(let name, _), .externalEvent(let name), .composite(let name): name
        case .timer: "timer"
        }
    }
}
