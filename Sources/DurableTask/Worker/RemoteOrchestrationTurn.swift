package import Foundation

/// One orchestration turn whose orchestrator code runs elsewhere: in a worker of another
/// language connected through the Durable Task sidecar protocol.
///
/// The engine hands the remote code the stored history (``past``) and the turn's new events
/// (``newEvents``, which begin with `OrchestratorStarted`). The code answers with actions, and
/// ``apply(_:customStatus:rewoundHistory:now:)`` turns them into the same
/// ``OrchestrationTurnResult`` a Swift orchestrator's turn produces: the same history events,
/// activities, timers and messages, committed in one atomic step by the store.
///
/// A turn may need more than one round with the remote code before it commits. Continue-as-new
/// starts the next execution in the same turn, and a rewind first rewrites the history and then
/// replays it so the failed tasks are scheduled again. After such a round ``apply`` returns
/// ``Step/again``: send the new ``past`` and ``newEvents`` to the remote code once more, under the
/// same lease.
package struct RemoteOrchestrationTurn: Sendable {
    /// What the caller does after ``apply(_:customStatus:rewoundHistory:now:)``.
    package enum Step: Sendable {
        /// Commit this result with the work item.
        case commit(OrchestrationTurnResult)
        /// Run the remote code again on the updated ``past`` and ``newEvents``.
        case again
    }

    /// The instance.
    package let instanceId: String
    /// The history the remote code replays.
    package private(set) var past: [HistoryEvent]
    /// The events of this round, starting with `OrchestratorStarted`.
    package private(set) var newEvents: [HistoryEvent]
    /// The execution ID the store holds for the instance (kept by a rewind).
    package private(set) var executionId: String?
    /// The most rounds one turn runs (continue-as-new without awaiting anything); then the
    /// next execution is terminated.
    package var maxRounds = 1_000

    /// What earlier rounds produced (activities, timers and messages still go out).
    private var earlier: OrchestrationTurnResult?
    /// Set when the stored history must be replaced by ``past`` plus this round's events.
    private var replaceHistory = false
    private var newExecution: ExecutionStartedEvent?
    private var rounds = 0

    /// Starts a turn for a leased work item.
    /// - Parameters:
    ///   - history: the stored history of the instance's current execution.
    ///   - now: the turn's time, recorded in its `OrchestratorStarted` event.
    package init(item: OrchestrationWorkItem, history: [HistoryEvent], now: Date = Date()) {
        instanceId = item.instanceId
        executionId = item.executionId
        past = history
        newEvents = [HistoryEvent(timestamp: Self.wholeMicroseconds(now), kind: .orchestratorStarted)] + item.messages.map(\.event)
    }

    /// The SDKs derive deterministic IDs from the turn's time printed to the microsecond, so the
    /// time a turn records is a whole number of microseconds: it prints the same after any round trip.
    static func wholeMicroseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000)
    }

    /// The orchestrator name and version, from the execution's `ExecutionStarted` event.
    package var executionStarted: ExecutionStartedEvent? {
        past.lazy.compactMap(\.executionStarted).first ?? newEvents.lazy.compactMap(\.executionStarted).first
    }

    /// Whether the new events hold a client's rewind of a failed execution.
    package var isRewindRequest: Bool {
        newEvents.contains(where: \.isRewind) && past.contains(where: \.isExecutionCompleted)
    }

    /// Applies the remote code's answer to this round.
    /// - Parameters:
    ///   - actions: the actions, each with its sequence number.
    ///   - customStatus: the serialized custom status.
    ///   - rewoundHistory: the history the remote code rewrote for a rewind; the next round
    ///     replays it.
    package mutating func apply(
        _ actions: [OrchestratorAction], customStatus: String?, rewoundHistory: [HistoryEvent]? = nil, now: Date = Date()
    ) -> Step {
        rounds += 1
        if var rewritten = rewoundHistory {
            // Keep the stored start (execution ID, generation): activity results and timers are
            // addressed to that execution.
            if let original = executionStarted {
                for index in rewritten.indices where rewritten[index].executionStarted != nil {
                    rewritten[index].kind = .executionStarted(original)
                }
            }
            past = rewritten
            newEvents = [HistoryEvent(timestamp: Self.wholeMicroseconds(now), kind: .orchestratorStarted)]
            replaceHistory = true
            return .again
        }
        let started = executionStarted
        let eventTime = newEvents.first?.timestamp ?? now
        var appended = newEvents
        var completion: CompleteOrchestrationAction?
        for action in actions {
            if let event = action.historyEvent(at: eventTime) { appended.append(event) }
            if case .completeOrchestration(let c) = action.kind { completion = c }
        }
        var actions = actions
        if let completion {
            switch completion.status {
            case .continuedAsNew:
                appended.append(HistoryEvent(timestamp: eventTime, kind: .continueAsNew(input: completion.result)))
            default:
                let id = actions.first(where: { if case .completeOrchestration = $0.kind { true } else { false } })?.id ?? -1
                appended.append(HistoryEvent(
                    eventId: id, timestamp: eventTime,
                    kind: .executionCompleted(status: completion.status, result: completion.result, failure: completion.failureDetails)))
            }
            if completion.status == .terminated { actions += terminationsOfChildren(appended: appended, firstId: actions.count) }
        }
        appended.append(HistoryEvent(timestamp: eventTime, kind: .orchestratorCompleted))

        var result = OrchestrationTurnResult(
            historyToAppend: appended, status: completion?.status ?? Self.status(of: past + appended))
        if let started {
            let executionId = started.executionId
            OrchestrationTurnProcessor.collect(actions, started: started, executionId: executionId, into: &result)
        }
        if let previous = earlier {
            result.activities = previous.activities + result.activities
            result.timers = previous.timers + result.timers
            result.messages = previous.messages + result.messages
        }
        if let completion, completion.status == .continuedAsNew, let started {
            let next = OrchestrationTurnProcessor.nextExecution(after: started, continuingWith: completion)
            earlier = result
            replaceHistory = true
            newExecution = next
            executionId = next.executionId
            past = []
            newEvents = [
                HistoryEvent(timestamp: Self.wholeMicroseconds(now), kind: .orchestratorStarted),
                HistoryEvent(timestamp: now, kind: .executionStarted(next)),
            ] + completion.carryoverEvents
            if rounds >= maxRounds {
                newEvents.append(HistoryEvent(timestamp: now, kind: .executionTerminated(
                    reason: "continued as new \(rounds) times in one turn without awaiting anything", recurse: false)))
            }
            return .again
        }
        if replaceHistory {
            result.historyToAppend = past + appended
            result.replaceHistory = true
            result.newExecution = newExecution
        }
        result.customStatus = customStatus
        if let completion {
            result.output = completion.result
            result.failureDetails = completion.failureDetails
        }
        return .commit(result)
    }

    /// The runtime status a history leaves an unfinished execution in.
    static func status(of history: [HistoryEvent]) -> OrchestrationStatus {
        var status = OrchestrationStatus.pending
        for event in history {
            switch event.kind {
            case .executionStarted, .executionResumed: status = .running
            case .executionSuspended: status = .suspended
            default: break
            }
        }
        return status
    }

    /// A recursive termination reaches the sub-orchestrations still running (the remote code
    /// only reports its own termination).
    private func terminationsOfChildren(appended: [HistoryEvent], firstId: Int) -> [OrchestratorAction] {
        let history = past + appended
        guard let terminate = newEvents.last(where: { if case .executionTerminated = $0.kind { true } else { false } }),
            case .executionTerminated(let reason, true) = terminate.kind
        else { return [] }
        var open: [Int: String] = [:]
        for event in history {
            switch event.kind {
            case .subOrchestrationInstanceCreated(_, let child, _): open[event.eventId] = child
            case .subOrchestrationInstanceCompleted(let id, _), .subOrchestrationInstanceFailed(let id, _): open[id] = nil
            default: break
            }
        }
        let ids = (history.map(\.eventId).max() ?? 0) + 1
        return open.sorted { $0.key < $1.key }.enumerated().map { offset, entry in
            OrchestratorAction(id: max(ids, firstId) + offset, kind: .terminateOrchestration(instanceId: entry.value, reason: reason, recurse: true))
        }
    }
}

extension HistoryEvent {
    /// Whether this is the end of an execution (`ExecutionCompleted`).
    var isExecutionCompleted: Bool {
        if case .executionCompleted = kind { return true }
        return false
    }
}
