import DurableTask

/// The `historyEvents` array of §3.4: DurableTask's event shapes with PascalCase keys, turn
/// markers dropped, and each scheduling event merged into its completion or failure.
enum HistoryPayload {
    /// Renders a history. `showInput` keeps the `Input` members; `showOutput` adds `Result`.
    static func events(_ history: [HistoryEvent], showInput: Bool, showOutput: Bool) -> JSONValue {
        var scheduled: [Int: HistoryEvent] = [:]
        var created: [Int: HistoryEvent] = [:]
        var finishedTasks = Set<Int>()
        var finishedSubOrchestrations = Set<Int>()
        for event in history {
            switch event.kind {
            case .taskScheduled: scheduled[event.eventId] = event
            case .subOrchestrationInstanceCreated: created[event.eventId] = event
            case .taskCompleted(let id, _), .taskFailed(let id, _): finishedTasks.insert(id)
            case .subOrchestrationInstanceCompleted(let id, _), .subOrchestrationInstanceFailed(let id, _):
                finishedSubOrchestrations.insert(id)
            default: break
            }
        }
        let renderer = Renderer(showInput: showInput, showOutput: showOutput, scheduled: scheduled, created: created)
        var out: [JSONValue] = []
        for event in history {
            switch event.kind {
            case .orchestratorStarted, .orchestratorCompleted: continue
            case .taskScheduled where finishedTasks.contains(event.eventId): continue
            case .subOrchestrationInstanceCreated where finishedSubOrchestrations.contains(event.eventId): continue
            default: out.append(renderer.render(event))
            }
        }
        return .array(out)
    }

    /// `FailureDetails` with PascalCase keys.
    static func failure(_ f: FailureDetails?) -> JSONValue {
        guard let f else { return .null }
        return .object([
            ("ErrorType", .string(f.errorType)),
            ("ErrorMessage", .string(f.errorMessage)),
            ("StackTrace", .string(orNull: f.stackTrace)),
            ("InnerFailure", failure(f.innerFailure)),
            ("IsNonRetriable", .bool(f.isNonRetriable)),
        ])
    }

    private struct Renderer {
        let showInput: Bool
        let showOutput: Bool
        let scheduled: [Int: HistoryEvent]
        let created: [Int: HistoryEvent]

        func render(_ event: HistoryEvent) -> JSONValue {
            var m: [(key: String, value: JSONValue)] = [
                ("EventType", .string(event.kind.typeName)), ("Timestamp", .string(APITimestamps.precise(event.timestamp))),
            ]
            func input(_ text: String?) { if showInput { m.append(("Input", .string(orNull: text))) } }
            func result(_ text: String?) { if showOutput { m.append(("Result", .embedding(text))) } }
            /// The merged scheduling event's name, time and input.
            func origin(_ source: HistoryEvent?) {
                var name: String?
                var text: String?
                if case .taskScheduled(let n, let i, _)? = source?.kind { (name, text) = (n, i) }
                if case .subOrchestrationInstanceCreated(let n, _, let i)? = source?.kind { (name, text) = (n, i) }
                m.append(("FunctionName", .string(orNull: name)))
                m.append(("ScheduledTime", source.map { .string(APITimestamps.precise($0.timestamp)) } ?? .null))
                input(text)
            }
            /// The merged creation event's child instance ID (ours: DF sends none).
            func childInstance(_ source: HistoryEvent?) {
                if case .subOrchestrationInstanceCreated(_, let id, _)? = source?.kind { m.append(("InstanceId", .string(id))) }
            }
            func failed(_ f: FailureDetails) {
                m.append(("Reason", .string(f.errorMessage)))
                m.append(("Details", .string(orNull: f.stackTrace)))
                m.append(("FailureDetails", HistoryPayload.failure(f)))
            }
            switch event.kind {
            case .executionStarted(let s):
                m.append(("FunctionName", .string(s.name)))
                input(s.input)
            case .executionCompleted(let status, let text, let f):
                m.append(("OrchestrationStatus", .string(status.rawValue)))
                result(text)
                m.append(("FailureDetails", HistoryPayload.failure(f)))
            case .executionTerminated(let reason, _):
                input(reason)
            case .executionSuspended(let reason), .executionResumed(let reason), .executionRewound(let reason):
                m.append(("Reason", .string(orNull: reason)))
            case .taskScheduled(let name, let text, _):
                m.append(("Name", .string(name)))
                input(text)
            case .taskCompleted(let id, let text):
                origin(scheduled[id])
                result(text)
            case .taskFailed(let id, let f):
                origin(scheduled[id])
                failed(f)
            case .subOrchestrationInstanceCreated(let name, let instanceId, let text):
                m.append(("Name", .string(name)))
                m.append(("InstanceId", .string(instanceId)))
                input(text)
            case .subOrchestrationInstanceCompleted(let id, let text):
                origin(created[id])
                childInstance(created[id])
                result(text)
            case .subOrchestrationInstanceFailed(let id, let f):
                origin(created[id])
                childInstance(created[id])
                failed(f)
            case .timerCreated(let fireAt), .timerFired(_, let fireAt):
                m.append(("FireAt", .string(APITimestamps.precise(fireAt))))
            case .eventRaised(let name, let text):
                m.append(("Name", .string(name)))
                input(text)
            case .eventSent(let instanceId, let name, let text):
                m.append(("InstanceId", .string(instanceId)))
                m.append(("Name", .string(name)))
                input(text)
            case .continueAsNew(let text):
                result(text)
            case .orchestratorStarted, .orchestratorCompleted:
                break
            }
            return .object(m)
        }
    }
}
