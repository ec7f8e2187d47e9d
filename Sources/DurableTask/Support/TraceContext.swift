public import Tracing

/// A span context as the tracer's propagation carrier, stored with the work it belongs to: in the
/// `ExecutionStarted` event of an instance (so every turn of it, replayed or not, continues the
/// same trace) and in each activity request (so an activity's span is the child of the turn that
/// scheduled it). With a W3C tracer (swift-otel) the map holds `traceparent` and `tracestate`.
public typealias TraceCarrier = [String: String]

/// Turns span contexts into ``TraceCarrier``s and back through a tracer's `inject`/`extract`.
package enum TraceContext {
    /// The carrier of `context`, or `nil` if the tracer injects nothing (no tracing configured).
    package static func inject(_ context: InstrumentationContext, with tracer: any LegacyTracer) -> TraceCarrier? {
        var carrier: TraceCarrier = [:]
        tracer.inject(context, into: &carrier, using: DictionaryInjector())
        return carrier.isEmpty ? nil : carrier
    }

    /// The context a carrier names; the top-level context for `nil`.
    package static func extract(_ carrier: TraceCarrier?, with tracer: any LegacyTracer) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        if let carrier { tracer.extract(carrier, into: &context, using: DictionaryExtractor()) }
        return context
    }

    private struct DictionaryInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout TraceCarrier) { carrier[key] = value }
    }

    private struct DictionaryExtractor: Extractor {
        func extract(key: String, from carrier: TraceCarrier) -> String? { carrier[key] }
    }
}

/// Span names, in one place.
package enum SpanNames {
    /// A client's start of an orchestration.
    package static func start(_ name: String) -> String { "create_orchestration:\(name)" }
    /// One turn of an orchestration.
    package static func orchestration(_ name: String) -> String { "orchestration:\(name)" }
    /// One execution of an activity.
    package static func activity(_ name: String) -> String { "activity:\(name)" }
}
