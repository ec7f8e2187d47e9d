import DurableTask
@testable import DurableTaskGRPC
import Foundation
import SwiftProtobuf
import Testing

/// W3C trace context between the core's carrier and the protocol's `TraceContext`.
@Suite("Trace context translation")
struct TraceTranslationTests {
    static let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func anExecutionStartKeepsItsTraceBothWays() {
        var started = ExecutionStartedEvent(name: "N", instanceId: "i", executionId: "e", input: nil)
        started.traceContext = ["traceparent": Self.parent, "tracestate": "vendor=1"]
        let wire = HistoryTranslation.proto(started)
        #expect(wire.parentTraceContext.traceParent == Self.parent)
        #expect(wire.parentTraceContext.traceState.value == "vendor=1")
        #expect(HistoryTranslation.started(wire).traceContext == started.traceContext)
    }

    @Test func noTraceIsNoMessage() {
        let started = ExecutionStartedEvent(name: "N", instanceId: "i", executionId: "e", input: nil)
        #expect(!HistoryTranslation.proto(started).hasParentTraceContext)
        #expect(HistoryTranslation.started(HistoryTranslation.proto(started)).traceContext == nil)
        #expect(TraceTranslation.proto(["in-memory-trace-id": "x"]) == nil, "only a W3C traceparent crosses the wire")
        #expect(TraceTranslation.carrier(ProtoTraceContext()) == nil)
    }
}
