import Foundation
import DequeModule

extension OrchestrationContext {
    /// Waits for an external event raised to this instance.
    ///
    /// Events that arrived before the wait are buffered and delivered first-in, first-out per
    /// name; names match case-insensitively. With a timeout, a durable timer races the event and
    /// ``ExternalEventTimeoutError`` is thrown if it fires first; the event, if it comes later,
    /// is buffered for the next wait.
    public func waitForExternalEvent<T: Decodable & Sendable>(
        _ name: String, as type: T.Type = T.self, timeout: Duration? = nil
    ) async throws -> T {
        try checkUsable()
        let what: @Sendable () -> String = { "the payload of event '\(name)'" }
        if let index = bufferedEventIndex(named: name) {
            let event = bufferedEvents.remove(at: index)
            guard case .eventRaised(_, let input) = event.kind else { fatalError("buffered events are EventRaised") }
            return try PayloadCoding.decodeOrThrow(T.self, from: input, what: what())
        }
        if let timeout, timeout <= .zero {
            throw ExternalEventTimeoutError(eventName: name, timeout: timeout)
        }
        let key = name.lowercased()
        let source = makeInternalSource(.externalEvent(name: name))
        eventWaiters[key, default: []].append(source)
        if let timeout {
            let timer = timerSource(fireAt: currentUtcDateTime.addingTimeInterval(timeout.timeInterval))
            await DurableWaiter.wait(for: [source, timer], context: self)
            try checkUsable()
            if !source.isCompleted {
                eventWaiters[key]?.removeAll { $0 === source }
                throw ExternalEventTimeoutError(eventName: name, timeout: timeout)
            }
        }
        return try await future(source, as: T.self, what: what).value
    }

    /// Sends an event to another instance. Fire and forget.
    public func sendEvent(to instanceId: String, name: String, payload: some Encodable = NoValue()) throws {
        try checkUsable()
        let data = try PayloadCoding.encodeOrThrow(payload, what: "the payload of event '\(name)'")
        _ = addAction { _ in .sendEvent(instanceId: instanceId, name: name, data: data) }
    }

    /// Ends this execution and starts a new one of the same instance with a fresh history.
    ///
    /// It does not return: it throws a private signal that ends the orchestrator; catching
    /// it does not undo the continue-as-new.
    /// - Parameter preserveUnprocessedEvents: carry events that arrived and were not yet
    ///   consumed into the next execution, in order.
    public func continueAsNew(
        input: some Encodable, preserveUnprocessedEvents: Bool = false, version: String? = nil
    ) throws -> Never {
        try checkUsable()
        let payload = try PayloadCoding.encodeOrThrow(input, what: "the continue-as-new input")
        if continueAsNewRequest == nil {
            continueAsNewRequest = (payload, preserveUnprocessedEvents, version)
        }
        throw ContinueAsNewSignal()
    }

    /// Delivers an event to the first waiter for its name, or buffers it.
    func deliverEvent(_ event: HistoryEvent) {
        guard case .eventRaised(let name, let input) = event.kind else { return }
        let key = name.lowercased()
        if let source = eventWaiters[key]?.popFirst() {
            source.complete(.success(input))
        } else {
            bufferedEvents.append(event)
        }
    }
}

/// Thrown by `continueAsNew` to unwind the orchestrator.
struct ContinueAsNewSignal: Error {}
