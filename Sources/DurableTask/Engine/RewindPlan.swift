/// How a failed execution's history is rewritten when a client rewinds it: a pure function of the
/// history.
///
/// The final `ExecutionCompleted(Failed)` goes. So does the last task failure (an activity's or a
/// sub-orchestration's), when nothing was scheduled after it, because then it is the failure that
/// ended the execution: that task is then run again and the replay waits for it. A failure the
/// code caught and moved on from stays. Without such a task failure the orchestrator's own code
/// failed, and the replay runs it again unchanged.
struct RewindPlan {
    /// The task to run again.
    enum Retry {
        case activity(id: Int, name: String, input: String?, attempt: Int)
        case subOrchestration(id: Int, name: String, instanceId: String, input: String?)
    }

    /// The rewritten history.
    var history: [HistoryEvent]
    /// The task to run again, if a task failure ended the execution.
    var retry: Retry?

    init(_ original: [HistoryEvent]) {
        history = original
        guard let end = history.lastIndex(where: {
            if case .executionCompleted(.failed, _, _) = $0.kind { return true }
            return false
        }) else { return }
        history.remove(at: end)
        guard let failed = history.lastIndex(where: \.isTaskFailure) else { return }
        let later = history[(failed + 1)...]
        guard !later.contains(where: \.isScheduling) else { return }
        let id: Int
        switch history[failed].kind {
        case .taskFailed(let taskId, _), .subOrchestrationInstanceFailed(let taskId, _): id = taskId
        default: return
        }
        guard let scheduled = history.last(where: { $0.eventId == id && $0.isScheduling }) else { return }
        switch scheduled.kind {
        case .taskScheduled(let name, let input, let attempt):
            retry = .activity(id: id, name: name, input: input, attempt: attempt)
        case .subOrchestrationInstanceCreated(let name, let child, let input):
            retry = .subOrchestration(id: id, name: name, instanceId: child, input: input)
        default:
            return
        }
        history.remove(at: failed)
    }
}

extension HistoryEvent {
    /// An activity's or a sub-orchestration's failure.
    var isTaskFailure: Bool {
        switch kind {
        case .taskFailed, .subOrchestrationInstanceFailed: true
        default: false
        }
    }

    /// An event recording an action of the code (a scheduled task, timer, child or sent event).
    var isScheduling: Bool {
        switch kind {
        case .taskScheduled, .timerCreated, .subOrchestrationInstanceCreated, .eventSent: true
        default: false
        }
    }

    /// Whether this is a client's rewind request.
    var isRewind: Bool {
        if case .executionRewound = kind { return true }
        return false
    }
}
