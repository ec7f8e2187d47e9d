import DurableTask
import SwiftProtobuf

/// Trace contexts between the core's carrier (`traceparent` and `tracestate`, as a W3C tracer
/// injects them) and the protocol's `TraceContext` message.
enum TraceTranslation {
    /// The wire form of a carrier; `nil` when it holds no `traceparent`.
    static func proto(_ carrier: TraceCarrier?) -> ProtoTraceContext? {
        guard let parent = carrier?["traceparent"], !parent.isEmpty else { return nil }
        var context = ProtoTraceContext()
        context.traceParent = parent
        if let state = carrier?["tracestate"], !state.isEmpty { context.traceState = .init(state) }
        return context
    }

    /// The carrier of a wire trace context; `nil` when it has no `traceparent`.
    static func carrier(_ context: ProtoTraceContext) -> TraceCarrier? {
        guard !context.traceParent.isEmpty else { return nil }
        var carrier = ["traceparent": context.traceParent]
        if context.hasTraceState, !context.traceState.value.isEmpty { carrier["tracestate"] = context.traceState.value }
        return carrier
    }
}
