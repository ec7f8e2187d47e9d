import DurableTask
import Foundation

/// Random history events of every kind, with extreme numbers, dates and text in every field.
enum RandomHistory {
    static func event(using rng: inout some RandomNumberGenerator) -> HistoryEvent {
        func text() -> String { RandomText.string(maxLength: 12, using: &rng) }
        func optionalText() -> String? { Bool.random(using: &rng) ? text() : nil }
        func int() -> Int { Extreme.int(using: &rng) }
        func date() -> Date { Extreme.date(using: &rng) }
        func failure(depth: Int = 0) -> FailureDetails {
            FailureDetails(
                errorType: text(), errorMessage: text(), stackTrace: optionalText(),
                innerFailure: depth < 2 && Bool.random(using: &rng) ? failure(depth: depth + 1) : nil,
                isNonRetriable: Bool.random(using: &rng))
        }
        let kind: HistoryEvent.Kind
        switch Int.random(in: 0..<19, using: &rng) {
        case 0:
            var tags: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...2, using: &rng) { tags[text()] = text() }
            let parent = Bool.random(using: &rng)
                ? ParentInstance(name: text(), instanceId: text(), executionId: text(), taskScheduledId: int()) : nil
            kind = .executionStarted(ExecutionStartedEvent(
                name: text(), instanceId: text(), executionId: text(), input: optionalText(), version: optionalText(),
                parent: parent, scheduledStartTime: Bool.random(using: &rng) ? date() : nil, generation: int(), tags: tags))
        case 1:
            kind = .executionCompleted(
                status: OrchestrationStatus.allCases.randomElement(using: &rng)!, result: optionalText(),
                failure: Bool.random(using: &rng) ? failure() : nil)
        case 2: kind = .executionTerminated(reason: optionalText(), recurse: Bool.random(using: &rng))
        case 3: kind = .executionSuspended(reason: optionalText())
        case 4: kind = .executionResumed(reason: optionalText())
        case 5: kind = .executionRewound(reason: optionalText())
        case 6: kind = .taskScheduled(name: text(), input: optionalText(), attempt: int())
        case 7: kind = .taskCompleted(taskScheduledId: int(), result: optionalText())
        case 8: kind = .taskFailed(taskScheduledId: int(), failure: failure())
        case 9: kind = .subOrchestrationInstanceCreated(name: text(), instanceId: text(), input: optionalText())
        case 10: kind = .subOrchestrationInstanceCompleted(taskScheduledId: int(), result: optionalText())
        case 11: kind = .subOrchestrationInstanceFailed(taskScheduledId: int(), failure: failure())
        case 12: kind = .timerCreated(fireAt: date())
        case 13: kind = .timerFired(timerId: int(), fireAt: date())
        case 14: kind = .eventRaised(name: text(), input: optionalText())
        case 15: kind = .eventSent(instanceId: text(), name: text(), input: optionalText())
        case 16: kind = .continueAsNew(input: optionalText())
        case 17: kind = .orchestratorStarted
        default: kind = .orchestratorCompleted
        }
        return HistoryEvent(eventId: int(), timestamp: date(), kind: kind)
    }

    static func events(using rng: inout some RandomNumberGenerator) -> [HistoryEvent] {
        var events: [HistoryEvent] = []
        for _ in 0..<Int.random(in: 0...8, using: &rng) { events.append(event(using: &rng)) }
        return events
    }
}
